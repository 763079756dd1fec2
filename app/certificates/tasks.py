"""Bulk certificates on the task queue: a job rendered by a worker, and stalled jobs resumed by themselves."""
from __future__ import annotations

from huey import crontab

from app.queue import huey, task_context


@huey.task()
def render_certificate_job(job_id: int) -> None:
    """Render one bulk job (its progress is in the job row, so a resumed job carries on where it stopped)."""
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
