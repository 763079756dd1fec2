"""Results of an enterprise event: rebuilding every skill's standings against reading their marks.

Two events are built in bulk on one fresh database (benchmarks/enterprise.py: 30 aspects, 3 judges
a skill, 42 marks a contestant): the full one, N contestants (default 100,000 = 50 skills × 2,000),
and one a tenth of its size with the same skills (50 × 200). For each, a fresh process (what a
worker is) times

- reading the marks: every skill's marks fetched as plain rows (the least any rebuild must do),
  best of two;
- the rebuild: :func:`app.results.standings.rebuild` of every skill and the commit (what locking
  the last criterion everywhere costs);

and reports its peak resident memory. Wall time is what the targets are about; the process's CPU
time is printed beside it, as the machine may be shared (on PostgreSQL the server's share of the work
is not in it). Printed and written to benchmarks/results/scale-<db>.json:
rebuild ÷ read for each size, the full size's time ÷ the tenth's (10× the contestants), peak memory.
Targets (issue 15): rebuild ≤ 3× the read, 10× the contestants ≤ 12× the time, a process < 250 MB.
Runs on a temporary SQLite file, or on ``DATABASE_URL``.

    .venv/bin/python benchmarks/scale.py [--contestants 100000] [--skills 50]
"""
from __future__ import annotations

import argparse
import json
import multiprocessing
import resource
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from contest import app_on, bench_app  # noqa: E402
from enterprise import build_event  # noqa: E402

from app.events.models import Event  # noqa: E402
from app.extensions import db  # noqa: E402
from app.marking.models import Mark  # noqa: E402
from app.results.standings import rebuild_event  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results"
TARGETS = {"rebuild_over_read": 3.0, "tenfold_time": 12.0, "peak_mb": 250.0}


def peak_mb() -> float:
    """This process's peak resident memory. Linux keeps ``ru_maxrss`` across exec, so a spawned child
    would report its parent's peak: the kernel's high-water mark of this address space is read first."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def read_marks(event: Event) -> int:
    count = 0
    for skill in event.skills:
        count += len(db.session.execute(db.select(Mark.aspect_id, Mark.competitor_id, Mark.kind, Mark.value)
                                        .where(Mark.skill_id == skill.id)).all())
    return count


def measure(url: str, code: str) -> dict:
    """In a fresh process: the event's read and rebuild times and this process's peak memory."""
    app = app_on(url)
    with app.app_context():
        event = db.session.scalar(db.select(Event).where(Event.code == code))
        reads = []
        for _ in range(2):
            started, cpu = time.perf_counter(), time.process_time()
            marks = read_marks(event)
            reads.append((time.perf_counter() - started, time.process_time() - cpu))
            db.session.rollback()
        read, read_cpu = min(reads)
        started, cpu = time.perf_counter(), time.process_time()
        rebuild_event(event)
        db.session.commit()
        rebuilt, rebuilt_cpu = time.perf_counter() - started, time.process_time() - cpu
        return {"marks": marks, "read_s": round(read, 3), "rebuild_s": round(rebuilt, 3),
                "rebuild_over_read": round(rebuilt / read, 2), "read_cpu_s": round(read_cpu, 3),
                "rebuild_cpu_s": round(rebuilt_cpu, 3), "rebuild_over_read_cpu": round(rebuilt_cpu / read_cpu, 2),
                "peak_mb": round(peak_mb(), 1)}


def in_fresh_process(url: str, code: str) -> dict:
    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn")) as pool:
        return pool.submit(measure, url, code).result()


def run(contestants: int, skills: int) -> dict:
    app = bench_app()
    sizes = {"tenth": contestants // 10, "full": contestants}
    with app.app_context():
        url = db.engine.url.render_as_string(hide_password=False)
        dialect = db.engine.dialect.name
        started = time.perf_counter()
        for n, (code, size) in enumerate(sizes.items()):
            build_event(code.upper(), skills, size // skills, first_person=n * contestants)
        generated = time.perf_counter() - started
        db.session.remove()
    measured = {code: {"contestants": size // skills * skills, **in_fresh_process(url, code.upper())}
                for code, size in sizes.items()}
    full, tenth = measured["full"], measured["tenth"]
    return {"database": dialect, "skills": skills, "aspects": 30, "judges": 3,
            "generated_s": round(generated, 1), "generator_peak_mb": round(peak_mb(), 1),
            "tenth": tenth, "full": full,
            "tenfold_time": round(full["rebuild_s"] / tenth["rebuild_s"], 2),
            "tenfold_cpu": round(full["rebuild_cpu_s"] / tenth["rebuild_cpu_s"], 2),
            "tenfold_read": round(full["read_s"] / tenth["read_s"], 2), "targets": TARGETS}


def report(found: dict) -> None:
    print(f"{found['database']}: {found['skills']} skills, 30 aspects, 3 judges; "
          f"generated both events in {found['generated_s']} s (generator peak {found['generator_peak_mb']} MB)")
    for size in ("tenth", "full"):
        m = found[size]
        print(f"{m['contestants']:>7} contestants, {m['marks']:>8} marks: read {m['read_s']:7.2f} s, "
              f"rebuild {m['rebuild_s']:7.2f} s = {m['rebuild_over_read']:5.2f}× the read "
              f"(target ≤ {TARGETS['rebuild_over_read']}×), peak {m['peak_mb']:6.1f} MB "
              f"(target < {TARGETS['peak_mb']:.0f})")
        print(f"{'':>7}  this process's CPU time: read {m['read_cpu_s']:7.2f} s, rebuild {m['rebuild_cpu_s']:7.2f} s "
              f"= {m['rebuild_over_read_cpu']:5.2f}×")
    print(f"10× the contestants: rebuild {found['tenfold_time']}× the time (target ≤ {TARGETS['tenfold_time']}×; "
          f"CPU {found['tenfold_cpu']}×), read {found['tenfold_read']}×")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--contestants", type=int, default=100_000, help="the full event; the small one is a tenth")
    parser.add_argument("--skills", type=int, default=50)
    parser.add_argument("--output", type=Path, help="JSON file (default benchmarks/results/scale-<db>.json)")
    args = parser.parse_args()
    if args.contestants // 10 < args.skills:
        parser.error("--contestants must be at least 10 × --skills")
    found = run(args.contestants, args.skills)
    report(found)
    output = args.output or RESULTS / f"scale-{found['database']}.json"
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(found, indent=2) + "\n")
    print(f"written to {output}")


if __name__ == "__main__":
    main()
