"""Proposals from final results: stored, refused before final or without a (known) rule set,
one promotion a year across events, and the ``promotion propose`` JSON (formats.md).

Hand-worked under hunan-2022 (see tests/promotion/world.py): W-01 gold, no level → 技师 (level2);
W-02 silver, holds 技师 → 高级技师 (level1); W-03 bronze, holds 高级技师 → none (already above);
W-04 absent → none (not ranked); the CARE teams are students, whom hunan-2022 does not cover.
"""
from __future__ import annotations

import json
from datetime import date

import pytest

from app.errors import DomainError
from app.events.models import Registration, SkillGroup
from app.extensions import db
from app.people.models import SkillLevelRecord
from app.promotion.models import ProposalStatus
from app.promotion.services import PromotionError, not_final, proposals_of, propose
from app.results.publication import publish
from tests.marking.builders import audit_entries, run
from tests.promotion.world import WELD_OCCUPATION, promotion_world

EXPECTED = {
    "W-01": (None, "level2", "excellence-or-better", "award gold → 技师 (hunan-2022)"),
    "W-02": ("level2", "level1", "excellence-or-better", "award silver, already 技师 → 高级技师 (hunan-2022)"),
    "W-03": ("level1", None, "excellence-or-better",
             "no promotion: already 高级技师; award bronze gives 技师, or 高级技师 to a holder of 技师 (hunan-2022)"),
    "W-04": (None, None, None, "no promotion: not ranked (did not compete)"),
}
STUDENTS = "no promotion: award %s meets rule excellence-or-better, which covers employees only (hunan-2022)"


def test_proposals_from_final_results(make):
    world = promotion_world(make)
    proposals = propose(world.event)
    db.session.commit()
    by_bib = {p.registration.contestant_no: p for p in proposals}
    assert sorted(by_bib) == ["C-01", "C-02", "C-03", "C-04", "W-01", "W-02", "W-03", "W-04"]
    for bib, (current, proposed, rule, reason) in EXPECTED.items():
        p = by_bib[bib]
        assert (p.current_level, p.proposed_level, p.rule, str(p.message)) == (current, proposed, rule, reason)
        assert p.status == ProposalStatus.PROPOSED and p.rule_set == "hunan-2022" and p.rule_set_version == 0
    for bib, award in (("C-01", "gold"), ("C-02", "gold"), ("C-03", "silver"), ("C-04", "silver")):
        assert str(by_bib[bib].message) == STUDENTS % award        # every team member has a row
    assert by_bib["W-01"].message.template == "%(placing)s → %(level)s (%(rule_set)s)"   # translatable
    assert [e.after["proposals"] for e in audit_entries("promotion.propose")] == [8]


def test_a_team_member_gets_the_team_placing(make):
    world = promotion_world(make)
    world.care.group = None                               # the registration's group decides
    for registration in db.session.scalars(db.select(Registration).where(Registration.skill_id == world.care.id)):
        registration.group = SkillGroup.EMPLOYEE
    by_bib = {p.registration.contestant_no: p for p in propose(world.event)}
    assert [by_bib[b].proposed_level for b in ("C-01", "C-02", "C-03", "C-04")] == ["level2"] * 4
    assert str(by_bib["C-02"].message) == "award gold → 技师 (hunan-2022)"


def test_proposed_per_final_skill_and_refused_while_none_is_final(make):
    world = promotion_world(make, final=False)
    with pytest.raises(PromotionError, match="not final: CARE, WELD"):
        propose(world.event)
    publish(world.event, skill=world.weld, final=True)
    publish(world.event, skill=world.care)                # provisional only
    proposals = propose(world.event)
    assert proposals and {p.skill.code for p in proposals} == {"WELD"}
    assert not_final(world.event) == ["CARE"]


def test_refused_without_a_rule_set_and_for_an_unknown_one(make):
    world = promotion_world(make, rules=None)
    with pytest.raises(PromotionError, match="has no promotion rule set"):
        propose(world.event)
    world.event.promotion_rules = "atlantis-2099"
    with pytest.raises(DomainError, match="unknown promotion rule set atlantis-2099"):
        propose(world.event)


def test_one_promotion_a_year_across_events(make):
    world = promotion_world(make, rules="tianjin-2024", tier="municipal")
    earlier = make.event("EV0", organizers=[world.hrss], tier="municipal", starts_on=date(2026, 5, 10))
    older = make.event("EV-2025", organizers=[world.hrss], tier="municipal", starts_on=date(2025, 5, 10))
    w01, w02 = (world.competitor(b).lead.person_id for b in ("W-01", "W-02"))
    db.session.add(SkillLevelRecord(person_id=w01, occupation_code="X-1", level="level4",
                                    obtained_on=date(2026, 6, 1), source=f"promotion:{earlier.code}"))
    db.session.add(SkillLevelRecord(person_id=w02, occupation_code="X-1", level="level4",
                                    obtained_on=date(2025, 6, 1), source=f"promotion:{older.code}"))
    by_bib = {p.registration.contestant_no: p for p in propose(world.event)}
    assert by_bib["W-01"].proposed_level is None
    assert str(by_bib["W-01"].message).startswith("no promotion: already promoted in 2026 by EV0, and tianjin-2024 "
                                                  "allows one promotion a year")
    assert by_bib["W-02"].proposed_level == "level1"      # promoted in 2025: this year is free; holds 技师
    assert by_bib["W-03"].proposed_level is None          # already 高级技师


def test_propose_cli_prints_formats_json_and_stores(make):
    world = promotion_world(make)
    result = run("promotion", "propose", "EV1", "--format", "json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["event"] == "EV1" and doc["rules"] == "hunan-2022"
    rows = {p["contestant_no"]: p for p in doc["proposals"]}
    assert len(doc["proposals"]) == 8 and len(rows) == 8
    for bib, (current, proposed, rule, reason) in EXPECTED.items():
        assert rows[bib] == {"contestant_no": bib, "current_level": current, "proposed_level": proposed,
                             "rule": rule, "reason": reason}
    assert len(proposals_of(world.event)) == 8           # stored, as formats.md's table says


def test_propose_cli_refusals_exit_1(make):
    world = promotion_world(make, final=False)
    result = run("promotion", "propose", "EV1")
    assert result.exit_code == 1 and "not final: CARE, WELD" in result.stderr and result.stdout == ""
    world.event.promotion_rules = "atlantis-2099"
    publish(world.event, final=True)
    db.session.commit()
    result = run("promotion", "propose", "EV1")
    assert result.exit_code == 1 and "unknown promotion rule set atlantis-2099" in result.stderr
    assert proposals_of(world.event) == []


def test_propose_cli_exits_3_naming_the_skills_still_waiting(make):
    world = promotion_world(make, final=False)
    publish(world.event, skill=world.weld, final=True)
    db.session.commit()
    result = run("promotion", "propose", "EV1")
    assert result.exit_code == 3 and "not final yet, no proposals: CARE" in result.stderr
    assert {p["contestant_no"][0] for p in json.loads(result.stdout)["proposals"]} == {"W"}


def test_a_level_in_another_occupation_counts_as_none(make):
    world = promotion_world(make)
    person = world.competitor("W-03").lead.person_id
    world.competitor("W-03").lead.current_level = None
    db.session.add(SkillLevelRecord(person_id=person, occupation_code="OTHER", level="level1", source="import"))
    db.session.add(SkillLevelRecord(person_id=person, occupation_code=WELD_OCCUPATION, level="level3",
                                    source="import"))
    by_bib = {p.registration.contestant_no: p for p in propose(world.event)}
    assert (by_bib["W-03"].current_level, by_bib["W-03"].proposed_level) == ("level3", "level2")
