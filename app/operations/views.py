"""``/healthz``, ``/readyz`` and ``/metrics``: for load balancers, orchestrators and Prometheus.

``/healthz`` does no I/O: the process answers. ``/readyz`` asks the database (and Redis when
``REDIS_URL`` is set, else the task queue's SQLite file) and answers 503 naming what is down, so a
load balancer stops sending work to a server that cannot do it. ``/metrics`` answers a bearer token
(``METRICS_TOKEN``) or a client in ``METRICS_ALLOWED_NETWORKS``; nginx refuses it from outside as well.
"""
from __future__ import annotations

import hmac
import ipaddress
import logging

from flask import Blueprint, Response, abort, current_app, jsonify, request

from app import queue
from app.auth.permissions import allow_public
from app.certificates.metrics import CertificateQueueCollector
from app.extensions import db
from app.operations.logs import LOGGER, fields
from app.operations.metrics import exposition

bp = Blueprint("operations", __name__)
log = logging.getLogger(f"{LOGGER}.readiness")

PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8"


@bp.get("/healthz")
@allow_public
def healthz():
    """Liveness for orchestrators (public): answers without any I/O, so a slow database never gets a live
    process restarted."""
    return jsonify(status="ok")


@bp.get("/readyz")
@allow_public
def readyz():
    """Readiness for load balancers (public): 503 naming each dependency that is down (database, Redis or
    the queue's file), so traffic goes to servers that can do the work."""
    config = current_app.config
    checks = {"database": _database_error()}
    if config["REDIS_URL"]:
        checks["redis"] = _redis_error(config["REDIS_URL"], config["READY_TIMEOUT_SECONDS"])
    elif not config["QUEUE_IMMEDIATE"]:   # the task queue's own SQLite file (with Redis it is Redis)
        checks["queue"] = None if queue.reachable() else "QueueUnavailable"
    down = [name for name, error in checks.items() if error]
    for name in down:
        log.warning("not ready", extra=fields(dependency=name, error=checks[name]))
    body = {"status": "not ready" if down else "ready", "down": down,
            "checks": {name: error or "ok" for name, error in checks.items()}}
    return jsonify(body), 503 if down else 200


def _database_error() -> str | None:
    """None when the database answers; else the error's kind (never its text: it may hold the URL)."""
    try:  # the driver's own connection: no BEGIN, so SQLite's write lock (BEGIN IMMEDIATE) is not waited for
        connection = db.engine.raw_connection()
        try:
            cursor = connection.cursor()
            cursor.execute("SELECT 1")
            cursor.close()
        finally:
            connection.close()
    except Exception as error:  # noqa: BLE001  (any failure means not ready)
        return type(error).__name__
    return None


def _redis_error(url: str, timeout: float) -> str | None:
    from redis import Redis
    from redis.exceptions import RedisError

    client = Redis.from_url(url, socket_connect_timeout=timeout, socket_timeout=timeout)
    try:
        client.ping()
    except RedisError as error:
        return type(error).__name__
    finally:
        client.close()
    return None


@bp.get("/metrics")
@allow_public
def metrics():
    """The Prometheus exposition of every worker, for a scraper with the bearer token or from an allowed
    network only (403 otherwise), since it tells about load and queues."""
    if not _may_scrape():
        abort(403)
    data = exposition(current_app.config["PROMETHEUS_MULTIPROC_DIR"], [CertificateQueueCollector()])
    return Response(data, content_type=PROMETHEUS_TEXT)


def _may_scrape() -> bool:
    token = current_app.config["METRICS_TOKEN"]
    sent = request.headers.get("Authorization", "")
    if token and hmac.compare_digest(sent.encode(), f"Bearer {token}".encode()):
        return True
    try:
        client = ipaddress.ip_address(request.remote_addr or "")
    except ValueError:
        return False
    return any(client in ipaddress.ip_network(network, strict=False)
               for network in current_app.config["METRICS_ALLOWED_NETWORKS"])
