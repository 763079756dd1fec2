"""The finished contest of :mod:`tests.results.builders` plus the people of appeals and amendments.

On top of the marking World's users: ``ua-nc1`` (unit admin of NC-E1, W-01's unit), ``ua-nc``
(unit admin of the city JX-NC: W-01 and W-03), ``ua-jj1`` (JJ-E1, W-02's unit), ``ua-jj2`` (JJ-E2,
no contestant), ``arb`` (arbiter of JX-HRSS, the organizing unit), ``arb-nc`` (arbiter of another
tree), ``org`` (organizer of JX-HRSS). WELD's appeals window is 2 hours (``appeals_hours=2``).
"""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from app import clock
from app.auth.models import Role
from app.extensions import db
from app.marking.locking import lock_all_complete
from app.marking.marksheet import Marksheet
from app.marking.paper import import_marks
from app.results.models import Standing
from app.results.publication import publish
from tests.conftest import FROZEN_NOW
from tests.events.helpers import login_en
from tests.marking.builders import JUDGES, rows
from tests.results.builders import finished_world

PEOPLE = (("ua-nc1", Role.UNIT_ADMIN, "NC-E1"), ("ua-nc", Role.UNIT_ADMIN, "JX-NC"),
          ("ua-jj1", Role.UNIT_ADMIN, "JJ-E1"), ("ua-jj2", Role.UNIT_ADMIN, "JJ-E2"),
          ("arb", Role.ARBITER, "JX-HRSS"), ("arb-nc", Role.ARBITER, "JX-NC"),
          ("org", Role.ORGANIZER, "JX-HRSS"))
AFTER_WINDOW = FROZEN_NOW + timedelta(hours=2)


def appeal_world(make, **event_fields):
    world = finished_world(make, appeals_hours=2, **event_fields)
    for name, role, unit in PEOPLE:
        world.users[name] = make.user(name, role=role, unit=world.units[unit])
    db.session.commit()
    return world


def publish_weld(world, *, final: bool = False) -> None:
    publish(world.event, skill=world.weld, final=final)
    db.session.commit()


def publish_final(world) -> None:
    """Provisional, then final once the 2-hour window is over (the clock moves for the call only)."""
    publish_weld(world)
    with clock.frozen(AFTER_WINDOW):
        publish_weld(world, final=True)


def remark(world, bib: str, score: str) -> None:
    """New judgement scores for ``bib`` in criterion A, then ``import marks --lock``."""
    import_marks(world.weld, rows(*[(bib, "A1.1", judge, score) for judge in JUDGES]))
    lock_all_complete(Marksheet(world.weld))
    db.session.commit()


def standing(world, bib: str) -> Standing:
    return db.session.scalar(select(Standing).where(Standing.competitor_id == world.competitor(bib).id))


def as_user(client, name: str) -> None:
    client.post("/logout")
    login_en(client, name)
