"""Self-registration: an individual enters an enterprise or school contest on a public page; every
eligibility rule applies, the entry waits as ``submitted`` with an allocated bib, the form is
throttled per address, and every refusal path (and a tampered form) is tried.

Today is 2026-09-01 (the frozen clock); the window runs 2026-08-01 – 2026-09-15.
"""
from __future__ import annotations

import threading
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from app import clock
from app.audit import AuditEntry
from app.auth.models import Role
from app.events.models import Registration, RegistrationStatus, SelfRegistrationTry, SkillGroup
from app.events.registration import register_rows
from app.events.self_registration import next_bib
from app.extensions import db
from app.people.models import Person
from app.units.models import UnitKind
from tests.conftest import FROZEN_NOW, login
from tests.events.contest import id_number, rows, values

URL = "/events/ENT1/self-register"


class Company:
    """ACME (enterprise, organizer) → ACME-D1, ACME-D2 (departments); RIVAL → RIVAL-D1. Event ENT1
    (enterprise tier, self-registration allowed, employees of the organizer only) with WELD
    (employee, 16+, one per unit), CNC (solo) and CARE (teams of two). Accounts: ``org`` (organizer)
    and ``acme-admin`` (the company's unit administrator)."""

    def __init__(self, make):
        self.acme = make.unit("ACME", kind=UnitKind.ENTERPRISE, name="江铃汽车")
        self.d1 = make.unit("ACME-D1", kind=UnitKind.OTHER, parent=self.acme, name="焊装车间")
        self.d2 = make.unit("ACME-D2", kind=UnitKind.OTHER, parent=self.acme, name="总装车间")
        self.rival = make.unit("RIVAL", kind=UnitKind.ENTERPRISE)
        self.rival_d1 = make.unit("RIVAL-D1", kind=UnitKind.OTHER, parent=self.rival)
        self.event = make.event("ENT1", organizers=[self.acme], tier="enterprise", event_class=None,
                                self_registration=True, employees_of_organizers_only=True, name="岗位练兵")
        self.weld = make.skill(self.event, "WELD", group=SkillGroup.EMPLOYEE, quota_per_unit=1, min_age=16)
        self.cnc = make.skill(self.event, "CNC", quota_per_unit=3)
        self.care = make.skill(self.event, "CARE", team_size=2, quota_per_unit=1)
        make.user("org", role=Role.ORGANIZER, unit=self.acme)
        make.user("acme-admin", role=Role.UNIT_ADMIN, unit=self.acme)
        db.session.commit()


@pytest.fixture()
def company(ctx, make) -> Company:
    return Company(make)


@pytest.fixture()
def en(client):
    """An anonymous visitor reading the English pages."""
    client.get("/lang/en")
    return client


def form(**overrides: str) -> dict[str, str]:
    born = overrides.get("birth_date", "1995-03-04")
    cells = {"unit_code": "ACME-D1", "skill_code": "WELD", "name": "王志强", "id_type": "resident",
             "birth_date": born, "gender": "M", "group": "", "current_level": "",
             "current_level_cert_no": "", "phone": "13907910001"}
    cells.update(overrides)
    cells.setdefault("id_number", id_number(born, cells["gender"] == "M"))
    return cells


def saved() -> list[Registration]:
    db.session.expire_all()
    return list(db.session.scalars(select(Registration).order_by(Registration.contestant_no)))


def persons() -> int:
    return db.session.scalar(select(func.count(Person.id)))


def error_under(page: str, field: str) -> str:
    """The text of the field's block: from its input to the end of its ``div.field``."""
    start = page.index(f'name="{field}"')
    return page[start:page.index("</div>", start)]


# --- the allowed path ---------------------------------------------------------------------------

def test_the_page_offers_the_organizers_units_and_solo_skills(en, company):
    response = en.get(URL)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert all(f'value="{code}"' in page for code in ("ACME", "ACME-D1", "ACME-D2"))
    assert 'value="RIVAL' not in page
    assert 'value="WELD"' in page and 'value="CNC"' in page and 'value="CARE"' not in page
    assert 'name="contestant_no"' not in page and 'name="team"' not in page
    assert "Team skills are not listed" in page


def test_a_valid_submission_is_submitted_with_a_bib_and_audited(en, company):
    cells = form()
    response = en.post(URL, data=cells)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/events/ENT1/self-register/done")
    [registration] = saved()
    assert registration.contestant_no == "WELD-S001" and registration.unit.code == "ACME-D1"
    assert registration.status == RegistrationStatus.SUBMITTED and registration.self_registered
    assert registration.group == SkillGroup.EMPLOYEE and registration.person.phone == "13907910001"
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "registration.create"))
    assert entry.actor == f"self:{cells['id_number'][-4:]}" and entry.event_id == company.event.id
    assert entry.after["status"] == "submitted" and entry.after["self_registered"] is True
    assert entry.after["contestant_no"] == "WELD-S001"
    person = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "person.create"))
    assert person.actor == entry.actor

    done = en.get(response.headers["Location"])
    page = done.get_data(as_text=True)
    assert done.status_code == 200 and "WELD-S001" in page and "王志强" in page
    assert "The organizer reviews every entry" in page and "/results/ENT1/me" in page
    assert done.headers["Cache-Control"] == "private, no-store"


def test_the_confirmation_page_needs_this_browsers_submission(en, company):
    response = en.get("/events/ENT1/self-register/done")
    assert response.status_code == 302 and response.headers["Location"].endswith(URL)


def test_two_submissions_get_different_bibs_after_the_highest(en, company):
    earlier = values(unit_code="ACME-D2", skill_code="CNC", contestant_no="CNC-S007")
    register_rows(company.event, rows(earlier), actor_is_organizer=True, unit_scope=None)
    db.session.commit()
    assert en.post(URL, data=form(skill_code="CNC", name="甲")).status_code == 302
    assert en.post(URL, data=form(skill_code="CNC", name="乙", unit_code="ACME-D2")).status_code == 302
    assert en.post(URL, data=form(name="丙")).status_code == 302
    assert [r.contestant_no for r in saved()] == ["CNC-S007", "CNC-S008", "CNC-S009", "WELD-S001"]


def test_bibs_of_other_shapes_and_skills_do_not_count(company, make):
    other = make.skill(company.event, "WELD2")
    for bib, skill in (("WELD-S12x", company.weld), ("WELD-S3", company.weld), ("WELD2-S040", other),
                       ("XWELD-S900", company.cnc)):
        db.session.add(Registration(event=company.event, skill=skill, unit=company.d1, contestant_no=bib,
                                    person=Person(id_number=bib, name=bib)))
    db.session.flush()
    assert next_bib(company.event, company.weld) == "WELD-S004"
    assert next_bib(company.event, other) == "WELD2-S041"


def test_people_submitting_at_the_same_moment_get_distinct_bibs(app, company):
    barrier = threading.Barrier(6)
    answers: list[int] = []

    def person(n: int) -> None:
        client = app.test_client()  # its own app context and session
        barrier.wait()
        response = client.post(URL, data=form(skill_code="CNC", name=f"选手{n}",
                                              unit_code=("ACME", "ACME-D1", "ACME-D2")[n % 3]),
                               environ_base={"REMOTE_ADDR": f"10.0.0.{n}"})
        answers.append(response.status_code)

    threads = [threading.Thread(target=person, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert answers == [302] * 6
    assert [r.contestant_no for r in saved()] == [f"CNC-S{n:03d}" for n in range(1, 7)]


# --- not offered --------------------------------------------------------------------------------

@pytest.mark.parametrize("method", ["get", "post"])
def test_an_event_that_does_not_allow_it_has_no_page(en, company, method):
    company.event.self_registration = False
    db.session.commit()
    assert getattr(en, method)(URL, data=form()).status_code == 404
    assert saved() == []


@pytest.mark.parametrize("tier, effective", [("provincial", None), ("municipal", None),
                                             ("special", "provincial")])
def test_a_higher_tier_has_no_page_even_with_the_flag(en, company, tier, effective):
    company.event.tier, company.event.effective_tier = tier, effective
    company.event.event_class = "1" if tier != "special" else None
    db.session.commit()
    assert en.get(URL).status_code == 404
    assert en.post(URL, data=form()).status_code == 404
    assert saved() == [] and db.session.scalar(select(func.count(SelfRegistrationTry.id))) == 0


def test_a_special_contest_at_school_level_counts_as_a_school_contest(en, company):
    company.event.tier, company.event.effective_tier, company.event.event_class = "special", "school", None
    db.session.commit()
    assert en.get(URL).status_code == 200


def test_an_unknown_event_has_no_page(en, company):
    assert en.get("/events/NOPE/self-register").status_code == 404


@pytest.mark.parametrize("opens, closes, says", [
    (date(2026, 8, 1), date(2026, 8, 31), "closed on 2026-08-31"),
    (date(2026, 9, 2), date(2026, 9, 30), "opens on 2026-09-02"),
    (None, None, "Registration dates for 岗位练兵 are not set yet")])
def test_outside_the_window_a_page_says_why_and_nothing_is_saved(en, company, opens, closes, says):
    company.event.registration_opens, company.event.registration_closes = opens, closes
    db.session.commit()
    page = en.get(URL)
    assert page.status_code == 403 and says in page.get_data(as_text=True)
    response = en.post(URL, data=form())
    assert response.status_code == 403 and says in response.get_data(as_text=True)
    assert saved() == []


def test_the_closing_day_is_included_until_midnight_in_shanghai(en, company):
    company.event.registration_closes = date(2026, 9, 1)
    db.session.commit()
    with clock.frozen(datetime(2026, 9, 1, 23, 59, 59, tzinfo=clock.SHANGHAI)):
        assert en.post(URL, data=form()).status_code == 302
    with clock.frozen(datetime(2026, 9, 2, 0, 0, 0, tzinfo=clock.SHANGHAI)):
        assert en.get(URL).status_code == 403


# --- eligibility: the units' messages, under the fields -----------------------------------------

def test_a_wrong_check_digit_is_shown_under_the_id_number_and_nothing_is_saved(en, company):
    good = id_number("1995-03-04")
    wrong = good[:17] + ("0" if good[17] != "0" else "1")
    response = en.post(URL, data=form(id_number=wrong))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "check digit does not match" in error_under(page, "id_number")
    assert saved() == [] and persons() == 0


def test_one_skill_per_person(en, company):
    cells = form()
    assert en.post(URL, data=cells).status_code == 302
    page = en.post(URL, data=cells | {"skill_code": "CNC"}).get_data(as_text=True)
    # A public form never names another entry's bib or skill.
    assert "already registered in this event; a person enters one skill per event" in error_under(page, "id_number")
    assert "WELD-S001" not in page
    assert len(saved()) == 1


def test_quota_per_unit(en, company):
    assert en.post(URL, data=form(name="甲")).status_code == 302
    page = en.post(URL, data=form(name="乙")).get_data(as_text=True)
    assert "quota reached: ACME-D1 may enter 1 contestants in WELD" in error_under(page, "unit_code")
    assert len(saved()) == 1


def test_age_and_group_rules_apply(en, company):
    page = en.post(URL, data=form(birth_date="2012-01-01", group="student")).get_data(as_text=True)
    assert "is 14 on 2026-10-12; WELD requires at least 16" in error_under(page, "birth_date")
    assert "WELD is for the employee group, not student" in error_under(page, "group")
    assert saved() == []


def test_a_known_person_must_match_the_record(en, company):
    cells = form()
    assert en.post(URL, data=cells).status_code == 302
    [first] = saved()
    first.status = RegistrationStatus.REJECTED  # the person is on record, no longer entered
    company.event.skill("WELD").quota_per_unit = 5
    db.session.commit()
    page = en.post(URL, data=cells | {"name": "别人"}).get_data(as_text=True)
    assert "differs from the name on record for this ID number" in error_under(page, "name")


# --- tampered forms -----------------------------------------------------------------------------

@pytest.mark.parametrize("unit", ["RIVAL-D1", "RIVAL", "NOPE"])
def test_a_unit_outside_the_organizers_tree_is_refused(en, company, unit):
    page = en.post(URL, data=form(unit_code=unit)).get_data(as_text=True)
    assert "choose your unit from the list" in error_under(page, "unit_code")
    assert saved() == [] and persons() == 0


def test_unit_and_skill_are_chosen_not_defaulted(en, company):
    page = en.get(URL).get_data(as_text=True)
    assert '<select id="unit_code" name="unit_code"><option value="">' in page
    assert '<select id="skill_code" name="skill_code"><option value="">' in page
    page = en.post(URL, data=form(unit_code="", skill_code="")).get_data(as_text=True)
    assert "is empty" in error_under(page, "unit_code") and "is empty" in error_under(page, "skill_code")
    assert saved() == []


def test_a_team_skill_is_refused(en, company):
    page = en.post(URL, data=form(skill_code="CARE")).get_data(as_text=True)
    assert "team skills are registered by the unit" in error_under(page, "skill_code")
    assert saved() == []


def test_extra_fields_cannot_set_the_status_bib_or_team(en, company):
    cells = form() | {"status": "approved", "contestant_no": "VIP-1", "team": "A", "self_registered": "",
                      "outside_window": "1", "attendance": "absent"}
    assert en.post(URL, data=cells).status_code == 302
    [registration] = saved()
    assert registration.status == RegistrationStatus.SUBMITTED and registration.contestant_no == "WELD-S001"
    assert registration.team is None and registration.self_registered and not registration.outside_window
    assert registration.attendance.value == "competed"


# --- throttle -----------------------------------------------------------------------------------

def test_too_many_submissions_from_one_address_are_refused_for_an_hour(app, en, company, monkeypatch):
    monkeypatch.setitem(app.config, "SELF_REGISTRATION_MAX_PER_HOUR", 3)
    bad = form(birth_date="2012-01-01")
    for _ in range(3):  # refused submissions count too
        assert en.post(URL, data=bad).status_code == 200
    response = en.post(URL, data=form())
    assert response.status_code == 429
    assert "too many registrations from this network: at most 3 an hour" in response.get_data(as_text=True)
    assert saved() == []
    other = en.post(URL, data=form(name="乙", unit_code="ACME-D2"), environ_base={"REMOTE_ADDR": "10.9.9.9"})
    assert other.status_code == 302
    with clock.frozen(FROZEN_NOW + timedelta(minutes=61)):
        assert en.post(URL, data=form()).status_code == 302
    assert len(saved()) == 2


def test_a_form_without_its_fields_is_not_counted(en, company):
    assert en.post(URL, data={"unit_code": "ACME-D1"}).status_code == 200
    assert db.session.scalar(select(func.count(SelfRegistrationTry.id))) == 0


# --- where it shows -----------------------------------------------------------------------------

def test_the_organizer_sees_the_entry_marked_and_approves_it(client, en, company):
    assert en.post(URL, data=form()).status_code == 302
    login(client, "org")
    page = client.get("/registrations/ENT1").get_data(as_text=True)
    assert "WELD-S001" in page and "self-registered" in page
    [registration] = saved()
    client.post("/registrations/ENT1/review", data={"action": "approve", "registrations": [registration.id]})
    assert saved()[0].status == RegistrationStatus.APPROVED


def test_the_unit_sees_the_entry_marked(client, en, company):
    assert en.post(URL, data=form()).status_code == 302
    login(client, "acme-admin")
    page = client.get("/registrations/ENT1/entries").get_data(as_text=True)
    assert "WELD-S001" in page and "self-registered" in page


def test_the_login_page_and_the_event_page_link_to_it(client, en, company):
    page = en.get("/login").get_data(as_text=True)
    assert "Self-registration open" in page and URL in page and "岗位练兵" in page
    login(client, "org")
    assert "http://localhost:5000" + URL in client.get("/events/ENT1").get_data(as_text=True)


def test_no_link_when_it_is_not_allowed_or_not_open(client, en, company):
    company.event.registration_closes = date(2026, 8, 31)
    db.session.commit()
    assert URL not in en.get("/login").get_data(as_text=True)
    login(client, "org")
    page = client.get("/events/ENT1").get_data(as_text=True)
    assert "closed on 2026-08-31" in page
    company.event.self_registration = False
    db.session.commit()
    assert URL not in client.get("/events/ENT1").get_data(as_text=True)


def test_a_known_persons_record_is_not_changed_from_the_public_form(en, company):
    cells = form()
    db.session.add(Person(id_type="resident", id_number=cells["id_number"], name="王志强", phone="13800000000"))
    db.session.commit()
    assert en.post(URL, data=cells).status_code == 302
    [registration] = saved()
    assert registration.person.phone == "13800000000" and persons() == 1
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "person.update")) is None
