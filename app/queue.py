"""The task queue (huey): work that takes more than about a second leaves the web worker.

Storage comes from the settings: Redis when ``REDIS_URL`` is set (several app servers and workers
share it), else a SQLite file beside the database, so the quick start needs no server. Tests run
tasks at once, in the caller (``QUEUE_IMMEDIATE``). ``flask --app wsgi worker`` consumes the queue.

A task runs in an app context of its own: the worker's app (set by :func:`init_app`), or the
caller's context when it runs immediately.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import click
from flask import Flask, current_app, has_app_context
from flask.cli import with_appcontext
from huey import Huey
from huey.storage import MemoryStorage, RedisStorage, SqliteStorage

from app.extensions import db

NAME = "jingsai"
huey = Huey(NAME, storage_class=MemoryStorage)
_app: Flask | None = None


def storage_for(redis_url: str | None, path: str):
    """Where the queue keeps its tasks: Redis when configured (shared by every server), else a local SQLite file."""
    return RedisStorage(NAME, url=redis_url) if redis_url else SqliteStorage(NAME, filename=path)


def init_app(app: Flask) -> None:
    """Point the queue at the app's storage (the last app created wins: one per process)."""
    global _app
    _app = app
    huey.immediate = bool(app.config["QUEUE_IMMEDIATE"])
    if not huey.immediate:
        huey.storage = storage_for(app.config["REDIS_URL"], app.config["QUEUE_PATH"])
    app.cli.add_command(worker_command)


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


@click.command("worker")
@click.option("--workers", default=2, show_default=True, help="Tasks run at the same time (threads).")
@with_appcontext
def worker_command(workers: int) -> None:
    """Run the task queue's worker: bulk certificates and periodic resumption of stalled jobs."""
    from app import tasks  # noqa: F401  (registers every task with the queue)
    if huey.immediate:
        raise click.UsageError("QUEUE_IMMEDIATE is set: tasks run in the caller, there is nothing to consume")
    tasks.on_worker_start()
    db.session.remove()   # the command's own session must not keep a transaction (SQLite: the write lock)
    current_app.logger.info("worker: %s workers on %s", workers, type(huey.storage).__name__)
    huey.create_consumer(workers=workers, worker_type="thread", periodic=True).run()
