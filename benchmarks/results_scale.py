"""How long the standings of a large skill take to rebuild, read and export.

One skill with N contestants (default 1,000, a large Chinese provincial skill) marked on the demo's
welding scheme (27 aspects, 6 of them judged by 3 judges: 39 marks per contestant), every
criterion locked. Prints the time of one rebuild (what every lock, penalty or check-in change
costs), of loading the stored standings for a page (``skill_tables``) with its SQL statement count,
and of the JSON and XLSX exports. Runs on a temporary SQLite file, or on ``DATABASE_URL``.

    .venv/bin/python benchmarks/results_scale.py [--contestants 1000]
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from sqlalchemy import event as sa_event
from sqlalchemy import insert, update

sys.path.insert(0, str(Path(__file__).resolve().parent))

from contest import bench_app, build_contest  # noqa: E402

from app.extensions import db  # noqa: E402
from app.marking.models import Mark, MarkSource, SchemeAspect, SchemeCriterion  # noqa: E402
from app.marking.schemes import as_aspect  # noqa: E402
from app.results.export import standings_document, standings_rows  # noqa: E402
from app.results.standings import rebuild  # noqa: E402
from app.results.tables import skill_tables  # noqa: E402
from app.tabular import xlsx_bytes  # noqa: E402
from scoring.marks import allowed_measurement_marks  # noqa: E402


def build(n: int):
    """The contest, inserted in bulk and fully marked, every criterion locked: this measures results,
    not registration or marking."""
    skill, judges, regs = build_contest(n)
    aspects = db.session.scalars(db.select(SchemeAspect).where(SchemeAspect.skill_id == skill.id)).all()
    marks = []
    for i, reg in enumerate(regs):
        for a in aspects:
            if a.kind == "M":
                allowed = allowed_measurement_marks(as_aspect(a))
                marks.append(_mark(skill, a, reg, None, allowed[(i * 7 + a.id) % len(allowed)]))
            else:
                marks += [_mark(skill, a, reg, j.id, (i + a.id + k) % 4 if k < 2 else (i + a.id) % 4)
                          for k, j in enumerate(judges)]
    db.session.execute(insert(Mark), marks)
    db.session.execute(update(SchemeCriterion).where(SchemeCriterion.skill_id == skill.id)
                       .values(locked_at=skill.event.created_at, locked_by="bench"))
    db.session.commit()
    return skill


def _mark(skill, aspect, reg_id, judge_id, value) -> dict:
    return {"skill_id": skill.id, "aspect_id": aspect.id, "competitor_id": reg_id, "kind": aspect.kind,
            "judge_id": judge_id, "value": value, "version": 1, "source": MarkSource.PAPER, "offline": False,
            "recorded_by": "bench", "recorded_at": skill.event.created_at}


def timed(label: str, fn, repeat: int = 3):
    best = None
    for _ in range(repeat):
        start = time.perf_counter()
        value = fn()
        elapsed = time.perf_counter() - start
        best = elapsed if best is None else min(best, elapsed)
    print(f"{label:<44} {best * 1000:8.1f} ms (best of {repeat})")
    return value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--contestants", type=int, default=1000)
    args = parser.parse_args()
    app = bench_app()
    with app.app_context():
        skill = build(args.contestants)
        print(f"{args.contestants} contestants, {db.session.scalar(db.select(db.func.count(Mark.id)))} marks, "
              f"{db.engine.dialect.name}")
        timed("rebuild (load marks, scale, rank, award, save)", lambda: (rebuild(skill), db.session.commit()))
        statements = []
        sa_event.listen(db.engine, "before_cursor_execute", lambda *a, **k: statements.append(1))
        tables = timed("skill_tables (what a page reads)", lambda: (db.session.expire_all(),
                                                                    skill_tables(skill.event, published_only=False))[1])
        print(f"{'  SQL statements per read':<44} {len(statements) // 3:8d}")
        timed("export JSON", lambda: json.dumps(standings_document(skill.event, tables), ensure_ascii=False))
        timed("export XLSX", lambda: xlsx_bytes(*standings_rows(tables)), repeat=1)


if __name__ == "__main__":
    main()
