"""Facts from the system's own data: events with organizers (and their unit kinds) and host units,
competed contestants only, awards and places only from skills published *final*."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import event as sa_event

from app.events.models import EventOrganizer
from app.extensions import db
from app.grants.facts import derive_facts
from app.grants.services import Scope, compute
from app.results.publication import publish
from app.units.models import UnitKind
from scoring import grants
from tests.events.helpers import registration
from tests.grants.builders import JIANGXI_2026, GrantsWorld, amounts
from tests.results.builders import finished_world


def placed(facts: grants.Facts) -> dict[str, tuple[int | None, str | None, str]]:
    return {c.contestant_no: (c.rank, c.award, c.entry) for c in facts.competitors}


def test_events_organizers_hosts_and_competed_contestants(make):
    world = GrantsWorld(make)
    facts = derive_facts(2026)
    events = {e.code: e for e in facts.events}
    assert set(events) == {"NAT", "PROV"}
    nat, prov = events["NAT"], events["PROV"]
    assert (nat.tier, nat.event_class, nat.grant_class, nat.starts_on) == (
        "national", None, "1", date(2026, 6, 1))
    assert [(s.code, s.host_unit, s.occupation) for s in nat.skills] == [("CNC", None, ""),
                                                                        ("WELD", "JX-TC1", "6-18-02-04")]
    assert prov.organizers == (grants.Organizer("JX-HRSS", "hr_authority"),
                               grants.Organizer("JX-JT", "industry"))
    people = {c.contestant_no: (c.unit, c.skill, c.id_number) for c in facts.competitors}
    assert set(people) == {"N-01", "N-02", "N-03"}                            # N-04 was absent
    assert people["N-01"] == ("JX-TC1", "WELD", world.regs["N-01"].person.id_number)
    assert (facts.hires, facts.level_rises, facts.bases) == (None, None, None)
    assert derive_facts(2025).events == () and derive_facts(2025).competitors == ()


def test_jiangxi_over_the_derived_facts(make):
    GrantsWorld(make)
    result = compute(Scope("jiangxi-2019", year=2026))
    assert amounts(result.lines) == JIANGXI_2026                              # nothing to JX-HRSS or NC-E1
    assert result.total == Decimal("800000.00")
    assert [(n.rule, n.reason.text) for n in result.not_computed] == [
        ("contest_training_base", "not computed: needs base records")]


def test_only_final_results_give_awards_and_places(make):
    world = finished_world(make)
    assert placed(derive_facts(2026))["W-01"] == (None, None, "")           # private standings
    publish(world.event, skill=world.weld)
    db.session.commit()
    assert placed(derive_facts(2026))["W-01"] == (None, None, "")           # provisional: may still change
    publish(world.event, skill=world.weld, final=True)
    publish(world.event, skill=world.care, final=True)
    db.session.commit()
    found = placed(derive_facts(2026))
    assert {bib: found[bib][:2] for bib in ("W-01", "W-02", "W-03")} == {
        "W-01": (1, "gold"), "W-02": (2, "silver"), "W-03": (3, "bronze")}
    assert "W-04" not in found                                                 # absent: did not take part
    assert found["C-01"] == found["C-02"] == (1, "gold", "C-01")      # both members of the team
    assert found["C-03"][2] == "C-03"


def test_xiamen_places_pay_only_once_final(make):
    world = finished_world(make)
    assert compute(Scope("xiamen-2022", year=2026)).lines == ()
    publish(world.event, skill=world.weld, final=True)
    db.session.commit()
    lines = compute(Scope("xiamen-2022", year=2026)).lines
    assert sorted(line.trigger for line in lines) == ["AWARD/EV1/WELD/W-01", "AWARD/EV1/WELD/W-02",
                                                      "AWARD/EV1/WELD/W-03"]
    assert {line.amount for line in lines} == {Decimal("10000.00")}
    assert all(line.payee.startswith("person:") for line in lines)


def test_hr_authority_organizers_are_passed_and_left_unpaid(make):
    world = finished_world(make)
    transport = make.unit("JX-JT", kind=UnitKind.INDUSTRY)
    world.event.organizer_links.append(EventOrganizer(unit=transport, position=1))
    db.session.commit()
    [event] = derive_facts(2026).events
    assert [o.kind for o in event.organizers] == ["hr_authority", "industry"]
    lines = compute(Scope("jiangxi-2019", year=2026)).lines
    assert {(line.payee, line.trigger) for line in lines} == {("JX-JT", "EV1/CARE"), ("JX-JT", "EV1/WELD")}


def test_the_facts_take_a_fixed_number_of_queries(make):
    world = GrantsWorld(make)

    def queries() -> int:
        statements: list[str] = []

        def count(conn, cursor, statement, *args):
            statements.append(statement)

        sa_event.listen(db.engine, "before_cursor_execute", count)
        try:
            derive_facts(2026)
        finally:
            sa_event.remove(db.engine, "before_cursor_execute", count)
        return len(statements)

    few = queries()
    for n in range(3):                                 # more events, skills and contestants
        extra = make.event(f"X{n}", organizers=[world.units["JX-JT"]], starts_on=date(2026, 5, 1))
        skill = make.skill(extra, "S")
        registration(extra, skill, world.units["NC-E1"], f"X{n}-1")
    db.session.commit()
    assert queries() == few
