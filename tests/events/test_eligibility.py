"""Each eligibility rule, accepted and refused, with its message located by row and column."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from app.errors import InputRefused
from app.events.eligibility import completed_years, delegation_of
from app.events.models import Registration, RegistrationStatus, SkillGroup
from app.events.registration import register_one, register_rows
from app.extensions import db
from app.people.models import Person
from app.units.models import UnitKind
from tests.events.contest import Contest, rows, values


@pytest.fixture()
def contest(ctx, make) -> Contest:
    return Contest(make)


def organizer(contest: Contest, *cells: dict[str, str]) -> list[Registration]:
    return register_rows(contest.event, rows(*cells), actor_is_organizer=True, unit_scope=None)


def unit_admin(contest: Contest, *cells: dict[str, str]) -> list[Registration]:
    from app.units.services import subtree_ids
    return register_rows(contest.event, rows(*cells), actor_is_organizer=False,
                         unit_scope=subtree_ids(contest.nc.id))


def refused(call, contest: Contest, *cells: dict[str, str]) -> list[str]:
    """The problems of a refused batch, as the command line prints them; checks nothing was saved."""
    with pytest.raises(InputRefused) as caught:
        call(contest, *cells)
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Registration)) == 0
    return [str(p) for p in caught.value.problems]


def refused_without_count(contest: Contest, *cells: dict[str, str]) -> list[str]:
    """The problems of an organizer's refused batch where earlier registrations exist."""
    with pytest.raises(InputRefused) as caught:
        organizer(contest, *cells)
    db.session.rollback()
    return [str(p) for p in caught.value.problems]


def existing(contest: Contest, **overrides: str) -> Registration:
    saved = organizer(contest, values(**overrides))[0]
    db.session.commit()
    return saved


# --- window -------------------------------------------------------------------------------------

def test_a_unit_registers_inside_the_window_and_waits_for_approval(contest):
    saved = unit_admin(contest, values())
    assert saved[0].status == RegistrationStatus.SUBMITTED and not saved[0].outside_window


def test_a_unit_is_refused_outside_the_window(contest):
    contest.event.registration_closes = date(2026, 8, 31)
    db.session.commit()
    assert refused(unit_admin, contest, values()) == [
        "registration: closed on 2026-08-31 (Asia/Shanghai); ask the organizer to register late entries"]


def test_a_unit_is_refused_before_the_window_opens(contest):
    contest.event.registration_opens = date(2026, 9, 2)
    db.session.commit()
    assert refused(unit_admin, contest, values()) == ["registration: opens on 2026-09-02; try again then"]


def test_the_organizer_registers_late_and_the_registration_says_so(contest):
    contest.event.registration_closes = date(2026, 8, 31)
    db.session.commit()
    saved = organizer(contest, values())
    assert saved[0].status == RegistrationStatus.APPROVED and saved[0].outside_window


# --- unit and skill -----------------------------------------------------------------------------

def test_unknown_unit_and_a_skill_of_another_event_are_refused(contest, make):
    make.skill(make.event("EV2", organizers=[contest.hrss]), "OTHERSKILL")
    db.session.commit()
    assert refused(organizer, contest, values(unit_code="NOPE", skill_code="OTHERSKILL")) == [
        "row 2, unit_code: unknown unit NOPE", "row 2, skill_code: no skill OTHERSKILL in event EV1"]


def test_a_unit_admin_registers_only_for_units_of_their_tree(contest):
    assert unit_admin(contest, values(unit_code="NC-E2"))
    assert refused(unit_admin, contest, values(unit_code="OT-E1")) == [
        "row 2, unit_code: OT-E1 is outside your unit's tree"]


# --- quota --------------------------------------------------------------------------------------

def test_quota_counts_earlier_rows_of_the_file(contest):
    assert len(organizer(contest, values(), values())) == 2
    db.session.rollback()
    assert refused(organizer, contest, values(), values(), values()) == [
        "row 4, unit_code: quota reached: NC-E1 may enter 2 contestants in WELD "
        "(0 registered, 2 earlier in this file)"]


def test_quota_counts_registrations_but_not_rejected_ones(contest):
    existing(contest)
    existing(contest).status = RegistrationStatus.REJECTED
    db.session.commit()
    assert organizer(contest, values())
    db.session.commit()
    assert refused_without_count(contest, values()) == [
        "row 2, unit_code: quota reached: NC-E1 may enter 2 contestants in WELD "
        "(2 registered, 0 earlier in this file)"]


def test_quota_counts_per_delegation_when_the_event_names_a_kind(contest):
    contest.event.delegation_kind = UnitKind.CITY
    db.session.commit()
    assert delegation_of(contest.e2, UnitKind.CITY) is contest.nc
    # The school has no city above it: it is its own delegation.
    assert delegation_of(contest.school, UnitKind.CITY) is contest.school
    assert refused(organizer, contest, values(unit_code="NC-E1"), values(unit_code="NC-E2"),
                   values(unit_code="NC-E2"), values(unit_code="JX-TC1")) == [
        "row 4, unit_code: quota reached: delegation JX-NC (of NC-E2) may enter 2 contestants in WELD "
        "(0 registered, 2 earlier in this file)"]
    assert len(organizer(contest, values(unit_code="NC-E1"), values(unit_code="NC-E2"),
                         values(unit_code="JX-TC1"), values(unit_code="JX-TC1"))) == 4


def test_quota_counts_teams_in_team_skills(contest):
    team_a = [values(skill_code="CARE", team="A") for _ in range(2)]
    team_b = [values(skill_code="CARE", team="B") for _ in range(2)]
    assert refused(organizer, contest, *team_a, *team_b) == [
        "row 4, unit_code: quota reached: NC-E1 may enter 1 teams in CARE "
        "(0 registered, 1 earlier in this file)"]
    assert len(organizer(contest, *team_a)) == 2


# --- age ----------------------------------------------------------------------------------------

def test_age_is_counted_in_completed_years_on_the_reference_date(contest):
    assert completed_years(date(2010, 10, 12), date(2026, 10, 12)) == 16
    assert completed_years(date(2010, 10, 13), date(2026, 10, 12)) == 15
    assert completed_years(date(2008, 2, 29), date(2026, 2, 28)) == 17
    assert organizer(contest, values(birth_date="2010-10-12"))
    db.session.rollback()
    assert refused(organizer, contest, values(birth_date="2010-10-13")) == [
        "row 2, birth_date: is 15 on 2026-10-12; WELD requires at least 16"]


def test_maximum_age(contest):
    cnc = {"skill_code": "CNC", "current_level": "level4"}
    assert organizer(contest, values(birth_date="2003-10-13", **cnc))
    db.session.rollback()
    assert refused(organizer, contest, values(birth_date="2003-10-12", **cnc)) == [
        "row 2, birth_date: is 23 on 2026-10-12; CNC allows at most 22"]


# --- ID numbers and persons ---------------------------------------------------------------------

def test_id_number_check_digit(contest):
    good = values()
    wrong = good["id_number"][:-1] + ("1" if good["id_number"][-1] != "1" else "2")
    assert refused(organizer, contest, dict(good, id_number=wrong)) == [
        "row 2, id_number: check digit does not match"]


def test_id_number_birth_date_and_gender_digit(contest):
    cells = values(birth_date="2000-05-01", gender="M")
    assert refused(organizer, contest, dict(cells, birth_date="2000-05-02", gender="F")) == [
        "row 2, id_number: birth date 2000-05-01 differs from birth_date 2000-05-02",
        "row 2, id_number: 17th digit says gender M, not F"]


def test_passport_numbers_are_not_checked_as_resident_ids(contest):
    saved = organizer(contest, values(id_type="passport", id_number="E12345678"))
    assert saved[0].person.id_type.value == "passport"


def test_one_person_enters_one_skill_per_event(contest):
    first = existing(contest)
    number = first.person.id_number
    assert refused_without_count(contest, values(id_number=number, name=first.person.name, skill_code="CARE",
                                                 team="A"), values(skill_code="CARE", team="A")) == [
        f"row 2, id_number: already registered in this event (bib {first.contestant_no}, skill WELD); "
        "a person enters one skill per event"]


def test_one_person_once_in_a_file(contest):
    cells = values()
    assert refused(organizer, contest, cells, dict(cells, contestant_no="B-999")) == [
        "row 3, id_number: already on row 2; a person enters one skill per event"]


def test_a_rejected_person_is_registered_again_on_the_same_registration(contest):
    first = existing(contest)
    first.status, first.rejection_reason = RegistrationStatus.REJECTED, "wrong unit"
    db.session.commit()
    again = organizer(contest, values(id_number=first.person.id_number, name=first.person.name,
                                      contestant_no=first.contestant_no, unit_code="NC-E2"))
    assert again[0].id == first.id and again[0].unit.code == "NC-E2"
    assert again[0].status == RegistrationStatus.APPROVED and again[0].rejection_reason is None


def test_a_known_person_keeps_their_name_and_gets_the_new_phone(contest):
    first = existing(contest, phone="13800000000")
    first.status = RegistrationStatus.REJECTED
    db.session.commit()
    assert refused_without_count(contest, values(id_number=first.person.id_number, name="别人")) == [
        "row 2, name: differs from the name on record for this ID number; check both"]
    organizer(contest, values(id_number=first.person.id_number, name=first.person.name, phone="13900000000"))
    assert db.session.scalar(select(Person.phone)) == "13900000000"


# --- bib numbers --------------------------------------------------------------------------------

def test_existing_bib_numbers_are_refused(contest):
    first = existing(contest, contestant_no="003")
    assert refused_without_count(contest, values(contestant_no="003")) == [
        "row 2, contestant_no: 003 is already taken in this event"]
    assert first.contestant_no == "003"


def test_a_bib_repeated_in_the_file_is_refused(contest):
    assert refused(organizer, contest, values(contestant_no="007"), values(contestant_no="007")) == [
        "row 3, contestant_no: 007 is already on row 2"]


# --- group, level -------------------------------------------------------------------------------

def test_group_must_match_the_skill(contest):
    assert refused(organizer, contest, values(group="student")) == [
        "row 2, group: WELD is for the employee group, not student"]
    saved = organizer(contest, values(group="职工组"), values(group=""))
    assert [r.group for r in saved] == [SkillGroup.EMPLOYEE, SkillGroup.EMPLOYEE]


def test_minimum_level(contest):
    student = {"skill_code": "CNC", "birth_date": "2006-03-01"}
    assert organizer(contest, values(current_level="高级工", **student))
    db.session.rollback()
    assert refused(organizer, contest, values(current_level="level5", **student), values(**student)) == [
        "row 2, current_level: level5 (初级工) is below level4 (中级工), which CNC requires",
        "row 3, current_level: is empty; CNC requires at least level4 (中级工)"]


# --- teams --------------------------------------------------------------------------------------

def test_a_team_needs_exactly_its_size_from_one_unit(contest):
    assert refused(organizer, contest, values(skill_code="CARE", team="A")) == [
        "row 2, team: team A in CARE has 1 member(s) (rows 2); it needs exactly 2"]
    assert refused(organizer, contest, values(skill_code="CARE", team="A"),
                   values(skill_code="CARE", team="A", unit_code="NC-E2")) == [
        "row 2, team: team A in CARE mixes units NC-E1, NC-E2; a team comes from one unit"]


def test_team_labels_belong_to_team_skills_only(contest):
    assert refused(organizer, contest, values(team="A"), values(skill_code="CARE")) == [
        "row 2, team: must be empty: WELD is not a team skill",
        "row 3, team: is empty; CARE is a team skill: give each team's 2 members the same label"]


def test_a_team_label_is_not_reused(contest):
    organizer(contest, values(skill_code="CARE", team="A"), values(skill_code="CARE", team="A"))
    db.session.commit()
    problems = refused_without_count(contest, values(skill_code="CARE", team="A", unit_code="NC-E2"),
                                     values(skill_code="CARE", team="A", unit_code="NC-E2"))
    assert problems[0] == ("row 2, team: team A already exists in CARE; teams are registered whole, "
                           "so use another label")


# --- employees of the organizers ----------------------------------------------------------------

def test_employees_of_organizers_only(contest, make):
    contest.event.employees_of_organizers_only = True
    make.unit("HRSS-D1", parent=contest.hrss)
    db.session.commit()
    assert organizer(contest, values(unit_code="HRSS-D1"))
    db.session.rollback()
    assert refused(organizer, contest, values(unit_code="NC-E1")) == [
        "row 2, unit_code: NC-E1 is neither an organizer of this event nor below one; "
        "the event admits only the organizers' own employees"]


# --- values in Chinese, and the form's path -----------------------------------------------------

def test_chinese_values_are_read(contest):
    saved = organizer(contest, values(gender="女", group="职工"),
                      values(skill_code="CNC", birth_date="2006-03-01", gender="男", group="学生",
                             current_level="高级工"))
    assert [r.person.gender.value for r in saved] == ["F", "M"]
    assert [r.group.value for r in saved] == ["employee", "student"]
    assert saved[1].current_level == "level3"


def test_unreadable_values_are_named(contest):
    cells = values(gender="X", group="学徒", current_level="大师", birth_date="2000/05/01", id_type="身份证",
                   id_number="E1234567")
    assert refused(organizer, contest, cells) == [
        "row 2, id_type: '身份证' is not one of resident, hmt_residence, hmt_permit, passport, "
        "foreign_permanent",
        "row 2, current_level: '大师' is not a skill level; use a code (level4) or a Chinese name (中级工)",
        "row 2, birth_date: '2000/05/01' is not a date YYYY-MM-DD",
        "row 2, gender: 'X' is not one of M, F, 男, 女",
        "row 2, group: '学徒' is not one of employee, student, 职工, 学生"]


def test_the_form_path_names_fields_not_rows(contest):
    with pytest.raises(InputRefused) as caught:
        register_one(contest.event, values(name="", birth_date="2015-01-01"), actor_is_organizer=True,
                     unit_scope=None)
    problems = {(p.where, str(p.message)) for p in caught.value.problems}
    assert ("name", "is empty") in problems
    assert ("birth_date", "is 11 on 2026-10-12; WELD requires at least 16") in problems
