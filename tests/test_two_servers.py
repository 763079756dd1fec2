"""Out past one machine: two app servers (separate processes, as two boxes behind a load balancer)
and a worker process share one database and one Redis, and nothing that matters lives in one
process — results published on one server show at once on the other (the cached pages and their
version are in Redis), a rate limit counts requests to both, and a certificate job queued on one
server is rendered by the worker.

Needs Redis (``TEST_REDIS_URL``, default db 14 of 127.0.0.1:6379, emptied before and after; CI
starts Redis). Runs on the suite's database, SQLite or PostgreSQL.
"""
from __future__ import annotations

import http.cookiejar
import os
import re
import urllib.error
import urllib.parse
import urllib.request

import pytest
from sqlalchemy import select

from app.auth.models import Role
from app.certificates.models import CertificateJob, JobState
from app.extensions import db
from app.results.publication import publish
from tests.deployment import app_servers, redis_or_skip, worker_renders
from tests.factories import PASSWORD
from tests.results.builders import finished_world

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/14")
VERIFY_LIMIT = 6


@pytest.fixture()
def shared_redis():
    connection = redis_or_skip(REDIS_URL)
    connection.flushdb()
    yield connection
    connection.flushdb()
    connection.close()


@pytest.fixture()
def environment(app, shared_redis, tmp_path) -> dict[str, str]:
    """Production settings of every process of the deployment: one database, one Redis."""
    # No PROMETHEUS_MULTIPROC_DIR: gunicorn makes its own; an empty one would put metric files in the cwd.
    inherited = {k: v for k, v in os.environ.items() if k != "PROMETHEUS_MULTIPROC_DIR"}
    return {**inherited, "APP_ENV": "production", "SECRET_KEY": "two-servers", "REDIS_URL": REDIS_URL,
            "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"], "PUBLIC_BASE_URL": "http://127.0.0.1",
            "SESSION_COOKIE_SECURE": "0", "CERTIFICATE_KEYS_DIR": str(tmp_path / "keys"),
            "CERTIFICATE_JOBS_DIR": str(tmp_path / "jobs")}


@pytest.fixture()
def world(ctx, make):
    world = finished_world(make, care=False)
    make.user("org", role=Role.ORGANIZER, unit=world.hrss)
    db.session.commit()
    return world


@pytest.fixture()
def servers(world, environment):
    with app_servers(environment, verify_limit=VERIFY_LIMIT) as urls:
        yield urls


class Browser:
    """One person's cookies against one server."""

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def get(self, path: str) -> tuple[int, str]:
        return self._open(urllib.request.Request(self.base + path))

    def post(self, path: str, form: dict[str, str]) -> tuple[int, str]:
        data = urllib.parse.urlencode(form).encode()
        return self._open(urllib.request.Request(self.base + path, data=data, method="POST"))

    def csrf(self, path: str) -> str:
        return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', self.get(path)[1])[1]

    def log_in(self, username: str) -> None:
        status, _page = self.post("/login", {"username": username, "password": PASSWORD,
                                             "csrf_token": self.csrf("/login")})
        assert status == 200 and "/login" not in self.opener_last_url

    def _open(self, request: urllib.request.Request) -> tuple[int, str]:
        try:
            with self.opener.open(request, timeout=30) as response:
                self.opener_last_url = response.url
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()


def end_reads() -> None:
    """On SQLite a transaction holds the write lock: never leave one open while servers write."""
    db.session.rollback()


def test_two_servers_share_cache_rate_limits_and_jobs(world, servers, environment):
    one, other = Browser(servers[0]), Browser(servers[1])
    end_reads()

    # Both servers cache the event's public page while nothing is published.
    for server in (one, other):
        status, page = server.get("/results/EV1")
        assert status == 200 and "/results/EV1/WELD" not in page
    assert other.get("/results/EV1/WELD")[0] == 404

    # Published on one server: the other shows it at once (its cached version was dropped in Redis).
    organizer = Browser(servers[0])
    organizer.log_in("org")
    token = organizer.csrf("/events/EV1/skills/WELD/results")
    assert organizer.post("/events/EV1/skills/WELD/results/publish", {"csrf_token": token})[0] == 200
    status, page = other.get("/results/EV1")
    assert status == 200 and "/results/EV1/WELD" in page
    assert other.get("/results/EV1/WELD")[0] == 200

    # One limit, counted on both servers.
    statuses = [server.get("/verify/not-a-token")[0] for _ in range(VERIFY_LIMIT // 2) for server in (one, other)]
    assert 429 not in statuses
    assert one.get("/verify/not-a-token")[0] == 429 and other.get("/verify/not-a-token")[0] == 429

    # A job queued on one server is rendered by a worker process.
    publish(world.event, skill=world.weld, final=True)
    db.session.commit()
    token = organizer.csrf("/events/EV1/certificates")
    assert organizer.post("/events/EV1/certificates/jobs", {"csrf_token": token, "skill": "WELD",
                                                           "kinds": "award"})[0] == 200
    job = db.session.scalar(select(CertificateJob))
    assert job is not None and job.state == JobState.QUEUED
    job_id = job.id
    end_reads()
    _state, output = worker_renders(job_id, environment)
    job = db.session.get(CertificateJob, job_id)
    assert job.state == JobState.DONE and job.done == 3, output[-3000:]
