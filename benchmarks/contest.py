"""The contest every benchmark measures: one provincial skill on the demo's welding scheme (27
aspects, 6 judged), N contestants from 20 units, 3 judges of the organizer (no conflicts), inserted
in bulk. Runs on a temporary SQLite file, or on ``DATABASE_URL`` (emptied and migrated first)."""
from __future__ import annotations

import os
import sys
import tempfile
from datetime import date
from pathlib import Path

from flask import Flask
from sqlalchemy import insert, text
from werkzeug.security import generate_password_hash

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app import create_app  # noqa: E402
from app.auth.models import Role, User  # noqa: E402
from app.config import Config, TestConfig  # noqa: E402
from app.demo.marking import welding_scheme  # noqa: E402
from app.events.models import (  # noqa: E402
    Event,
    EventOrganizer,
    PanelMember,
    PanelRole,
    Registration,
    RegistrationStatus,
    Skill,
)
from app.extensions import db  # noqa: E402
from app.marking.schemes import SchemeFile, parse_scheme_json, save_scheme  # noqa: E402
from app.people.models import Person  # noqa: E402
from app.units.models import Unit, UnitKind  # noqa: E402

JUDGE_PASSWORD = "bench-judge-42"


def app_on(url: str, **settings) -> Flask:
    """An app on this database as it is (a benchmark's child process measuring what another built);
    ``settings`` override the test configuration's."""

    class BenchConfig(TestConfig):
        SQLALCHEMY_DATABASE_URI = url

    for name, value in settings.items():
        setattr(BenchConfig, name, value)
    return create_app(BenchConfig)


def bench_app(**settings) -> Flask:
    """An app on a fresh database; the caller pushes its context."""
    # Config read DATABASE_URL and mapped postgresql:// to the psycopg 3 driver.
    app = app_on(Config.SQLALCHEMY_DATABASE_URI if os.environ.get("DATABASE_URL")
                 else f"sqlite:///{tempfile.mkdtemp()}/bench.db", **settings)
    with app.app_context():
        from flask_migrate import upgrade
        if db.engine.dialect.name == "postgresql":
            # An empty schema rather than ``downgrade base``: a database left at another branch's
            # revision cannot be downgraded by this checkout.
            with db.engine.begin() as connection:
                connection.execute(text("DROP SCHEMA public CASCADE"))
                connection.execute(text("CREATE SCHEMA public"))
        upgrade()
    return app


def build_contest(n: int) -> tuple[Skill, list[User], list[int]]:
    """The skill, its judges (who can log in with ``JUDGE_PASSWORD``) and the registration ids."""
    organizer = Unit(code="BENCH", name="组委会", kind=UnitKind.HR_AUTHORITY)
    units = [Unit(code=f"U{i:02d}", name=f"单位{i}", kind=UnitKind.ENTERPRISE) for i in range(20)]
    db.session.add_all([organizer, *units])
    ev = Event(code="BENCH", name="基准测试赛", tier="provincial", event_class="1", year=2026,
               starts_on=date(2026, 10, 1), ends_on=date(2026, 10, 2), awards="cn_standard", tie_breakers=[])
    ev.organizer_links.append(EventOrganizer(unit=organizer, position=0))
    skill = Skill(event=ev, code="WELD", name="焊工", team_size=1, quota_per_unit=100)
    db.session.add_all([ev, skill])
    password = generate_password_hash(JUDGE_PASSWORD)
    judges = [User(username=f"j{i}", display_name=f"j{i}", role=Role.EXPERT, unit=organizer, password_hash=password)
              for i in range(3)]
    db.session.add_all(judges)
    db.session.flush()
    db.session.add_all([PanelMember(skill_id=skill.id, user_id=j.id, role=PanelRole.JUDGE)
                        for j in judges])
    save_scheme(skill, SchemeFile(parse_scheme_json(welding_scheme()), "scheme.json"), by_chief_expert=False)
    people = db.session.execute(insert(Person).returning(Person.id), [
        {"id_number": f"36010220000101{i:04d}", "name": f"选手{i}", "id_type": "resident"}
        for i in range(n)]).scalars().all()
    registrations = db.session.execute(insert(Registration).returning(Registration.id), [
        {"event_id": ev.id, "skill_id": skill.id, "person_id": pid, "unit_id": units[i % 20].id,
         "contestant_no": f"W-{i:04d}", "status": RegistrationStatus.APPROVED, "attendance": "competed",
         "outside_window": False, "created_at": ev.created_at} for i, pid in enumerate(people)]).scalars().all()
    return skill, judges, registrations
