"""How fast the tablets' marks go in: the batch endpoint measured through the app, as tablets call it.

On the benchmark contest (benchmarks/contest.py, N contestants, default 100):
- one tablet sends its whole outbox of measurement marks (21 per contestant) in batches of 100;
- the same outbox is sent again (every mark answered ``replayed``, nothing written);
- three judges on two tablets each send their judgement scores (6 per contestant each) at once,
  in batches of 50, from six threads;
- a judge's desk (what the tablet page loads) is read.
Prints marks per second and the median and 95th-percentile batch time. Each mark is its own
transaction (app/api/marks.py), so these are the numbers of one commit per mark.

    .venv/bin/python benchmarks/tablet_sync.py [--contestants 100]
"""
from __future__ import annotations

import argparse
import statistics
import sys
import threading
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from contest import JUDGE_PASSWORD, bench_app, build_contest  # noqa: E402

from app.extensions import db  # noqa: E402
from app.marking.models import SchemeAspect  # noqa: E402
from app.marking.schemes import as_aspect  # noqa: E402
from scoring.marks import allowed_measurement_marks  # noqa: E402


def outboxes(skill, n: int) -> tuple[list[dict], dict[str, list[dict]]]:
    """Measurement marks (one tablet) and each judge's judgement scores."""
    aspects = db.session.scalars(db.select(SchemeAspect).where(SchemeAspect.skill_id == skill.id)
                                 .order_by(SchemeAspect.id)).all()
    def item(aspect, bib, value):
        return {"uuid": str(uuid.uuid4()), "event": "BENCH", "skill": "WELD", "aspect": aspect.code,
                "competitor": bib, "value": str(value), "base_version": 0, "offline": True}
    bibs = [f"W-{i:04d}" for i in range(n)]
    measured = [item(a, bib, allowed_measurement_marks(as_aspect(a))[-1]) for bib in bibs for a in aspects
                if a.kind == "M"]
    judged = {f"j{j}": [item(a, bib, (i + j) % 4) for i, bib in enumerate(bibs) for a in aspects if a.kind == "J"]
              for j in range(3)}
    return measured, judged


def client_of(app, username: str):
    client = app.test_client()
    response = client.post("/login", data={"username": username, "password": JUDGE_PASSWORD})
    assert response.status_code == 302, f"login of {username} failed"
    return client


def send(client, marks: list[dict], size: int, times: list[float]) -> dict[str, int]:
    outcomes: dict[str, int] = {}
    for start in range(0, len(marks), size):
        began = time.perf_counter()
        response = client.post("/api/v1/marks/batch", json={"device": "bench", "marks": marks[start:start + size]})
        times.append(time.perf_counter() - began)
        assert response.status_code == 200, response.get_data(as_text=True)[:300]
        for result in response.get_json()["results"]:
            outcomes[result["outcome"]] = outcomes.get(result["outcome"], 0) + 1
    return outcomes


def report(label: str, count: int, elapsed: float, times: list[float], outcomes: dict[str, int]) -> None:
    p95 = sorted(times)[max(0, int(len(times) * 0.95) - 1)]
    print(f"{label:<46} {count / elapsed:8.0f} marks/s   batch median {statistics.median(times) * 1000:6.0f} ms,"
          f" p95 {p95 * 1000:6.0f} ms   {outcomes}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--contestants", type=int, default=100)
    args = parser.parse_args()
    app = bench_app()
    with app.app_context():
        skill, _, _ = build_contest(args.contestants)
        db.session.commit()
        measured, judged = outboxes(skill, args.contestants)
        print(f"{args.contestants} contestants, {len(measured)} measurement marks, "
              f"{sum(map(len, judged.values()))} judgement scores, {db.engine.dialect.name}")
    tablet = client_of(app, "j0")

    for label in ("one tablet, 100 a batch, first send", "the same outbox again (all replayed)"):
        times: list[float] = []
        began = time.perf_counter()
        outcomes = send(tablet, measured, 100, times)
        report(label, len(measured), time.perf_counter() - began, times, outcomes)

    times, totals, lock = [], {}, threading.Lock()
    work = [(f"j{j}", half) for j in range(3) for half in (0, 1)]

    def tablet_thread(username: str, half: int) -> None:
        client, mine = client_of(app, username), judged[username][half::2]
        local: list[float] = []
        outcomes = send(client, mine, 50, local)
        with lock:
            times.extend(local)
            for key, value in outcomes.items():
                totals[key] = totals.get(key, 0) + value

    threads = [threading.Thread(target=tablet_thread, args=w) for w in work]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    report("six tablets at once, 50 a batch", sum(map(len, judged.values())), time.perf_counter() - began,
           times, totals)

    began = time.perf_counter()
    for _ in range(5):
        assert tablet.get("/api/v1/tablet/BENCH/WELD").status_code == 200
    print(f"{'the desk a tablet loads':<46} {(time.perf_counter() - began) / 5 * 1000:8.0f} ms")


if __name__ == "__main__":
    main()
