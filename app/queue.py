"""The task queue (huey): work that takes more than about a second leaves the web worker.

Storage comes from the settings: Redis when ``REDIS_URL`` is set (several app servers and workers
share it), else a SQLite file beside the database, so the quick start needs no server. Tests run
tasks at once, in the caller (``QUEUE_IMMEDIATE``). ``jingsai worker`` (:mod:`app.worker`) consumes the queue.

A task runs in an app context of its own: the worker's app (set by :func:`init_app`), or the
caller's context when it runs immediately.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask, has_app_context
from huey import Huey
from huey.storage import MemoryStorage, RedisStorage, SqliteStorage

from app.extensions import db

NAME = "jingsai"
huey = Huey(NAME, storage_class=MemoryStorage)
_app: Flask | None = None


def storage_for(redis_url: str | None, path: str):
    """Redis when several servers share the queue, else a SQLite file (the quick start needs no server)."""
    return RedisStorage(NAME, url=redis_url) if redis_url else SqliteStorage(NAME, filename=path)


def init_app(app: Flask) -> None:
    """Point the queue at the app's storage (the last app created wins: one per process)."""
    global _app
    _app = app
    huey.immediate = bool(app.config["QUEUE_IMMEDIATE"])
    if not huey.immediate:
        huey.storage = storage_for(app.config["REDIS_URL"], app.config["QUEUE_PATH"])


@contextmanager
def task_context() -> Iterator[None]:
    """The caller's app context when run immediately, else a fresh one whose session ends with it."""
    if has_app_context():
        yield
        return
    with _app.app_context():
        try:
            yield
        finally:
            db.session.remove()


def reachable() -> bool:
    """Whether the queue's storage answers (for readiness checks)."""
    try:
        huey.pending_count()
        return True
    except Exception:  # any storage error means "not ready"; the check reports, never raises
        return False
