"""``jingsai worker``: the task queue's consumer, beside the web server (``make demo`` starts one)."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from app.extensions import db
from app.queue import huey


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
