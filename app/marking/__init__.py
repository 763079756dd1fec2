"""Marking: schemes, marks from tablets and paper, sign-off and locks, penalties, component scores."""
