"""Bulk certificate jobs: an event's or a skill's certificates rendered into a directory and a zip.

A job is a stored row (:class:`CertificateJob`: state, done/total, error) so progress survives the
request that started it and any page can poll it. The numbers are allocated when the job is
created, in that request's one short transaction (:func:`create_job`, which issues like
``certificates issue``); rendering runs afterwards, outside it (:func:`run_job`), committing only
the progress counter every :data:`PROGRESS_EVERY` certificates. Each PDF is written aside and
renamed into place, so running a failed or interrupted job again resumes: the files present are
skipped. The output is ``CERTIFICATE_JOBS_DIR/job-<id>-<random>/`` (PDFs and ``manifest.json``), and
beside it the zip and the **merged PDF** (certificates.md: "a skill's or an event's certificates as
one PDF or a zip"): one document of a page per certificate, in number order, rendered by the same
drawing code (:func:`app.certificates.pdf.render_many`) rather than merged from the single files,
so production needs no PDF-merging library. It costs a second rendering pass (about as long as the
first); it is written aside and renamed into place like the rest.

The web puts the job on the task queue (:func:`enqueue`, :mod:`app.certificates.tasks`) and a worker process
runs it. A running job beats (``heartbeat_at``) at each progress commit; a worker claims a job by a
conditional update, so two messages for one job never render it twice, and a job whose worker was
killed goes stale and is queued again by the periodic sweep (:func:`stalled_jobs`) — or at once by
the organizer's "resume".
"""
from __future__ import annotations

import secrets
import zipfile
from pathlib import Path

from flask import current_app
from sqlalchemy import func, or_, select, update

from app import audit, clock
from app.certificates.issuing import certificates_of, issue_for_results
from app.certificates.models import CertificateJob, CertificateKind, CertificateStatus, JobState
from app.certificates.output import MANIFEST, prepare, write_manifest, write_prepared
from app.certificates.pdf import render_many
from app.events.models import Event, Skill
from app.extensions import db

PROGRESS_EVERY = 25


def job_directory(job: CertificateJob) -> Path:
    """Where the job writes: ``CERTIFICATE_JOBS_DIR/job-<id>-<random>`` (ids restart on a rebuilt database;
    the random part keeps a new job out of an old job's files)."""
    if job.output_path:
        return Path(job.output_path)
    return Path(current_app.config["CERTIFICATE_JOBS_DIR"]) / f"job-{job.id}-{secrets.token_hex(4)}"


def zip_path(job: CertificateJob) -> Path:
    """The job's certificates and manifest as one zip beside its directory, the file the organizer downloads."""
    return job_directory(job).with_suffix(".zip")


def merged_path(job: CertificateJob) -> Path:
    """The job's certificates as one PDF, beside its zip."""
    return job_directory(job).with_suffix(".pdf")


def create_job(event: Event, skill: Skill | None, kinds: list[CertificateKind], *,
               only_final: bool = False) -> CertificateJob:
    """Issue (allocate numbers) and store a queued job; the caller commits, then starts it. A job
    of every skill renders the event's issued certificates, so ``only_final`` needs nothing more."""
    result = issue_for_results(event, skill, kinds, only_final=only_final)
    job = CertificateJob(event_id=event.id, skill_id=skill.id if skill else None,
                         kinds=[k.value for k in kinds], state=JobState.QUEUED, done=0,
                         total=len(result.certificates), created_by=audit.current_actor(), created_at=clock.now())
    db.session.add(job)
    db.session.flush()
    job.output_path = str(job_directory(job))
    audit.record("certificates.job", "certificate_job", job.id, event_id=event.id,
                 after={"skill": skill.code if skill else None, "kinds": job.kinds, "total": job.total})
    return job


def _job_certificates(job: CertificateJob) -> list:
    kinds = [CertificateKind(k) for k in job.kinds]
    skills = [job.skill] if job.skill is not None else None
    found = certificates_of(job.event, skills, kinds)
    return [c for c in found if c.status == CertificateStatus.ISSUED]


def _stale_before():
    return clock.now() - current_app.config["JOB_STALE_AFTER"]


def claim(job_id: int) -> bool:
    """Mark the job running, unless it is done or another worker's heartbeat is still fresh; commits."""
    claimed = db.session.execute(
        update(CertificateJob)
        .where(CertificateJob.id == job_id, CertificateJob.state != JobState.DONE,
               or_(CertificateJob.state != JobState.RUNNING, CertificateJob.heartbeat_at.is_(None),
                   CertificateJob.heartbeat_at < _stale_before()))
        .values(state=JobState.RUNNING, heartbeat_at=clock.now(), error=None, finished_at=None)
        .execution_options(synchronize_session=False)).rowcount == 1
    db.session.commit()
    return claimed


def stalled_jobs() -> list[int]:
    """Jobs queued or running with no sign of life for ``JOB_STALE_AFTER``: their worker is gone."""
    last_sign = func.coalesce(CertificateJob.heartbeat_at, CertificateJob.created_at)
    return list(db.session.scalars(select(CertificateJob.id).where(
        CertificateJob.state.in_([JobState.QUEUED, JobState.RUNNING]), last_sign < _stale_before())))


def enqueue(job: CertificateJob) -> None:
    """Hand a committed job to the queue (run at once where the queue is immediate: tests)."""
    from app.certificates.tasks import render_certificate_job
    render_certificate_job(job.id)


def run_job(job_id: int) -> CertificateJob:
    """Render (or resume rendering) a job; commits its progress. Never raises: a failure is stored.
    Does nothing to a job that is done or that another worker is rendering."""
    if not claim(job_id):
        return db.session.get(CertificateJob, job_id)
    job = db.session.get(CertificateJob, job_id)
    db.session.refresh(job)
    try:
        prepared = [prepare(certificate) for certificate in _job_certificates(job)]
        job.total, job.done = len(prepared), 0
        event_code, directory = job.event.code, job_directory(job)
        zip_file, merged_file = zip_path(job), merged_path(job)
        title = f"{event_code} {job.skill.code if job.skill else ''} 证书".replace("  ", " ")
        db.session.commit()   # no transaction while rendering: on SQLite one would hold the write lock
        directory.mkdir(parents=True, exist_ok=True)
        entries = []
        for done, item in enumerate(prepared, 1):
            entries.append(write_prepared(item, directory))
            if done % PROGRESS_EVERY == 0 or done == len(prepared):
                job.done, job.heartbeat_at = done, clock.now()
                db.session.commit()
        write_manifest(event_code, entries, directory)
        partial = zip_file.with_suffix(".zip.part")
        with zipfile.ZipFile(partial, "w", zipfile.ZIP_STORED) as archive:  # PDFs are compressed already
            for entry in entries:
                archive.write(directory / entry["file"], entry["file"])
            archive.write(directory / MANIFEST, MANIFEST)
        partial.replace(zip_file)
        write_merged([item.page for item in prepared], merged_file, title)
        job.state, job.finished_at = JobState.DONE, clock.now()
        db.session.commit()
    except Exception as error:  # stored for the page; the traceback goes to the log
        current_app.logger.exception("certificate job %s failed", job_id)
        db.session.rollback()
        job = db.session.get(CertificateJob, job_id)
        job.state, job.error, job.finished_at = JobState.FAILED, str(error)[:2000], clock.now()
        db.session.commit()
    return job


def write_merged(pages: list, target: Path, title: str) -> Path | None:
    """Render the job's certificates into one PDF, a page each, in number order (none for no
    certificate: a PDF cannot have zero pages, and a blank one would look like a failure)."""
    if not pages:
        return None
    partial = target.with_suffix(".pdf.part")
    partial.write_bytes(render_many(pages, current_app.config["CJK_FONT_PATH"], title))
    partial.replace(target)
    return target
