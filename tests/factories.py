"""Test data builders: small, explicit, each returns the saved object (flushed, not committed)."""
from __future__ import annotations

import itertools
from datetime import date
from functools import cache

from werkzeug.security import generate_password_hash

from app.auth.models import Role, User
from app.events.models import Event, EventOrganizer, Skill
from app.extensions import db
from app.units.models import Unit, UnitKind

PASSWORD = "correct-horse-42"
_seq = itertools.count(1)


@cache
def password_hash() -> str:
    """``PASSWORD`` hashed once per session, with scrypt at a cost for tests (N=2**10, not werkzeug's
    2**15): a user built and a login checked then cost well under a millisecond, not 65 ms each.
    The app's own hashing is tested in tests/test_auth.py."""
    return generate_password_hash(PASSWORD, method="scrypt:1024:8:1")


def unit(code: str | None = None, *, kind: UnitKind = UnitKind.ENTERPRISE, parent: Unit | None = None,
         name: str | None = None) -> Unit:
    code = code or f"U{next(_seq)}"
    obj = Unit(code=code, name=name or f"单位{code}", kind=kind, parent=parent)
    db.session.add(obj)
    db.session.flush()
    return obj


def user(username: str | None = None, *, role: Role = Role.ORGANIZER, unit: Unit | None = None, person=None) -> User:
    obj = User(username=username or f"user{next(_seq)}", role=role, unit=unit, person=person,
               display_name=username or "", password_hash=password_hash())
    db.session.add(obj)
    db.session.flush()
    return obj


def event(code: str | None = None, *, organizers: list[Unit], tier: str = "provincial", event_class: str | None = "1",
          starts_on: date = date(2026, 10, 12), opens: date | None = date(2026, 8, 1),
          closes: date | None = date(2026, 9, 15), **fields) -> Event:
    obj = Event(code=code or f"EV{next(_seq)}", name=fields.pop("name", "测试赛"), tier=tier, event_class=event_class,
                year=starts_on.year, starts_on=starts_on, ends_on=fields.pop("ends_on", starts_on),
                registration_opens=opens, registration_closes=closes, awards=fields.pop("awards", "cn_standard"),
                tie_breakers=fields.pop("tie_breakers", []), **fields)
    for position, organizer in enumerate(organizers):
        obj.organizer_links.append(EventOrganizer(unit=organizer, position=position))
    db.session.add(obj)
    db.session.flush()
    return obj


def skill(event: Event, code: str | None = None, **fields) -> Skill:
    obj = Skill(event=event, code=code or f"SK{next(_seq)}", name=fields.pop("name", "焊工"),
                team_size=fields.pop("team_size", 1), quota_per_unit=fields.pop("quota_per_unit", 2), **fields)
    db.session.add(obj)
    db.session.flush()
    return obj
