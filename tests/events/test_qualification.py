"""Qualification: advancing feeder registrations into the higher event, linked, with every eligibility
rule but the window; the organizer's page."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from app.audit import AuditEntry
from app.auth.models import Role
from app.errors import InputRefused
from app.events.models import Attendance, Registration, RegistrationStatus
from app.events.qualification import QualificationError, advance_from_feeder
from app.extensions import db
from app.units.models import UnitKind
from tests.events.helpers import login_en, person, registration


class World:
    """Feeder NC (municipal: WELD, CNCX, CARE) → PROV (provincial, city delegations: WELD, CNC, CARE)."""

    def __init__(self, make):
        self.root = make.unit("JX", kind=UnitKind.PROVINCE)
        self.nc = make.unit("JX-NC", kind=UnitKind.CITY, parent=self.root)
        self.school = make.unit("NC-S", kind=UnitKind.SCHOOL, parent=self.nc)
        self.firm = make.unit("NC-E", kind=UnitKind.ENTERPRISE, parent=self.nc)
        self.feeder = make.event("NC", organizers=[self.nc], tier="municipal", event_class=None,
                                 starts_on=date(2026, 6, 1), opens=date(2026, 5, 1), closes=date(2026, 5, 20))
        # The window opens after "today" (2026-09-01): only qualification may register now.
        self.prov = make.event("PROV", organizers=[self.root], opens=date(2026, 10, 1),
                               closes=date(2026, 10, 5), starts_on=date(2026, 11, 1), feeder_event=self.feeder,
                               delegation_kind=UnitKind.CITY)
        self.f_weld = make.skill(self.feeder, "WELD")
        self.f_cncx = make.skill(self.feeder, "CNCX")
        self.f_care = make.skill(self.feeder, "CARE", team_size=2)
        self.weld = make.skill(self.prov, "WELD", quota_per_unit=2, min_age=16)
        self.cnc = make.skill(self.prov, "CNC")
        self.care = make.skill(self.prov, "CARE", team_size=2)
        f = self.feeder
        self.w1 = registration(f, self.f_weld, self.school, "W-01")
        self.w2 = registration(f, self.f_weld, self.firm, "W-02")
        self.w3 = registration(f, self.f_weld, self.school, "W-03")
        self.young = registration(f, self.f_weld, self.firm, "W-04", who=person(born=date(2012, 3, 1)))
        self.absent = registration(f, self.f_weld, self.firm, "W-05", attendance=Attendance.ABSENT)
        self.pending = registration(f, self.f_weld, self.firm, "W-06", status=RegistrationStatus.SUBMITTED)
        self.c1 = registration(f, self.f_cncx, self.school, "C-01")
        self.t1 = registration(f, self.f_care, self.firm, "T-01", team="A")
        self.t2 = registration(f, self.f_care, self.firm, "T-02", team="A")
        make.user("org", unit=self.root)
        make.user("nc-org", unit=self.nc)
        db.session.commit()


@pytest.fixture()
def world(ctx, make) -> World:
    return World(make)


def in_prov(world: World) -> dict[str, Registration]:
    return {r.contestant_no: r for r in db.session.scalars(select(Registration).where(
        Registration.event_id == world.prov.id))}


def test_advanced_registrations_are_linked_approved_and_audited(world):
    advanced = advance_from_feeder(world.prov, [world.w1.id, world.w2.id])
    db.session.commit()
    regs = in_prov(world)
    assert set(regs) == {"W-01", "W-02"}
    first = regs["W-01"]
    assert first.feeder_registration_id == world.w1.id and first.person_id == world.w1.person_id
    assert first.skill_id == world.weld.id and first.unit_id == world.school.id
    assert first.status == RegistrationStatus.APPROVED and first.attendance == Attendance.COMPETED
    assert first.outside_window  # the window is not open today, and that does not stop qualification
    assert len(advanced) == 2
    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "registration.advance")).all()
    assert sorted(e.after["feeder"] for e in entries) == ["NC/WELD/W-01", "NC/WELD/W-02"]


def test_quota_counts_per_delegation_and_refuses_everything(world):
    with pytest.raises(InputRefused) as refused:
        advance_from_feeder(world.prov, [world.w1.id, world.w2.id, world.w3.id])
    db.session.rollback()
    assert [p.where for p in refused.value.problems] == ["WELD W-03, unit_code"]
    assert "quota reached" in refused.value.problems[0].message
    assert in_prov(world) == {}


def test_age_rule_applies(world):
    with pytest.raises(InputRefused) as refused:
        advance_from_feeder(world.prov, [world.young.id])
    assert [p.where for p in refused.value.problems] == ["WELD W-04, birth_date"]


def test_only_approved_competed_feeder_entries_advance(world):
    with pytest.raises(InputRefused) as refused:
        advance_from_feeder(world.prov, [world.absent.id, world.pending.id])
    messages = {p.where: p.message for p in refused.value.problems}
    assert "did not compete" in messages["WELD W-05"] and "not approved" in messages["WELD W-06"]


def test_registrations_of_other_events_are_refused(world):
    other = registration(world.prov, world.weld, world.school, "P-01")
    with pytest.raises(QualificationError):
        advance_from_feeder(world.prov, [other.id])


def test_event_without_feeder_is_refused(world):
    with pytest.raises(QualificationError):
        advance_from_feeder(world.feeder, [world.w1.id])


def test_unmatched_skill_needs_a_mapping(world):
    with pytest.raises(InputRefused) as refused:
        advance_from_feeder(world.prov, [world.c1.id])
    assert refused.value.problems[0].where == "CNCX C-01"
    db.session.rollback()
    advance_from_feeder(world.prov, [world.c1.id], {"CNCX": "CNC"})
    assert in_prov(world)["C-01"].skill_id == world.cnc.id


def test_a_person_advances_once(world):
    advance_from_feeder(world.prov, [world.w1.id])
    with pytest.raises(InputRefused) as refused:
        advance_from_feeder(world.prov, [world.w1.id])
    assert "already registered in this event" in refused.value.problems[0].message


def test_taken_bib_gets_skill_code_and_sequence(world):
    registration(world.prov, world.weld, world.root, "W-01")
    registration(world.prov, world.weld, world.root, "WELD-01")
    advance_from_feeder(world.prov, [world.w1.id])
    assert in_prov(world)["WELD-02"].feeder_registration_id == world.w1.id


def test_a_team_advances_whole_and_keeps_a_free_label(world):
    with pytest.raises(InputRefused) as refused:
        advance_from_feeder(world.prov, [world.t1.id])
    assert "needs exactly 2" in refused.value.problems[0].message
    db.session.rollback()
    other = registration(world.prov, world.care, world.root, "X-01", team="A")
    registration(world.prov, world.care, world.root, "X-02", team="A", who=person())
    assert other.team == "A"
    advance_from_feeder(world.prov, [world.t1.id, world.t2.id])
    regs = in_prov(world)
    assert regs["T-01"].team == regs["T-02"].team == "NC-A"


def test_rejected_entry_in_the_higher_event_comes_back(world):
    rejected = registration(world.prov, world.weld, world.firm, "OLD-1", who=world.w2.person,
                            status=RegistrationStatus.REJECTED, rejection_reason="late")
    advance_from_feeder(world.prov, [world.w2.id])
    assert rejected.status == RegistrationStatus.APPROVED and rejected.feeder_registration_id == world.w2.id
    assert rejected.contestant_no == "OLD-1"


# --- the page -----------------------------------------------------------------------------------

PAGE = "/events/PROV/qualification"


def test_organizer_ticks_and_advances(client, world):
    login_en(client, "org")
    page = client.get(PAGE).get_data(as_text=True)
    assert "W-01" in page and "W-06" not in page  # only approved feeder entries are listed
    response = client.post(PAGE, data={"registration": [world.w1.id, world.c1.id], "skill-CNCX": "CNC",
                                       "skill-WELD": "WELD"})
    assert response.status_code == 302
    assert set(in_prov(world)) == {"W-01", "C-01"}
    assert "advanced as" in client.get(PAGE).get_data(as_text=True)


def test_page_shows_problems_and_saves_nothing(client, world):
    login_en(client, "org")
    response = client.post(PAGE, data={"registration": [world.w1.id, world.w2.id, world.w3.id]})
    assert response.status_code == 422 and "quota reached" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Registration)
                             .where(Registration.event_id == world.prov.id)) == 0


@pytest.mark.parametrize("username", ["nc-org", "expert"])
def test_page_is_for_the_higher_events_organizers(client, world, make, username):
    if username == "expert":
        make.user("expert", role=Role.EXPERT)
        db.session.commit()
    login_en(client, username)
    assert client.get(PAGE).status_code in (403, 404)
    assert client.post(PAGE, data={"registration": [world.w1.id]}).status_code in (403, 404)
    assert in_prov(world) == {}


def test_event_without_feeder_has_no_page(client, world):
    login_en(client, "org")
    assert client.get("/events/NC/qualification").status_code == 404
