"""/healthz, /readyz, /metrics, request ids and the structured log lines."""
from __future__ import annotations

import io
import json
import logging
import socket

import pytest
from prometheus_client.parser import text_string_to_metric_families

from app import audit, create_app
from app.config import TestConfig
from app.extensions import db
from app.operations.logs import LOGGER, JsonFormatter
from tests.conftest import login


def _metric(client, name: str, **labels: str) -> float:
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.content_type.startswith("text/plain; version=0.0.4")
    for family in text_string_to_metric_families(response.get_data(as_text=True)):
        for sample in family.samples:
            if sample.name == name and all(sample.labels.get(k) == v for k, v in labels.items()):
                return sample.value
    return 0.0


def test_healthz_answers_with_a_request_id(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.get_json() == {"status": "ok"}
    assert len(response.headers["X-Request-Id"]) == 32
    echoed = client.get("/healthz", headers={"X-Request-Id": "nginx-0123456789abcdef"})
    assert echoed.headers["X-Request-Id"] == "nginx-0123456789abcdef"
    forged = client.get("/healthz", headers={"X-Request-Id": "<script>"})
    assert forged.headers["X-Request-Id"] != "<script>"


def test_readyz_when_the_database_answers(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ready", "down": [], "checks": {"database": "ok"}}


def _app_with(**settings):
    config = type("Config", (TestConfig,), settings)
    return create_app(config)


def test_readyz_is_503_naming_a_stopped_database(app):
    stopped = _app_with(SQLALCHEMY_DATABASE_URI="postgresql+psycopg://postgres@127.0.0.1:1/stopped",
                        SQLALCHEMY_ENGINE_OPTIONS={"connect_args": {"connect_timeout": 2}})
    response = stopped.test_client().get("/readyz")
    assert response.status_code == 503
    body = response.get_json()
    assert body["down"] == ["database"] and body["status"] == "not ready"
    assert "127.0.0.1" not in json.dumps(body)  # the error's kind, never the URL


def test_readyz_is_503_naming_a_stopped_redis(database_url):
    stopped = _app_with(SQLALCHEMY_DATABASE_URI=database_url, REDIS_URL="redis://127.0.0.1:1/5")
    response = stopped.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["down"] == ["redis"]
    assert response.get_json()["checks"]["database"] == "ok"


def test_readyz_asks_the_queues_sqlite_file(app, database_url, tmp_path):
    from app import queue
    try:
        other = _app_with(SQLALCHEMY_DATABASE_URI=database_url, QUEUE_IMMEDIATE=False,
                          QUEUE_PATH=str(tmp_path / "queue.sqlite3"))
        response = other.test_client().get("/readyz")
    finally:
        queue.init_app(app)   # the suite's queue runs tasks immediately again
    assert response.status_code == 200
    assert response.get_json()["checks"] == {"database": "ok", "queue": "ok"}


def test_readyz_pings_a_running_redis(database_url):
    with socket.socket() as probe:
        if probe.connect_ex(("127.0.0.1", 6379)):
            pytest.skip("no Redis on 127.0.0.1:6379 (.ci/run starts one)")
    running = _app_with(SQLALCHEMY_DATABASE_URI=database_url, REDIS_URL="redis://127.0.0.1:6379/5")
    response = running.test_client().get("/readyz")
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["checks"] == {"database": "ok", "redis": "ok"}


def test_metrics_count_a_request_they_served(client, make):
    before = _metric(client, "jingsai_http_requests_total", endpoint="auth.login", method="GET", status="200")
    assert client.get("/login").status_code == 200
    after = _metric(client, "jingsai_http_requests_total", endpoint="auth.login", method="GET", status="200")
    assert after == before + 1
    assert _metric(client, "jingsai_http_request_duration_seconds_count", endpoint="auth.login") >= 1
    assert _metric(client, "jingsai_certificate_jobs", state="queued") == 0


def test_metrics_count_public_cache_hits_misses_and_304s(client, make):
    make.event("EV1", organizers=[make.unit("ORG")])
    db.session.commit()
    counts = {answer: _metric(client, "jingsai_public_answers_total", answer=answer)
              for answer in ("rendered", "cached", "not_modified")}
    first = client.get("/results/EV1")
    client.get("/results/EV1")
    assert client.get("/results/EV1", headers={"If-None-Match": first.headers["ETag"]}).status_code == 304
    for answer in counts:
        assert _metric(client, "jingsai_public_answers_total", answer=answer) == counts[answer] + 1, answer


def test_metrics_only_for_the_allowed_network_or_the_token(app, client):
    outside = {"REMOTE_ADDR": "203.0.113.9"}
    assert client.get("/metrics", environ_base=outside).status_code == 403
    app.config["METRICS_TOKEN"] = "scrape-secret"
    try:
        assert client.get("/metrics", environ_base=outside,
                          headers={"Authorization": "Bearer wrong"}).status_code == 403
        assert client.get("/metrics", environ_base=outside,
                          headers={"Authorization": "Bearer scrape-secret"}).status_code == 200
    finally:
        app.config["METRICS_TOKEN"] = None


def test_error_pages_show_the_request_id(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert response.headers["X-Request-Id"] in response.get_data(as_text=True)


@pytest.fixture()
def json_log():
    """The app's log lines as parsed JSON, while the test runs."""
    handler = logging.getLogger(LOGGER).handlers[0]
    stream, formatter = io.StringIO(), handler.formatter
    previous = handler.setStream(stream)
    handler.setFormatter(JsonFormatter())
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    handler.setStream(previous)
    handler.setFormatter(formatter)


def test_one_json_line_per_request_with_id_user_endpoint_and_duration(client, make, json_log):
    user = make.user("org", unit=make.unit("JX"))
    db.session.commit()
    login(client, "org")
    response = client.get("/")
    line = [entry for entry in json_log() if entry["request_id"] == response.headers["X-Request-Id"]]
    assert len(line) == 1
    assert line[0]["message"] == "request" and line[0]["endpoint"] == "main.home"
    assert line[0]["status"] == 200 and line[0]["user_id"] == str(user.id)
    assert line[0]["route"] == "/" and isinstance(line[0]["duration_ms"], float)


def test_domain_events_are_logged_with_the_request_id_once_committed(app, ctx, json_log):
    with app.test_request_context("/", headers={"X-Request-Id": "req-0000000001"}):
        audit.record("results.publish", "skill", "E1/WELD")
        db.session.commit()
        audit.record("results.publish", "skill", "E1/CNC")
        db.session.flush()
        db.session.rollback()
    events = [entry for entry in json_log() if entry["message"] == "domain event"]
    assert [(e["action"], e["entity_id"], e["request_id"]) for e in events] == [
        ("results.publish", "E1/WELD", "req-0000000001")]
