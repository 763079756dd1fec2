"""Every task of the queue: the worker imports this module, and so registers them all.

Features own their tasks (:mod:`app.certificates.tasks`, :mod:`app.webhooks.tasks`) and enqueue them from
there; this module only gathers them for the worker (:mod:`app.worker`), so no feature imports another
through the queue.
"""
from __future__ import annotations

from app.certificates.tasks import render_certificate_job, resume_stalled_jobs
from app.webhooks.tasks import deliver_webhook

__all__ = ["deliver_webhook", "on_worker_start", "render_certificate_job", "resume_stalled_jobs"]


def on_worker_start() -> None:
    """Resume stalled certificate jobs at once rather than at the first minute's tick."""
    resume_stalled_jobs.call_local()
