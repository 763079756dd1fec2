"""Units (a tree of bodies) and their import; below auth and events (pyproject's import contracts)."""
