"""Users, roles, login/logout and the permission table every route is checked against."""
