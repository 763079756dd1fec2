"""Requests per second of certificate verification (``/verify/<token>``, the page a certificate's QR
code opens), beside the bare Flask app measured in the same run.

One skill of N contestants (default 200) with final standings in which everyone has an award gets
its award certificates issued; a few of them are then revoked, as a corrected result would. gunicorn
serves the app in production mode (4 sync workers, the production config with the verification
limit lifted, as in :mod:`public_paths`) and the bare Flask app (:mod:`bare_flask`: a JSON route
and a 50-row SQLite query rendered by Jinja) with the same gunicorn, and ``wrk -t2 -c50`` drives
each path in turn: the bare JSON route, the bare page, the genuine certificates' pages (cycling
through every token, so no single row is hot) and the revoked ones'. Each run measures every path
once; the figures are the medians over the runs, the ratios are to the bare page's median.

    .venv/bin/python benchmarks/verify.py [--runs 3] [--duration 5] [--certificates 200] [--port 5803]

Runs on a temporary SQLite file, or on ``DATABASE_URL`` (emptied first). Prints a table and writes
``benchmarks/results/verify-<database>.json`` (``--output`` elsewhere). ``--smoke`` is the test
suite's version: 6 certificates, one one-second run, 1 worker, 2 connections.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from certificates_bulk import build as build_skill  # noqa: E402
from contest import bench_app  # noqa: E402
from public_paths import answering, serve, stop, wrk  # noqa: E402
from servers import ROOT  # noqa: E402

from app.certificates.issuing import issue_for_results, revoke, verify_url  # noqa: E402
from app.extensions import db  # noqa: E402
from app.startup_checks import DEVELOPMENT_MARKER  # noqa: E402

REVOKED_EVERY = 10  # one certificate in ten is revoked


def build(certificates: int, keys: Path) -> tuple[str, list[str], list[str]]:
    """The database URL, and the paths (``/verify/<token>``) of the genuine and the revoked certificates."""
    app = bench_app(CERTIFICATE_KEYS_DIR=str(keys), PUBLIC_BASE_URL="http://127.0.0.1")
    with app.app_context():
        skill = build_skill(certificates)
        issued = issue_for_results(skill.event, skill).certificates
        revoked = issued[::REVOKED_EVERY]
        for certificate in revoked:
            revoke(certificate, "成绩更正")
        db.session.commit()
        genuine = [urlsplit(verify_url(c)).path for c in issued if c not in revoked]
        withdrawn = [urlsplit(verify_url(c)).path for c in revoked]
        url = db.engine.url.render_as_string(hide_password=False)
    # Made by a development app (so marked), served in production mode, which refuses keys so
    # marked: these are a benchmark's scratch keys.
    (keys / DEVELOPMENT_MARKER).unlink(missing_ok=True)
    return url, genuine, withdrawn


def cycling_script(paths: list[str], folder: str, name: str) -> str:
    """A wrk script that GETs each path in turn."""
    script = Path(folder) / f"{name}.lua"
    entries = ",".join(f'"{path}"' for path in paths)
    script.write_text(f"""local paths = {{{entries}}}
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i % #paths) + 1])
end
""")
    return str(script)


def check(base: str, path: str, status: int, text: str) -> None:
    """The page answers what a person scanning the code must see, before it is timed."""
    found, _, body = answering(base + path)
    if found != status or text.encode() not in body:
        raise RuntimeError(f"{path} answered {found} without {text!r}")


def measure(url: str, genuine: list[str], revoked: list[str], args, folder: str) -> dict:
    app_port, bare_port = args.port, args.port + 1
    env = {**os.environ, "APP_ENV": "production", "DATABASE_URL": url,
           "SECRET_KEY": "benchmark-only-secret-" + "x" * 32, "CERTIFICATE_KEYS_DIR": str(Path(folder) / "keys"),
           "PUBLIC_BASE_URL": f"http://127.0.0.1:{app_port}",
           "SESSION_COOKIE_SECURE": "0", "BARE_FLASK_DB": str(Path(folder) / "bare.db"), "PYTHONPATH": str(ROOT)}
    env.pop("REDIS_URL", None)  # one box: the default cache and limiter storage
    app = serve("public_paths:production_app()", app_port, args.workers, env, Path(folder) / "app.log")
    bare = serve("bare_flask:app", bare_port, args.workers, env, Path(folder) / "bare.log")
    base, bare_base = f"http://127.0.0.1:{app_port}", f"http://127.0.0.1:{bare_port}"
    measured = {"bare Flask JSON route": (bare_base + "/json", None),
                "bare Flask 50-row page": (bare_base + "/page", None),
                "verify, genuine": (base + "/", cycling_script(genuine, folder, "genuine")),
                "verify, revoked": (base + "/", cycling_script(revoked, folder, "revoked"))}
    runs: dict[str, list[dict]] = {name: [] for name in measured}
    try:
        check(base, genuine[0], 200, 'data-state="genuine"')
        check(base, revoked[0], 200, 'data-state="revoked"')
        for run in range(args.runs):
            print(f"   run {run + 1}/{args.runs}", flush=True)
            for name, (target, script) in measured.items():
                figures = wrk(target, args.duration, args.connections, args.threads, script=script)
                runs[name].append(figures)
                time.sleep(min(10.0, 0.2 + figures["p99_ms"] / 1000))  # let the workers drain the queue
    finally:
        stop(app)
        stop(bare)
    table = {name: {"rps": statistics.median(f["rps"] for f in figures),
                    "p50_ms": statistics.median(f["p50_ms"] for f in figures),
                    "p99_ms": statistics.median(f["p99_ms"] for f in figures),
                    "errors": sum(f["errors"] for f in figures), "runs": [f["rps"] for f in figures]}
             for name, figures in runs.items()}
    page = table["bare Flask 50-row page"]["rps"]
    for name, row in table.items():
        if name.startswith("verify"):
            row["ratio"] = round(row["rps"] / page, 3)
            row["ratio_of"] = "bare page"
    return table


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--certificates", type=int, default=200)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--duration", type=float, default=5)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--port", type=int, default=5803, help="the app's port; the bare app's is the next")
    parser.add_argument("--smoke", action="store_true", help="6 certificates, 1 short run, 1 worker")
    parser.add_argument("--output", type=Path)
    args = parser.parse_args(argv)
    if args.smoke:
        args.certificates, args.runs, args.duration, args.connections, args.threads, args.workers = 6, 1, 1, 2, 1, 1
    with tempfile.TemporaryDirectory() as folder:
        url, genuine, revoked = build(args.certificates, Path(folder) / "keys")
        database = url.split(":", 1)[0].split("+", 1)[0]
        print(f"== {database}: {len(genuine)} genuine and {len(revoked)} revoked certificates", flush=True)
        table = measure(url, genuine, revoked, args, folder)
    print(f"{'path':<26} {'rps':>9} {'ratio':>7} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7}  runs")
    for name, row in table.items():
        ratio = f"{row['ratio'] * 100:6.1f}%" if "ratio" in row else "      —"
        print(f"{name:<26} {row['rps']:9.1f} {ratio} {row['p50_ms']:8.1f} {row['p99_ms']:8.1f} {row['errors']:7d}  "
              + " ".join(f"{r:.0f}" for r in row["runs"]))
    output = args.output or HERE / "results" / f"verify-{database}.json"
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps({
        "benchmark": "verify", "at": datetime.now().astimezone().isoformat(timespec="seconds"), "database": database,
        "setup": {"gunicorn_workers": args.workers, "worker_class": "sync", "runs": args.runs,
                  "wrk": f"-t{args.threads} -c{args.connections} -d{args.duration}s",
                  "certificates": len(genuine) + len(revoked), "revoked": len(revoked), "cpus": os.cpu_count()},
        "results": table}, ensure_ascii=False, indent=1) + "\n")
    print(f"written to {output}")


if __name__ == "__main__":
    main()
