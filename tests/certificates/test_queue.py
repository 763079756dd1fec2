"""Bulk certificate jobs on the task queue: a worker claims a job by a conditional update (two
messages never render it twice), a job whose worker died goes stale and is queued again, and a real
``flask worker`` process renders a queued job from the SQLite queue and from Redis."""
from __future__ import annotations

import os
from datetime import timedelta

import pytest

from app import clock
from app.certificates import bulk
from app.certificates.models import CertificateJob, CertificateKind, JobState
from app.extensions import db
from app.queue import huey, storage_for
from tests.certificates.world import final_world
from tests.deployment import redis_or_skip, worker_renders

REDIS_URL = "redis://127.0.0.1:6379/12"


@pytest.fixture()
def job(ctx, make) -> CertificateJob:
    world = final_world(make, care=False)
    job = bulk.create_job(world.event, world.weld, [CertificateKind.AWARD])
    db.session.commit()
    return job


def beat(job: CertificateJob, state: JobState, ago: timedelta) -> None:
    job.state, job.heartbeat_at = state, clock.now() - ago
    db.session.commit()


def test_a_job_another_worker_is_rendering_is_left_alone(job):
    beat(job, JobState.RUNNING, timedelta(seconds=10))
    assert bulk.run_job(job.id).state == JobState.RUNNING and job.done == 0
    assert bulk.stalled_jobs() == []


def test_a_job_whose_worker_died_is_stalled_and_then_rendered(job):
    beat(job, JobState.RUNNING, timedelta(minutes=3))
    assert bulk.stalled_jobs() == [job.id]
    assert bulk.run_job(job.id).state == JobState.DONE and job.done == 3
    assert bulk.stalled_jobs() == []


def test_a_done_job_is_never_rendered_again(job):
    assert bulk.run_job(job.id).state == JobState.DONE
    finished = job.finished_at
    assert bulk.run_job(job.id).finished_at == finished


def test_the_sweep_queues_stalled_jobs(job):
    from app.certificates.tasks import resume_stalled_jobs
    beat(job, JobState.RUNNING, timedelta(minutes=5))
    resume_stalled_jobs.call_local()   # the queue is immediate in tests: the job runs now
    db.session.expire_all()
    assert db.session.get(CertificateJob, job.id).state == JobState.DONE


@pytest.mark.parametrize("backend", ["sqlite", "redis"])
def test_a_worker_process_renders_a_queued_job(app, job, backend, tmp_path):
    redis_url = REDIS_URL if backend == "redis" else None
    if redis_url:
        with redis_or_skip(redis_url) as connection:
            connection.flushdb()
    queue_path = str(tmp_path / "queue.sqlite3")
    huey.immediate = False
    huey.storage = storage_for(redis_url, queue_path)
    try:
        bulk.enqueue(job)   # stored in the queue, not run here
        assert huey.pending_count() == 1
    finally:
        huey.immediate = True
    db.session.expire_all()
    assert db.session.get(CertificateJob, job.id).state == JobState.QUEUED
    db.session.rollback()
    env = {**os.environ, "APP_ENV": "development", "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
           "QUEUE_PATH": queue_path, "REDIS_URL": redis_url or "",
           "CERTIFICATE_JOBS_DIR": app.config["CERTIFICATE_JOBS_DIR"],
           "CERTIFICATE_KEYS_DIR": app.config["CERTIFICATE_KEYS_DIR"]}
    state, output = worker_renders(job.id, env)
    finished = db.session.get(CertificateJob, job.id)
    assert state == JobState.DONE, output[-3000:]
    assert finished.done == 3 and bulk.zip_path(finished).is_file()


def test_the_worker_refuses_to_run_on_an_immediate_queue(app):
    result = app.test_cli_runner().invoke(args=["worker"])
    assert result.exit_code == 2 and "QUEUE_IMMEDIATE" in result.output

