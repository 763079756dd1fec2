"""Home pages: the organizer dashboard and the landing page of every other role."""
