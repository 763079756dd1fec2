"""Every task of the queue, in one place so the worker registers them all by importing this module.

Features own the work (:mod:`app.certificates.bulk`); this module only says which of it runs on the
queue and when.
"""
from __future__ import annotations

from huey import crontab

from app.queue import huey, task_context


@huey.task()
def render_certificate_job(job_id: int) -> None:
    """Render a bulk certificate job on the worker, out of the web request that queued it."""
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
    """Queue again the jobs a killed worker left behind, without waiting for the first periodic run."""
    resume_stalled_jobs.call_local()
