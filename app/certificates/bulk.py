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

The web starts :func:`run_job` in a background thread of the worker that created the job (a
stored job whose thread died with its worker shows as running without moving; the organizer's
page offers "resume", which runs it again). A task queue would survive restarts by itself; this
app has none, and a few thousand certificates take a minute.
"""
from __future__ import annotations

import secrets
import threading
import zipfile
from pathlib import Path

from flask import Flask, current_app

from app import audit, clock
from app.certificates.issuing import certificates_of, issue_for_results
from app.certificates.models import CertificateJob, CertificateKind, CertificateStatus, JobState
from app.certificates.output import MANIFEST, page_of, write_manifest, write_one
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


def run_job(job_id: int) -> CertificateJob:
    """Render (or resume rendering) a job; commits its progress. Never raises: a failure is stored."""
    job = db.session.get(CertificateJob, job_id)
    try:
        job.state, job.error, job.finished_at = JobState.RUNNING, None, None
        certificates = _job_certificates(job)
        job.total, job.done = len(certificates), 0
        db.session.commit()
        directory = job_directory(job)
        directory.mkdir(parents=True, exist_ok=True)
        entries = []
        for done, certificate in enumerate(certificates, 1):
            entries.append(write_one(certificate, directory))
            if done % PROGRESS_EVERY == 0 or done == len(certificates):
                job.done = done
                db.session.commit()
        write_manifest(job.event.code, entries, directory)
        partial = zip_path(job).with_suffix(".zip.part")
        with zipfile.ZipFile(partial, "w", zipfile.ZIP_STORED) as archive:  # PDFs are compressed already
            for entry in entries:
                archive.write(directory / entry["file"], entry["file"])
            archive.write(directory / MANIFEST, MANIFEST)
        partial.replace(zip_path(job))
        write_merged(job, certificates, [e["verify_url"] for e in entries])
        job.state, job.finished_at = JobState.DONE, clock.now()
        db.session.commit()
    except Exception as error:  # stored for the page; the traceback goes to the log
        current_app.logger.exception("certificate job %s failed", job_id)
        db.session.rollback()
        job = db.session.get(CertificateJob, job_id)
        job.state, job.error, job.finished_at = JobState.FAILED, str(error)[:2000], clock.now()
        db.session.commit()
    return job


def write_merged(job: CertificateJob, certificates: list, urls: list[str]) -> Path | None:
    """Render the job's certificates into one PDF, a page each, in number order (none for no
    certificate: a PDF cannot have zero pages, and a blank one would look like a failure)."""
    pages = [page_of(certificate, url) for certificate, url in zip(certificates, urls, strict=True)]
    if not pages:
        return None
    title = f"{job.event.code} {job.skill.code if job.skill else ''} 证书".replace("  ", " ")
    target = merged_path(job)
    partial = target.with_suffix(".pdf.part")
    partial.write_bytes(render_many(pages, current_app.config["CJK_FONT_PATH"], title))
    partial.replace(target)
    return target


def start(app: Flask, job_id: int) -> threading.Thread:
    def work() -> None:
        with app.app_context():
            try:
                run_job(job_id)
            finally:
                db.session.remove()

    thread = threading.Thread(target=work, name=f"certificate-job-{job_id}", daemon=True)
    thread.start()
    return thread
