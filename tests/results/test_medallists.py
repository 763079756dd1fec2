"""Previous medallists: recorded from final results, barred at the same tier where an event says so."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from app.errors import InputRefused
from app.events.registration import register_rows
from app.extensions import db
from app.people.models import MedalRecord
from app.results.amendment import amend
from app.results.publication import publish
from tests.events.contest import rows, values
from tests.results.builders import finished_world


def medals() -> dict[str, str]:
    return {f"{r.skill_code}:{r.person_id}": r.award for r in db.session.scalars(select(MedalRecord))}


def entry_for(world, bib: str, event_code: str) -> dict[str, str]:
    person = world.competitor(bib).lead.person
    return values(unit_code="NC-E1", skill_code="WELD2", contestant_no=f"{event_code}-1", name=person.name,
                  id_number=person.id_number, birth_date=person.birth_date.isoformat(), gender="M")


def later_event(make, world, code: str, *, tier: str = "provincial", bar: bool = True):
    event = make.event(code, organizers=[world.hrss], tier=tier, bar_previous_medallists=bar,
                       starts_on=date(2027, 10, 12), opens=date(2026, 8, 1), closes=date(2026, 9, 15))
    make.skill(event, "WELD2")
    db.session.commit()
    return event


def test_final_publication_records_medals_and_provisional_does_not(make):
    world = finished_world(make)
    publish(world.event, skill=world.weld)
    assert medals() == {}
    publish(world.event, skill=world.weld, final=True)
    person = {bib: world.competitor(bib).lead.person_id for bib in ("W-01", "W-02", "W-03")}
    assert medals() == {f"WELD:{person['W-01']}": "gold", f"WELD:{person['W-02']}": "silver",
                        f"WELD:{person['W-03']}": "bronze"}
    publish(world.event, skill=world.care, final=True)
    team_one = {r.person_id for r in world.competitor("C-01", world.care).members}
    assert {k for k, v in medals().items() if k.startswith("CARE") and v == "gold"} == \
        {f"CARE:{p}" for p in team_one}                       # every member of the winning team


def test_an_amendment_rewrites_the_records(make):
    world = finished_world(make)
    publish(world.event, skill=world.weld, final=True)
    amend(world.weld, "W-01", "doping", disqualify=True)
    w02 = world.competitor("W-02").lead.person_id
    assert medals()[f"WELD:{w02}"] == "gold"
    assert world.competitor("W-01").lead.person_id not in {r.person_id for r in db.session.scalars(
        select(MedalRecord))}


def test_a_medallist_is_barred_at_the_same_tier_only_where_the_event_says_so(make):
    world = finished_world(make)
    publish(world.event, skill=world.weld, final=True)
    db.session.commit()
    barred = later_event(make, world, "EV2")
    with pytest.raises(InputRefused) as refused:
        register_rows(barred, rows(entry_for(world, "W-01", "EV2")), actor_is_organizer=True, unit_scope=None)
    assert "won gold in WELD at EV1 (2026)" in str(refused.value)
    db.session.rollback()
    open_event = later_event(make, world, "EV3", bar=False)
    assert register_rows(open_event, rows(entry_for(world, "W-01", "EV3")), actor_is_organizer=True,
                         unit_scope=None)
    national = later_event(make, world, "EV4", tier="national")
    assert register_rows(national, rows(entry_for(world, "W-01", "EV4")), actor_is_organizer=True,
                         unit_scope=None)
