"""Fixtures: one database per test session (SQLite file, or PostgreSQL when ``DATABASE_URL`` says
so), built by the Alembic migrations themselves, and emptied after every test."""
from __future__ import annotations

import os
import re
from datetime import datetime

import flask_babel
import pytest
from hypothesis import settings
from sqlalchemy import text

from app import clock, create_app
from app.config import TestConfig, _database_url
from app.extensions import cache, db, limiter
from tests import factories

# No deadlines (CI machines stall); CI runs a fixed, larger sample so a failure reproduces.
settings.register_profile("ci", deadline=None, derandomize=True, max_examples=200)
settings.register_profile("dev", deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"))

# A fixed "now" for every test: registration windows and ages depend on it.
FROZEN_NOW = datetime(2026, 9, 1, 10, 0, tzinfo=clock.SHANGHAI)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    if os.environ.get("DATABASE_URL"):
        worker = os.environ.get("PYTEST_XDIST_WORKER")
        if worker:  # pytest -n: each worker its own database, and so do the processes it starts
            os.environ["DATABASE_URL"] = _own_database(os.environ["DATABASE_URL"], worker)
        return _database_url()
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"


def _own_database(url: str, worker: str) -> str:
    """``…/test`` → ``…/test_gw1``, created on the same server if it is not there yet."""
    import psycopg

    base, name = url.rsplit("/", 1)
    own = f"{name}_{worker}"
    with psycopg.connect(url, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (own,)).fetchone():
            conn.execute(f'CREATE DATABASE "{own}"')
    return f"{base}/{own}"


@pytest.fixture(scope="session")
def app(database_url):
    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = database_url

    application = create_app(Config)
    # Tests keep one app context open across requests (the ``ctx`` fixture); Flask-Babel caches
    # the locale on it, so forget it at each request as a fresh context would.
    application.before_request(flask_babel.refresh)
    with application.app_context():
        from flask_migrate import upgrade
        if db.engine.dialect.name == "postgresql":
            _empty_schema()
        upgrade()
    yield application


def _empty_schema() -> None:
    """Start from an empty schema, not ``downgrade base``: a database left at a revision this
    checkout does not know (another branch's migration) cannot be downgraded."""
    with db.engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))


@pytest.fixture(autouse=True)
def _frozen_clock():
    with clock.frozen(FROZEN_NOW):
        yield


@pytest.fixture()
def ctx(app):
    """An app context with an empty database and no rate-limit counts; everything is deleted afterwards."""
    with app.app_context():
        limiter.reset()
        yield app
        limiter.reset()
        db.session.rollback()
        db.session.remove()
        cache.clear()  # pages stored by results version: the next test's event restarts its versions
        tables = [t.name for t in reversed(db.metadata.sorted_tables)]
        with db.engine.begin() as conn:
            if db.engine.dialect.name == "postgresql":
                conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
            else:
                for table in tables:
                    conn.execute(text(f"DELETE FROM {table}"))


@pytest.fixture()
def client(ctx):
    return ctx.test_client()


@pytest.fixture()
def make(ctx):
    return factories


@pytest.fixture()
def csrf_app(database_url, make):
    """The app as production runs it, CSRF checked, on the suite's database (emptied by ``make``)."""

    class CsrfConfig(TestConfig):
        SQLALCHEMY_DATABASE_URI = database_url
        WTF_CSRF_ENABLED = True

    return create_app(CsrfConfig)


def csrf_token(page: str) -> str:
    """The CSRF token of a page's first form (hidden input, attributes in either order)."""
    found = re.search(r'name="csrf_token"(?: type="hidden")? value="([^"]+)"', page)
    assert found, "no CSRF token on the page"
    return found.group(1)


def login(client, username: str, password: str = factories.PASSWORD):
    response = client.post("/login", data={"username": username, "password": password})
    assert response.status_code == 302, response.data[:500]
    return response
