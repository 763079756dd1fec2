"""With ``REDIS_URL`` set, rate limits are counted in Redis: two app servers (separate processes,
as two machines behind a load balancer would be) share one limit.

Needs a Redis server: ``TEST_REDIS_URL`` (default ``redis://127.0.0.1:6379/0``; CI starts one). The
keys are written under a prefix unique to the run and deleted afterwards.
"""
from __future__ import annotations

import os
import urllib.error
import urllib.request
import uuid

import pytest

from tests.deployment import app_servers, redis_or_skip

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
LIMIT = 6


@pytest.fixture()
def store():
    connection = redis_or_skip(REDIS_URL)
    prefix = f"jingsai-test-{uuid.uuid4().hex}"
    yield connection, prefix
    for key in connection.scan_iter(f"*{prefix}*"):
        connection.delete(key)
    connection.close()


@pytest.fixture()
def two_servers(store, tmp_path):
    """Two app servers in their own processes, sharing the Redis store and nothing else in memory."""
    _connection, prefix = store
    env = {**os.environ, "APP_ENV": "production", "SECRET_KEY": "redis-test", "REDIS_URL": REDIS_URL,
           "DATABASE_URL": f"sqlite:///{tmp_path / 'unused.db'}", "PUBLIC_BASE_URL": "http://127.0.0.1",
           "CERTIFICATE_KEYS_DIR": str(tmp_path / "keys"), "CERTIFICATE_JOBS_DIR": str(tmp_path / "jobs")}
    with app_servers(env, verify_limit=LIMIT, key_prefix=prefix) as urls:
        yield urls


def _status(url: str) -> int:
    try:
        with urllib.request.urlopen(f"{url}/verify/not-a-token", timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as refused:
        return refused.code


def test_two_app_servers_sharing_redis_share_the_limit(two_servers, store):
    connection, prefix = store
    first, second = two_servers
    statuses = [_status(first if n % 2 else second) for n in range(LIMIT)]
    assert statuses == [400] * LIMIT          # a refused token, counted on either server
    assert _status(first) == 429 and _status(second) == 429
    assert any(connection.scan_iter(f"*{prefix}*")), "the counts are in Redis"
