"""Registrations built directly (as if approved earlier, e.g. in a feeder event), for the tests of
this package; rows that go through the registration service are in :mod:`tests.events.contest`."""
from __future__ import annotations

from datetime import date

from app.events.models import Attendance, Event, Registration, RegistrationStatus, Skill
from app.extensions import db
from app.people.models import Gender, Person
from app.units.models import Unit
from tests.events.contest import id_number


def person(name: str = "选手", *, born: date = date(2000, 5, 1), male: bool = True) -> Person:
    obj = Person(id_number=id_number(born.isoformat(), male), name=name, birth_date=born,
                 gender=Gender.M if male else Gender.F)
    db.session.add(obj)
    db.session.flush()
    return obj


def registration(event: Event, skill: Skill, unit: Unit, bib: str, *, who: Person | None = None,
                 status: RegistrationStatus = RegistrationStatus.APPROVED,
                 attendance: Attendance = Attendance.COMPETED, **fields) -> Registration:
    obj = Registration(event=event, skill=skill, unit=unit, person=who or person(), contestant_no=bib,
                       status=status, attendance=attendance, **fields)
    db.session.add(obj)
    db.session.flush()
    return obj


def login_en(client, username: str) -> None:
    """Log in with the English UI, so a test can read the messages as the code writes them."""
    from tests.conftest import login
    client.get("/lang/en")
    login(client, username)
