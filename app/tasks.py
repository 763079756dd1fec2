"""Every task of the queue, in one place so the worker registers them all by importing this module.

Features own the work (:mod:`app.certificates.bulk`, :mod:`app.webhooks.delivery`); this module only
says which of it runs on the queue and when.
"""
from __future__ import annotations

from huey import crontab
from huey.exceptions import RetryTask

from app.queue import huey, task_context


@huey.task()
def render_certificate_job(job_id: int) -> None:
    from app.certificates.bulk import run_job
    with task_context():
        run_job(job_id)


@huey.periodic_task(crontab(minute="*"))
def resume_stalled_jobs() -> None:
    """A job whose worker was killed stops beating; once it is stale it is queued again."""
    from app.certificates.bulk import stalled_jobs
    with task_context():
        for job_id in stalled_jobs():
            render_certificate_job(job_id)


def on_worker_start() -> None:
    resume_stalled_jobs.call_local()


@huey.task()
def deliver_webhook(delivery_uuid: str) -> None:
    """One attempt; a failed one comes back after its backoff (the delivery row counts the attempts)."""
    from app.webhooks.delivery import attempt
    with task_context():
        retry_in = attempt(delivery_uuid)
    if retry_in is not None:
        raise RetryTask(delay=retry_in)
