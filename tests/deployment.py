"""The deployment's processes, started by tests that must see what holds across processes: app
servers (as boxes behind a load balancer would be), the task queue's worker, and the Redis they share.

Needs a Redis server for the Redis part (CI starts one); a test without it is skipped.
"""
from __future__ import annotations

import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import redis

from app.certificates.models import CertificateJob, JobState
from app.extensions import db

ROOT = Path(__file__).resolve().parent.parent
SERVER = textwrap.dedent("""
    import sys
    from werkzeug.serving import make_server
    from app import create_app
    from app.config import Config

    class Served(Config):
        VERIFY_RATE_LIMIT = f"{sys.argv[1]} per minute"
        RATELIMIT_KEY_PREFIX = sys.argv[2]

    server = make_server("127.0.0.1", 0, create_app(Served), threaded=True)
    print(server.server_port, flush=True)
    server.serve_forever()
""")


def redis_or_skip(url: str) -> redis.Redis:
    """A connection to the Redis at ``url``; the test is skipped when none answers."""
    connection = redis.Redis.from_url(url)
    try:
        connection.ping()
    except redis.exceptions.ConnectionError:
        connection.close()
        pytest.skip(f"no Redis at {url}")
    return connection


@contextmanager
def app_servers(env: dict[str, str], *, verify_limit: int, key_prefix: str = "jingsai",
                count: int = 2) -> Iterator[list[str]]:
    """``count`` app servers, each in its own process with the settings ``env`` gives and nothing
    else shared in memory; their base URLs. ``key_prefix`` names their rate-limit keys in Redis."""
    processes, urls = [], []
    try:
        for _ in range(count):
            process = subprocess.Popen([sys.executable, "-c", SERVER, str(verify_limit), key_prefix], env=env,
                                       cwd=ROOT, stdout=subprocess.PIPE, text=True)
            processes.append(process)
            urls.append(f"http://127.0.0.1:{process.stdout.readline().strip()}")
        yield urls
    finally:
        for process in processes:
            process.terminate()
            process.wait(timeout=10)


def worker_renders(job_id: int, env: dict[str, str], *, timeout: float = 60) -> tuple[JobState, str]:
    """Runs a ``flask worker`` process until the job is done or failed (or ``timeout`` seconds
    passed): the job's last state and the worker's output."""
    worker = subprocess.Popen([sys.executable, "-m", "flask", "--app", "wsgi", "worker", "--workers", "1"],
                              env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + timeout
        while True:
            db.session.expire_all()
            state = db.session.get(CertificateJob, job_id).state
            db.session.rollback()  # end the read: on SQLite every transaction holds the write lock
            if state in (JobState.DONE, JobState.FAILED) or time.monotonic() > deadline:
                break
            time.sleep(0.1)
    finally:
        worker.terminate()
        output = worker.communicate(timeout=30)[0]
    return state, output
