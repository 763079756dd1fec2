"""The task queue's throughput: bulk certificate jobs rendered by ``flask --app wsgi worker`` processes.

An event of J skills (default 4) sharing N award certificates (default 1,000; final standings
written directly, as in benchmarks/certificates_bulk.py) gets one job a skill, queued before the
workers start. Then 1 and then P (default 2) worker processes, each with the command's default
threads, render them; the clock runs from the first job claimed to the last one done (worker
start-up excluded). Once on the SQLite queue file (the one-box default) and once on Redis
(``--redis-url``, default db 9), each in production mode. Prints certificates per second and P
processes' rate ÷ one's; writes benchmarks/results/certificates_queue-<db>.json. Runs on a
temporary SQLite file, or on ``DATABASE_URL``.

    .venv/bin/python benchmarks/certificates_queue.py [--certificates 1000] [--jobs 4] [--processes 2]
"""
from __future__ import annotations

import argparse
import json
import secrets
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

from sqlalchemy import select

sys.path.insert(0, str(Path(__file__).resolve().parent))

from certificates_bulk import publish_awards  # noqa: E402
from contest import bench_app  # noqa: E402
from enterprise import build_event  # noqa: E402
from servers import ROOT, started  # noqa: E402

from app.certificates.bulk import create_job, enqueue  # noqa: E402
from app.certificates.models import CertificateJob, CertificateKind, JobState  # noqa: E402
from app.events.models import Event, Registration  # noqa: E402
from app.extensions import db  # noqa: E402
from app.queue import huey, storage_for  # noqa: E402
from app.startup_checks import DEVELOPMENT_MARKER  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results"
FLASK = str(ROOT / ".venv" / "bin" / "flask")


def build(certificates: int, jobs: int) -> Event:
    event = build_event("CERT", jobs, certificates // jobs, judges=1, marked=False)
    for skill in event.skills:
        publish_awards(skill, list(db.session.scalars(
            select(Registration.id).where(Registration.skill_id == skill.id).order_by(Registration.contestant_no))))
    db.session.commit()
    return event


def queue_jobs(event: Event) -> list[int]:
    """One job a skill (a job again renders the skill's issued certificates into a new directory)."""
    jobs = [create_job(event, skill, [CertificateKind.AWARD]) for skill in event.skills]
    db.session.commit()
    for job in jobs:
        enqueue(job)
    return [job.id for job in jobs]


def render(job_ids: list[int], processes: int, threads: int, env: dict, scratch: Path, limit: float) -> dict:
    """Start the workers, wait for every job; the seconds from the first claim to the last finish."""
    command = [FLASK, "--app", "wsgi", "worker", "--workers", str(threads)]
    first_claim = None
    with ExitStack() as stack:
        for n in range(processes):
            stack.enter_context(started(command, env, scratch / f"worker-{n}.log"))
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            states = db.session.execute(select(CertificateJob.state, CertificateJob.done, CertificateJob.total,
                                               CertificateJob.error).where(CertificateJob.id.in_(job_ids))).all()
            db.session.rollback()
            if first_claim is None and any(s.state != JobState.QUEUED for s in states):
                first_claim = time.monotonic()
            if all(s.state in (JobState.DONE, JobState.FAILED) for s in states):
                break
            time.sleep(0.1)
        finished = time.monotonic()
    failed = [s.error for s in states if s.state == JobState.FAILED]
    unfinished = sum(s.state not in (JobState.DONE, JobState.FAILED) for s in states)
    total = sum(s.total for s in states if s.state == JobState.DONE)
    elapsed = finished - (first_claim or finished)
    return {"processes": processes, "threads": threads, "jobs": len(job_ids), "certificates": total,
            "seconds": round(elapsed, 2), "per_second": round(total / elapsed, 1) if elapsed else None,
            "failed": failed, "unfinished": unfinished}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--certificates", type=int, default=1000)
    parser.add_argument("--jobs", type=int, default=4)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--threads", type=int, default=2, help="threads a worker process (the command's default)")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/9")
    parser.add_argument("--backends", default="sqlite,redis", help="queue storages to measure, comma-separated")
    parser.add_argument("--limit", type=float, default=900, help="seconds allowed a run")
    parser.add_argument("--output", type=Path)
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="certificates-queue-"))
    settings = {"QUEUE_IMMEDIATE": False, "QUEUE_PATH": str(scratch / "queue.sqlite3"),
                "CERTIFICATE_JOBS_DIR": str(scratch / "jobs"), "CERTIFICATE_KEYS_DIR": str(scratch / "keys")}
    app = bench_app(**settings)
    runs = []
    with app.app_context():
        event = build(args.certificates, args.jobs)
        # The keys were made by a development app (marked so), but the workers run in production mode,
        # which refuses keys so marked: these are scratch keys of a benchmark, not a demo's.
        (scratch / "keys" / DEVELOPMENT_MARKER).unlink(missing_ok=True)
        database_url = db.engine.url.render_as_string(hide_password=False)
        dialect = db.engine.dialect.name
        base_env = {"APP_ENV": "production", "SECRET_KEY": secrets.token_hex(32), "DATABASE_URL": database_url,
                    "PUBLIC_BASE_URL": "http://127.0.0.1",
                    **{k: v for k, v in settings.items() if k != "QUEUE_IMMEDIATE"}}
        for backend in args.backends.split(","):
            redis_url = args.redis_url if backend == "redis" else None
            huey.storage = storage_for(redis_url, settings["QUEUE_PATH"])
            huey.flush()
            env = {**base_env, "REDIS_URL": redis_url or ""}
            for processes in sorted({1, args.processes}):
                run = render(queue_jobs(event), processes, args.threads, env, scratch, args.limit)
                runs.append({"queue": backend, **run})
                print(f"{backend:<6} queue, {processes} worker process(es) × {args.threads} threads: "
                      f"{run['certificates']} certificates in {run['seconds']} s = {run['per_second']} a second"
                      + (f"; FAILED {run['failed']}" if run["failed"] else "")
                      + (f"; {run['unfinished']} jobs unfinished" if run["unfinished"] else ""))
    found = {"database": dialect, "certificates": args.certificates, "runs": runs, "scaling": {}}
    for backend in args.backends.split(","):
        rates = {r["processes"]: r["per_second"] for r in runs if r["queue"] == backend}
        if rates.get(1) and rates.get(args.processes) and args.processes != 1:
            found["scaling"][backend] = round(rates[args.processes] / rates[1], 2)
            print(f"{backend}: {args.processes} processes render {found['scaling'][backend]}× one process's rate")
    output = args.output or RESULTS / f"certificates_queue-{dialect}.json"
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(found, indent=2) + "\n")
    print(f"written to {output}")


if __name__ == "__main__":
    main()
