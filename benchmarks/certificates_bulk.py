"""How fast a bulk certificate job runs: numbers for N award certificates, then their PDFs and zip.

One skill with N contestants (default 2,000, a whole provincial event's certificates) whose final
standings all carry an award (written directly: this measures certificates, not results). Prints
the time to issue (allocate N numbers and store the certificates in one transaction), the rendering
throughput of the job in certificates per second, and the average PDF size. Runs on a temporary
SQLite file, or on ``DATABASE_URL``.

    .venv/bin/python benchmarks/certificates_bulk.py [--certificates 2000]
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import insert

sys.path.insert(0, str(Path(__file__).resolve().parent))

from contest import bench_app, build_contest

from app.certificates.bulk import create_job, run_job
from app.certificates.models import CertificateKind
from app.events.models import Attendance, Skill
from app.extensions import db
from app.results.models import Publication, SkillResults, Standing


def build(n: int):
    skill, _, registration_ids = build_contest(n)
    publish_awards(skill, registration_ids)
    db.session.commit()
    return skill


def publish_awards(skill: Skill, registration_ids: list[int]) -> None:
    """Final standings in which every contestant has an award, written directly."""
    db.session.add(SkillResults(skill_id=skill.id, event_id=skill.event_id, publication=Publication.FINAL,
                                incomplete=[], locked_criteria=[], criterion_max={}))
    awards = ("gold", "silver", "bronze", "excellence")
    db.session.execute(insert(Standing), [
        {"skill_id": skill.id, "competitor_id": rid, "position": i, "status": Attendance.COMPETED, "rank": i,
         "award": awards[min(i - 1, 3)], "criteria": {}, "sub_criteria": {}, "penalties": [],
         "skipped_tie_breakers": []} for i, rid in enumerate(registration_ids, 1)])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--certificates", type=int, default=2000)
    args = parser.parse_args()
    app = bench_app()
    app.config["CERTIFICATE_JOBS_DIR"] = tempfile.mkdtemp()
    with app.app_context():
        skill = build(args.certificates)
        started = time.perf_counter()
        job = create_job(skill.event, skill, [CertificateKind.AWARD])
        db.session.commit()
        issued = time.perf_counter() - started
        started = time.perf_counter()
        job = run_job(job.id)
        rendered = time.perf_counter() - started
        if job.error:
            sys.exit(f"job failed: {job.error}")
        pdfs = list(Path(job.output_path).glob("*.pdf"))
        size = sum(p.stat().st_size for p in pdfs) / len(pdfs)
        print(f"{job.total} certificates, {db.engine.dialect.name}")
        print(f"{'issue (allocate numbers, store)':<40} {issued:8.2f} s")
        print(f"{'render job (PDFs, manifest, zip)':<40} {rendered:8.2f} s")
        print(f"{'certificates per second':<40} {job.total / rendered:8.1f}")
        print(f"{'average PDF size':<40} {size / 1024:8.1f} KB")


if __name__ == "__main__":
    main()
