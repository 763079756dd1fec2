"""Results day: every contestant opens their result within a minute while the judges keep marking.

On a fresh database (benchmarks/enterprise.py) two events are built:

- ``BURST``: N contestants (default 10,000) in S skills (default 20 × 500), fully marked, rebuilt and
  published provisionally: the results that go out;
- ``MARK``: the skills still being marked, J judges (default 100, 10 a panel) with 8 contestants
  each to mark: 24 measurement marks and 6 judgement scores a contestant, sent from the tablets'
  outbox to ``/api/v1/marks/batch`` in batches of 5, one batch every ~15 s per judge (9–21 s: a mark
  every ~3 s, brisk for judgement; ``--pace``).

The app runs under gunicorn in production mode (4 sync workers, or ``--server-command``), the bare
Flask reference (benchmarks/bare_flask.py) under the same gunicorn on another port. Locust
(benchmarks/burst_load.py) then measures, in one run: the bare app under the contestants' arrival
pattern, the judges alone, and the burst (every contestant once within ``--seconds``: their skill's
public page, the own-result form, the form sent with bib and ID tail). Afterwards every mark a
judge was told was stored is looked up in the database (0 lost). Printed, and written to
benchmarks/results/release_burst-<db>.json.

Targets (issue 15): judges' batch p95 during the burst ≤ 2× their p95 alone and < 300 ms; public
pages p95 < 200 ms; 0 errors; 0 lost marks.

    .venv/bin/python benchmarks/release_burst.py [--contestants 10000] [--skills 20] [--judges 100]
        [--seconds 60] [--server-command 'gunicorn … --bind 127.0.0.1:{port} wsgi:app'] [--port 5900]

``--public-url`` and ``--judge-url`` point the contestants and the judges at other addresses of the
same deployment (a separate staff pool); ``--server-command`` may then start it all (a script), and
``--ready-url`` says when it is up. Runs on a temporary SQLite file, or on ``DATABASE_URL``.
"""
from __future__ import annotations

import argparse
import json
import random
import secrets
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from sqlalchemy import func, select, update

sys.path.insert(0, str(Path(__file__).resolve().parent))

from contest import bench_app  # noqa: E402
from enterprise import ID_TAIL, JUDGE_PASSWORD, bib, build_event, id_number  # noqa: E402
from servers import ROOT, gunicorn, running  # noqa: E402

from app import clock  # noqa: E402
from app.auth.models import User  # noqa: E402
from app.events.models import Event, PanelMember  # noqa: E402
from app.extensions import db  # noqa: E402
from app.marking.models import Mark, SchemeAspect  # noqa: E402
from app.marking.schemes import as_aspect  # noqa: E402
from app.results.models import Publication, SkillResults  # noqa: E402
from app.results.standings import rebuild_event  # noqa: E402
from scoring.marks import allowed_measurement_marks  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results"
TO_MARK = 8  # contestants each judge marks
PUBLIC_PATHS = ("public skill page", "own result form", "own result")
TARGETS = {"judge_p95_over_alone": 2.0, "judge_p95_ms": 300, "public_p95_ms": 200, "errors": 0, "lost_marks": 0}


def build(args) -> tuple[list, list]:
    """The two events; returns the contestants in arrival order and each judge's outbox."""
    per_skill = args.contestants // args.skills
    event = build_event("BURST", args.skills, per_skill)
    rebuild_event(event)
    db.session.execute(update(SkillResults).where(SkillResults.event_id == event.id)
                       .values(publication=Publication.PROVISIONAL, provisional_at=clock.now()))
    panels = max(1, args.judges // args.judges_per_skill)
    marking = build_event("MARK", panels, args.judges_per_skill * TO_MARK, judges=args.judges_per_skill,
                          marked=False, first_person=args.contestants)
    db.session.commit()
    contestants = [(skill.code, bib(skill.code, i), id_number(s * per_skill + i)[-ID_TAIL:], f"选手{s * per_skill + i}")
                   for s, skill in enumerate(sorted(event.skills, key=lambda k: k.code)) for i in range(per_skill)]
    random.Random(15).shuffle(contestants)
    return contestants, outboxes(marking, args.judges_per_skill)


def outboxes(event: Event, per_panel: int) -> list:
    """Judge k of a panel marks the panel's contestants k, k + per_panel, …: every aspect of them."""
    found = []
    for skill in sorted(event.skills, key=lambda k: k.code):
        aspects = db.session.scalars(select(SchemeAspect).where(SchemeAspect.skill_id == skill.id)
                                     .order_by(SchemeAspect.code)).all()
        judges = db.session.scalars(select(User).join(PanelMember, PanelMember.user_id == User.id)
                                    .where(PanelMember.skill_id == skill.id).order_by(User.username)).all()
        for k, judge in enumerate(judges):
            marks = [{"uuid": str(uuid.uuid4()), "event": event.code, "skill": skill.code, "aspect": a.code,
                      "competitor": bib(skill.code, i), "base_version": 0, "offline": False,
                      "value": str(allowed_measurement_marks(as_aspect(a))[-1] if a.kind == "M" else (i + k) % 4)}
                     for i in range(k, per_panel * TO_MARK, per_panel) for a in aspects]
            found.append((judge.username, JUDGE_PASSWORD, marks))
    return found


def server_env(database_url: str, scratch: Path, public_url: str) -> dict[str, str]:
    """Production settings, explicit: nothing read from the developer's instance/ folder."""
    return {"APP_ENV": "production", "DATABASE_URL": database_url, "SECRET_KEY": secrets.token_hex(32),
            "PUBLIC_BASE_URL": public_url, "CERTIFICATE_KEYS_DIR": str(scratch / "keys"),
            "CERTIFICATE_JOBS_DIR": str(scratch / "jobs"), "QUEUE_PATH": str(scratch / "queue.sqlite3"),
            "SESSION_COOKIE_SECURE": "0", "BARE_FLASK_DB": str(scratch / "bare.db")}


def lost_marks(stored: list[str]) -> int:
    found = 0
    for start in range(0, len(stored), 1000):
        found += db.session.scalar(select(func.count(Mark.id)).where(Mark.client_uuid.in_(stored[start:start + 1000])))
    return len(stored) - found


def summary(load: dict, lost: int, marks_in_db: int, args, dialect: str) -> dict:
    burst, alone, bare = load["burst"]["paths"], load["alone"]["paths"], load["bare"]["paths"]
    judge, judge_alone = burst.get("judge batch", {}), alone.get("judge batch", {})
    public_p95 = max((burst[p]["p95_ms"] for p in PUBLIC_PATHS if p in burst), default=None)
    errors = sum(p["failures"] for p in burst.values()) + load["burst"]["arrival"]["unfinished"]
    ratio = (judge["p95_ms"] / judge_alone["p95_ms"]) if judge.get("p95_ms") and judge_alone.get("p95_ms") else None
    return {
        "database": dialect, "contestants": args.contestants, "skills": args.skills, "judges": args.judges,
        "seconds": args.seconds, "pace_s": args.pace, "batch": args.batch,
        "server_command": args.server_command or f"gunicorn --workers {args.workers} wsgi:app",
        "bare": load["bare"], "alone": load["alone"], "burst": load["burst"],
        "judge_p95_over_alone": round(ratio, 2) if ratio else None,
        "public_p95_ms": public_p95, "public_p95_over_bare_page": round(public_p95 / bare["bare page"]["p95_ms"], 1)
        if public_p95 and bare.get("bare page", {}).get("p95_ms") else None,
        "errors": errors, "marks_acknowledged": len(load["stored"]), "marks_in_database": marks_in_db,
        "marks_not_stored": load["not_stored_count"], "not_stored_examples": load["not_stored"],
        "lost_marks": lost, "targets": TARGETS,
    }


def report(found: dict) -> None:
    print(f"{found['database']}: {found['contestants']} contestants in {found['skills']} skills within "
          f"{found['seconds']} s, {found['judges']} judges; server: {found['server_command']}")
    for phase in ("bare", "alone", "burst"):
        arrival = found[phase].get("arrival")
        if arrival:
            print(f"[{phase}] {arrival['finished']}/{arrival['users']} users finished in {arrival['elapsed_s']} s")
        else:
            print(f"[{phase}]")
        for name, p in found[phase]["paths"].items():
            print(f"  {name:<20} {p['requests']:>7} req {p['failures']:>6} err   p50 {p['p50_ms']:>6} ms  "
                  f"p95 {p['p95_ms']:>6} ms  p99 {p['p99_ms']:>6} ms")
            for reason, count in sorted(p.get("reasons", {}).items(), key=lambda r: -r[1])[:3]:
                print(f"      {count:>7} × {reason[:100]}")
    print(f"judges' batch p95 during the burst: {found['judge_p95_over_alone']}× alone "
          f"(target ≤ {TARGETS['judge_p95_over_alone']}×; and < {TARGETS['judge_p95_ms']} ms)")
    print(f"public pages p95: {found['public_p95_ms']} ms = {found['public_p95_over_bare_page']}× the bare page's "
          f"(target < {TARGETS['public_p95_ms']} ms)")
    print(f"errors {found['errors']} (target 0); marks acknowledged {found['marks_acknowledged']}, "
          f"in the database {found['marks_in_database']}, not stored {found['marks_not_stored']}, "
          f"lost {found['lost_marks']} (target 0)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--contestants", type=int, default=10_000)
    parser.add_argument("--skills", type=int, default=20)
    parser.add_argument("--judges", type=int, default=100)
    parser.add_argument("--judges-per-skill", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=60, help="the contestants' arrival window")
    parser.add_argument("--alone", type=float, default=20, help="seconds the judges are measured alone")
    parser.add_argument("--drain", type=float, default=60, help="seconds allowed after the window")
    parser.add_argument("--pace", type=float, default=15,
                        help="mean seconds between a judge's batches (a mark every ~3 s at 5 a batch)")
    parser.add_argument("--batch", type=int, default=5, help="marks a batch")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers (app and bare Flask)")
    parser.add_argument("--port", type=int, default=5900, help="the app's port")
    parser.add_argument("--bare-port", type=int, default=5901)
    parser.add_argument("--server-command", help="starts the app instead of gunicorn; {port} is replaced")
    parser.add_argument("--split", action="store_true",
                        help="serve the deployment of deploy/: nginx, the main pool (Nice=10) and the judges' pool "
                             "(benchmarks/split_deployment.py)")
    parser.add_argument("--public-url", help="where contestants go (default the app's port)")
    parser.add_argument("--judge-url", help="where judges go (default the app's port)")
    parser.add_argument("--ready-url", help="answers once the deployment is up (default /login on the app)")
    parser.add_argument("--output", type=Path)
    args = parser.parse_args()
    if args.contestants < args.skills or args.judges < args.judges_per_skill:
        parser.error("at least one contestant a skill and one panel of judges")

    app = bench_app()
    with app.app_context():
        started = time.perf_counter()
        contestants, judges = build(args)
        print(f"built and published in {time.perf_counter() - started:.1f} s")
        database_url = db.engine.url.render_as_string(hide_password=False)
        dialect = db.engine.dialect.name
        db.session.remove()

    app_url = f"http://127.0.0.1:{args.port}"
    scratch = Path(tempfile.mkdtemp(prefix="release-burst-"))
    plan = {"event": "BURST", "contestants": contestants, "judges": judges, "seconds": args.seconds,
            "drain": args.drain, "alone": args.alone, "pace": args.pace, "batch": args.batch,
            "public_url": args.public_url or app_url, "judge_url": args.judge_url or app_url,
            "bare_url": f"http://127.0.0.1:{args.bare_port}"}
    (scratch / "plan.json").write_text(json.dumps(plan))
    env = server_env(database_url, scratch, plan["public_url"])
    if args.split:
        args.server_command = f"{sys.executable} benchmarks/split_deployment.py --port {{port}}"
    command = args.server_command.format(port=args.port) if args.server_command else \
        gunicorn("wsgi:app", args.port, args.workers)
    with running(command, args.ready_url or f"{app_url}/login", env, scratch / "server.log"), \
            running(gunicorn("benchmarks.bare_flask:app", args.bare_port, args.workers),
                    f"{plan['bare_url']}/json", env, scratch / "bare.log"):
        subprocess.run([sys.executable, str(ROOT / "benchmarks" / "burst_load.py"), str(scratch / "plan.json"),
                        str(scratch / "load.json")], check=True, cwd=ROOT)
    load = json.loads((scratch / "load.json").read_text())

    with app.app_context():
        marking = db.session.scalar(select(Event).where(Event.code == "MARK"))
        in_db = db.session.scalar(select(func.count(Mark.id)).where(Mark.skill_id.in_([s.id for s in marking.skills])))
        found = summary(load, lost_marks(load["stored"]), in_db, args, dialect)
    report(found)
    output = args.output or RESULTS / f"release_burst-{dialect}.json"
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(found, indent=2, ensure_ascii=False) + "\n")
    print(f"written to {output} (server logs in {scratch})")


if __name__ == "__main__":
    main()
