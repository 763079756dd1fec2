"""Requests per second of the public results paths, beside a bare Flask app measured in the same run.

For each database (a temporary SQLite file, and PostgreSQL at ``--postgres`` or ``DATABASE_URL``) the
command builds two published events, one of 10 and one of 1,000 contestants per skill (4 skills
each, standings written in bulk: this measures reads), serves the app with gunicorn in production
mode (4 sync workers, the production config with the lookup and verification limits lifted) and the
bare Flask app (:mod:`bare_flask`: a JSON route and a 50-row SQLite query rendered by Jinja) with the
same gunicorn, and drives each path with ``wrk -t2 -c50`` (Debian package ``wrk``). Each run measures
every path once, in turn; the figures are the medians over the runs, and the ratios are to the bare
page (a 304 to the bare JSON route). The tries of the contestant lookup are deleted between runs.

    .venv/bin/python benchmarks/public_paths.py [--runs 3] [--duration 5] [--postgres URL] [--sqlite-only]
                                                [--port 5801] [--only "contestant lookup"]

Prints a table and writes ``benchmarks/results/public_paths.json`` (``--output`` elsewhere).
``--smoke`` is the test suite's version: 3 contestants, one short run, 1 worker, 2 connections.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

APP_PORT = 5801  # the bare app listens on the next port
SIZES = (10, 1000)
SKILLS = ("WELD", "CNC", "ELEC", "CARE")
CRITERIA = ("A", "B", "C", "D", "E")
BIB_SAMPLE = 200  # bibs the lookup cycles through (all of them on a smaller event)


# --------------------------------------------------------------------------- the served apps


def production_app():
    """What gunicorn serves (``public_paths:production_app()``): the production config (secrets and
    paths from the environment), with the per-bib lookup and verification limits lifted so a load
    test measures the path rather than its refusal."""
    from app import create_app
    from app.config import Config

    class Lifted(Config):
        RESULT_LOOKUP_MAX_TRIES = 10**9
        VERIFY_RATE_LIMIT = "1000000000 per minute"
        RATELIMIT_ENABLED = False

    return create_app(Lifted)


# --------------------------------------------------------------------------- the data


def build(url: str, sizes: tuple[int, ...]) -> dict[int, dict]:
    """Empty the database, migrate it, and write one published event per size; returns per size the
    event code, a bib in the middle of the first skill and the lookup's (bib, ID tail) pairs."""
    from flask_migrate import upgrade
    from sqlalchemy import insert, text

    from app import create_app
    from app.config import TestConfig
    from app.extensions import db

    class BuildConfig(TestConfig):
        SQLALCHEMY_DATABASE_URI = url

    app = create_app(BuildConfig)
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as connection:
                connection.execute(text("DROP SCHEMA public CASCADE"))
                connection.execute(text("CREATE SCHEMA public"))
        upgrade()
        from app.events.models import Attendance, Event, Registration, RegistrationStatus, Skill
        from app.marking.models import SchemeCriterion
        from app.people.models import Person
        from app.results.models import Publication, SkillResults, Standing
        from app.units.models import Unit, UnitKind

        units = [Unit(code=f"U{i:02d}", name=f"第{i}职业技术学院", kind=UnitKind.SCHOOL) for i in range(20)]
        db.session.add_all(units)
        db.session.flush()
        found = {}
        for size in sizes:
            event = Event(code=f"PUB{size}", name=f"公开成绩基准赛（每项 {size} 人）", tier="provincial",
                          event_class="1", year=2026, starts_on=date(2026, 10, 1), ends_on=date(2026, 10, 2),
                          awards="cn_standard", tie_breakers=[])
            db.session.add(event)
            db.session.flush()
            pairs = []
            for s, skill_code in enumerate(SKILLS):
                skill = Skill(event=event, code=skill_code, name=f"赛项{skill_code}", team_size=1, quota_per_unit=size)
                db.session.add(skill)
                db.session.flush()
                db.session.add_all([SchemeCriterion(skill_id=skill.id, position=i, code=c, name=f"模块{c}：工艺与质量")
                                    for i, c in enumerate(CRITERIA)])
                people = db.session.scalars(insert(Person).returning(Person.id, sort_by_parameter_order=True), [
                    {"id_type": "resident", "id_number": f"3601022000{size:04d}{s}{i:04d}"[-18:],
                     "name": f"选手{s}-{i}"}
                    for i in range(size)]).all()
                registrations = db.session.scalars(
                    insert(Registration).returning(Registration.id, sort_by_parameter_order=True),
                    [{"event_id": event.id, "skill_id": skill.id, "person_id": pid, "unit_id": units[i % 20].id,
                      "contestant_no": f"{skill_code}-{i:04d}", "status": RegistrationStatus.APPROVED,
                      "attendance": Attendance.COMPETED, "outside_window": False,
                      "created_at": datetime.now().astimezone()}
                     for i, pid in enumerate(people)]).all()
                awards = ["gold", "silver", "bronze"] + ["excellence"] * 3
                db.session.execute(insert(Standing), [
                    {"skill_id": skill.id, "competitor_id": rid, "position": i + 1, "status": Attendance.COMPETED,
                     "raw_total": Decimal(95) - Decimal(i) / 20, "marks_total": Decimal(95) - Decimal(i) / 20,
                     "criteria": {c: str(Decimal(19) - Decimal(i) / 100) for c in CRITERIA}, "sub_criteria": {},
                     "penalties": [{"amount": "1.00", "reason": "安全"}] if i % 50 == 7 else [],
                     "scale": 700 - i // 10, "scale_exact": str(700 - i // 10), "rank": i + 1,
                     "award": awards[i] if i < len(awards) else None, "skipped_tie_breakers": [],
                     "technical_expert_proposed": False} for i, rid in enumerate(registrations)])
                db.session.add(SkillResults(
                    skill_id=skill.id, event_id=event.id, version=1, competed=size, incomplete=[],
                    criterion_max={c: "20.00" for c in CRITERIA}, locked_criteria=list(CRITERIA),
                    criterion_medians={c: "18.50" for c in CRITERIA}, median=Decimal("90.00"),
                    publication=Publication.PROVISIONAL))
                if s == 0:
                    step = max(1, size // BIB_SAMPLE)
                    pairs = [(f"{skill_code}-{i:04d}", f"3601022000{size:04d}{s}{i:04d}"[-18:][-6:])
                             for i in range(0, size, step)]
            found[size] = {"event": event.code, "bib": f"{SKILLS[0]}-{size // 2:04d}", "pairs": pairs}
        db.session.commit()
    return found


def forget_lookups(url: str) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM bib_lookups"))
    engine.dispose()


# --------------------------------------------------------------------------- servers and wrk


def serve(target: str, port: int, workers: int, env: dict[str, str], log: Path) -> subprocess.Popen:
    """gunicorn with sync workers in its own process group, its output (the request log) appended to
    ``log`` as a service's goes to a file, not to a terminal; returns once the port answers."""
    with open(log, "ab") as out:
        process = subprocess.Popen(
            [str(ROOT / ".venv/bin/gunicorn"), "--workers", str(workers), "--worker-class", "sync",
             "--bind", f"127.0.0.1:{port}", "--chdir", str(HERE), "--log-level", "warning", target],
            env=env, start_new_session=True, stdout=out, stderr=out)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn {target} exited with {process.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return process
        except OSError:
            time.sleep(0.2)
    stop(process)
    raise RuntimeError(f"gunicorn {target} did not listen on {port}")


def stop(process: subprocess.Popen) -> None:
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def wrk(url: str, duration: float, connections: int, threads: int, headers: dict[str, str] | None = None,
        script: str | None = None) -> dict:
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--latency", "--timeout", "10s"]
    for name, value in (headers or {}).items():
        command += ["-H", f"{name}: {value}"]
    if script:
        command += ["-s", script]
    output = subprocess.run(command + [url], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    latency = {p: _ms(re.search(rf"^\s+{p}%\s+([\d.]+\w+)", output, re.MULTILINE).group(1)) for p in ("50", "99")}
    return {"rps": rps, "p50_ms": latency["50"], "p99_ms": latency["99"],
            "errors": (int(non_2xx.group(1)) if non_2xx else 0) + (sum(map(int, errors.groups())) if errors else 0)}


def _ms(text: str) -> float:
    value, unit = re.match(r"([\d.]+)(\w+)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def fetch(url: str, headers: dict[str, str] | None = None, data: bytes | None = None, opener=None):
    request = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with (opener or urllib.request.build_opener()).open(request, timeout=30) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def answering(url: str, wait: float = 180):
    """:func:`fetch`, retried until the workers answer: they load the app after gunicorn listens,
    which takes long on a busy machine."""
    deadline = time.monotonic() + wait
    while True:
        try:
            return fetch(url)
        except OSError:
            if time.monotonic() > deadline:
                raise


def lookup_script(base: str, event: str, pairs: list[tuple[str, str]], folder: str) -> str:
    """A wrk script posting the lookup form (no session, no token: the form needs neither), cycling
    through bibs."""
    entries = ",".join(f'"bib={bib}&id_tail={tail}"' for bib, tail in pairs)
    path = Path(folder) / f"lookup-{event}.lua"
    path.write_text(f"""wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
local bodies = {{{entries}}}
local i = 0
request = function()
  i = i + 1
  return wrk.format(nil, "/results/{event}/me", nil, bodies[(i % #bodies) + 1])
end
""")
    # The path answers what a contestant sees: their own line.
    status, _, answer = fetch(f"{base}/results/{event}/me", data=f"bib={pairs[0][0]}&id_tail={pairs[0][1]}".encode(),
                              headers={"Content-Type": "application/x-www-form-urlencoded"})
    if status != 200 or pairs[0][0].encode() not in answer:
        raise RuntimeError(f"the lookup answered {status}")
    return str(path)


# --------------------------------------------------------------------------- the measurement


def paths(base: str, events: dict[int, dict], folder: str) -> list[dict]:
    """Every measured request: a name, the URL, headers or a script, and the status it must get."""
    found = []
    for size, event in events.items():
        code, skill = event["event"], SKILLS[0]
        for label, path in (("event page", f"/results/{code}"), ("skill page", f"/results/{code}/{skill}")):
            status, headers, body = fetch(base + path)
            assert status == 200, (path, status)
            found.append({"path": f"{label}, {size}/skill", "url": base + path, "bytes": len(body), "status": 200})
            found.append({"path": f"{label} 304, {size}/skill", "url": base + path, "status": 304, "bytes": 0,
                          "headers": {"If-None-Match": headers["ETag"]}})
        for label, path in (("find my bib", f"/results/{code}/{skill}?bib={event['bib']}"),
                            ("whole table CSV", f"/results/{code}/{skill}/standings.csv"),
                            ("medal table", f"/events/{code}/medals")):
            status, _, body = fetch(base + path)
            assert status == 200, (path, status)
            found.append({"path": f"{label}, {size}/skill", "url": base + path, "bytes": len(body), "status": 200})
        found.append({"path": f"contestant lookup, {size}/skill", "url": base + f"/results/{code}/me", "status": 200,
                      "script": lookup_script(base, code, event["pairs"], folder), "lookup": True})
    return found


def measure(database: str, url: str, sizes: tuple[int, ...], args, folder: str) -> dict:
    app_port, bare_port = args.port, args.port + 1
    print(f"\n== {database}: building {', '.join(map(str, sizes))} contestants per skill …", flush=True)
    events = build(url, sizes)
    bare_db = str(Path(folder) / "bare.db")   # filled by bare_flask when gunicorn imports it
    keys = Path(folder) / "keys"
    keys.mkdir(exist_ok=True)
    env = {**os.environ, "APP_ENV": "production", "DATABASE_URL": url,
           "SECRET_KEY": "benchmark-only-secret-" + "x" * 32,
           "CERTIFICATE_KEYS_DIR": str(keys), "PUBLIC_BASE_URL": f"http://127.0.0.1:{app_port}",
           "SESSION_COOKIE_SECURE": "0", "BARE_FLASK_DB": bare_db, "PYTHONPATH": str(ROOT)}
    env.pop("REDIS_URL", None)  # the default cache (each worker's memory): one box, as the table says
    app = serve("public_paths:production_app()", app_port, args.workers, env, Path(folder) / f"app-{database}.log")
    bare = serve("bare_flask:app", bare_port, args.workers, env, Path(folder) / f"bare-{database}.log")
    runs: dict[str, list[dict]] = {}
    try:
        base = f"http://127.0.0.1:{app_port}"
        measured = [{"path": "bare Flask JSON route", "url": f"http://127.0.0.1:{bare_port}/json", "status": 200},
                    {"path": "bare Flask 50-row page", "url": f"http://127.0.0.1:{bare_port}/page", "status": 200}]
        answering(base + f"/results/{events[sizes[0]]['event']}")
        measured += [item for item in paths(base, events, folder) if args.only in item["path"]]
        for run in range(args.runs):
            print(f"   run {run + 1}/{args.runs}", flush=True)
            forget_lookups(url)
            for item in measured:
                figures = wrk(item["url"], args.duration, args.connections, args.threads, item.get("headers"),
                              item.get("script"))
                runs.setdefault(item["path"], []).append(figures)
                # wrk stops sending, but the workers still answer what it queued: let them finish
                # before the next path, or a slow path's tail is charged to the next one.
                time.sleep(min(10.0, 1.0 + figures["p99_ms"] / 1000))
    finally:
        stop(app)
        stop(bare)
    table = {}
    for item in measured:
        figures = runs[item["path"]]
        table[item["path"]] = {"rps": statistics.median(f["rps"] for f in figures),
                               "p50_ms": statistics.median(f["p50_ms"] for f in figures),
                               "p99_ms": statistics.median(f["p99_ms"] for f in figures),
                               "errors": sum(f["errors"] for f in figures), "bytes": item.get("bytes"),
                               "runs": [f["rps"] for f in figures]}
    page, json_route = table["bare Flask 50-row page"]["rps"], table["bare Flask JSON route"]["rps"]
    for name, row in table.items():
        if not name.startswith("bare"):
            row["ratio"] = round(row["rps"] / (json_route if " 304," in name else page), 3)
            row["ratio_of"] = "bare JSON route" if " 304," in name else "bare page"
    return table


def report(results: dict[str, dict]) -> None:
    for database, table in results.items():
        print(f"\n{database}")
        print(f"{'path':<40} {'rps':>9} {'ratio':>7} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7} {'bytes':>8}")
        for name, row in table.items():
            ratio = f"{row['ratio'] * 100:6.1f}%" if "ratio" in row else "      —"
            print(f"{name:<40} {row['rps']:9.1f} {ratio} {row['p50_ms']:8.1f} {row['p99_ms']:8.1f} "
                  f"{row['errors']:7d} {row['bytes'] if row['bytes'] is not None else '':>8}")
        small, big = (table.get(f"contestant lookup, {n}/skill") for n in SIZES)
        if small and big:
            print(f"{'lookup, 1000 vs 10 per skill':<40} {big['rps'] / small['rps'] * 100:8.1f}%")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--duration", type=float, default=5)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--postgres", default=os.environ.get("DATABASE_URL"),
                        help="PostgreSQL URL to measure on (emptied first); default DATABASE_URL")
    parser.add_argument("--sqlite-only", action="store_true")
    parser.add_argument("--port", type=int, default=APP_PORT, help="the app's port; the bare app's is the next")
    parser.add_argument("--only", default="", help="measure only the paths whose name contains this (and the bare app)")
    parser.add_argument("--smoke", action="store_true", help="3 contestants, 1 short run, 1 worker")
    parser.add_argument("--output", default=str(HERE / "results" / "public_paths.json"))
    args = parser.parse_args(argv)
    sizes = SIZES
    if args.smoke:
        sizes, args.runs, args.duration, args.connections, args.threads, args.workers = (3,), 1, 1, 2, 1, 1
    with tempfile.TemporaryDirectory() as folder:
        databases = {"sqlite": f"sqlite:///{folder}/public_paths.db"}
        if args.postgres and not args.sqlite_only:
            databases["postgresql"] = args.postgres
        results = {name: measure(name, url, sizes, args, folder) for name, url in databases.items()}
    report(results)
    Path(args.output).parent.mkdir(parents=True, exist_ok=True)
    Path(args.output).write_text(json.dumps({
        "benchmark": "public_paths", "at": datetime.now().astimezone().isoformat(timespec="seconds"),
        "setup": {"gunicorn_workers": args.workers, "worker_class": "sync",
                  "wrk": f"-t{args.threads} -c{args.connections} -d{args.duration}s", "runs": args.runs,
                  "sizes": list(sizes), "skills_per_event": len(SKILLS),
                  "cpus": os.cpu_count()},
        "results": results}, ensure_ascii=False, indent=1) + "\n")
    print(f"\nwritten to {args.output}")


if __name__ == "__main__":
    main()
