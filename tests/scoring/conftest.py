"""Every test here is of pure ``scoring`` (no app, no database: tests/scoring/test_purity.py keeps the
package so), marked ``no_database``: CI's PostgreSQL phase leaves them out, as they ran on SQLite."""
from __future__ import annotations

import os

import pytest

DATABASE_FIXTURES = {"app", "database_url"}


def pytest_collection_modifyitems(items):
    for item in items:
        if f"{os.sep}scoring{os.sep}" not in str(item.fspath):
            continue
        if DATABASE_FIXTURES & set(getattr(item, "fixturenames", ())):
            raise pytest.UsageError(f"{item.nodeid} reaches the database: move it out of tests/scoring")
        item.add_marker(pytest.mark.no_database)
