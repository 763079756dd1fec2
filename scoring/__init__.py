"""Pure domain math and vocabulary: no Flask, no SQLAlchemy, no I/O (a test enforces it)."""
