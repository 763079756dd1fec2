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
import os
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from sqlalchemy import event as sa_event
from sqlalchemy import insert, update

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app import create_app  # noqa: E402
from app.auth.models import Role, User  # noqa: E402
from app.config import TestConfig  # noqa: E402
from app.demo_marking import welding_scheme  # noqa: E402
from app.events.models import (  # noqa: E402
    Event,
    EventOrganizer,
    PanelMember,
    PanelRole,
    Registration,
    RegistrationStatus,
    Skill,
    Unit,
    UnitKind,
)
from app.extensions import db  # noqa: E402
from app.marking.models import Mark, MarkSource, SchemeAspect, SchemeCriterion  # noqa: E402
from app.marking.schemes import (  # noqa: E402
    SchemeFile,
    as_aspect,  # noqa: E402
    parse_scheme_json,
    save_scheme,
)
from app.people.models import Person  # noqa: E402
from app.results.export import standings_document, standings_rows  # noqa: E402
from app.results.standings import rebuild  # noqa: E402
from app.results.tables import skill_tables  # noqa: E402
from app.tabular import xlsx_bytes  # noqa: E402
from scoring.marks import allowed_measurement_marks  # noqa: E402


def build(n: int) -> Skill:
    """The contest, inserted in bulk: this measures results, not registration."""
    organizer = Unit(code="BENCH", name="组委会", kind=UnitKind.HR_AUTHORITY)
    units = [Unit(code=f"U{i:02d}", name=f"单位{i}", kind=UnitKind.ENTERPRISE) for i in range(20)]
    db.session.add_all([organizer, *units])
    ev = Event(code="BENCH", name="基准测试赛", tier="provincial", event_class="1", year=2026,
               starts_on=date(2026, 10, 1), ends_on=date(2026, 10, 2), awards="cn_standard", tie_breakers=[])
    ev.organizer_links.append(EventOrganizer(unit=organizer, position=0))
    skill = Skill(event=ev, code="WELD", name="焊工", team_size=1, quota_per_unit=100)
    db.session.add_all([ev, skill])
    judges = [User(username=f"j{i}", display_name=f"j{i}", role=Role.EXPERT, unit=organizer, password_hash="x")
              for i in range(3)]
    db.session.add_all(judges)
    db.session.flush()
    db.session.add_all([PanelMember(skill_id=skill.id, user_id=j.id, unit_id=organizer.id, role=PanelRole.JUDGE)
                        for j in judges])
    save_scheme(skill, SchemeFile(parse_scheme_json(welding_scheme()), "scheme.json"), by_chief_expert=False)
    people = db.session.execute(insert(Person).returning(Person.id), [
        {"id_number": f"36010220000101{i:04d}", "name": f"选手{i}", "id_type": "resident"} for i in range(n)]).scalars().all()
    regs = db.session.execute(insert(Registration).returning(Registration.id), [
        {"event_id": ev.id, "skill_id": skill.id, "person_id": pid, "unit_id": units[i % 20].id,
         "contestant_no": f"W-{i:04d}", "status": RegistrationStatus.APPROVED, "attendance": "competed",
         "outside_window": False, "created_at": ev.created_at} for i, pid in enumerate(people)]).scalars().all()
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
                       .values(locked_at=ev.created_at, locked_by="bench"))
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
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{tempfile.mkdtemp()}/bench.db"

    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = url

    app = create_app(Config)
    with app.app_context():
        from flask_migrate import downgrade, upgrade
        if db.engine.dialect.name == "postgresql":
            downgrade(revision="base")
        upgrade()
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
