"""Approving and rejecting proposals: one or many, all or none, audited; an approval makes a
skill-level record and sends ``promotion_approved``; decided proposals stay frozen on recompute."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from app.extensions import db
from app.people.models import SkillLevelRecord
from app.promotion.models import ProposalStatus
from app.promotion.services import PromotionError, approve, propose, reject
from app.signals import promotion_approved
from tests.marking.builders import audit_entries
from tests.promotion.world import WELD_OCCUPATION, promotion_world


def proposed(world):
    return {p.registration.contestant_no: p for p in propose(world.event)}


def test_approval_creates_a_level_record_audits_and_signals(make):
    world = promotion_world(make)
    rows = proposed(world)
    heard = []

    def listener(sender, **kw):
        heard.append((sender, kw))

    with promotion_approved.connected_to(listener):
        records = approve([rows["W-01"], rows["W-02"]], by="user:boss")
    db.session.commit()
    person = world.competitor("W-01").lead.person_id
    record = db.session.scalar(select(SkillLevelRecord).where(SkillLevelRecord.person_id == person))
    assert (record.occupation_code, record.level, record.obtained_on, record.source) == \
        (WELD_OCCUPATION, "level2", date(2026, 9, 1), "promotion:EV1")   # certificate_no: certificates' hook
    assert rows["W-01"].status == ProposalStatus.APPROVED and rows["W-01"].level_record_id == record.id
    assert rows["W-01"].decided_by == "user:boss"
    assert [r.level for r in records] == ["level2", "level1"]
    assert [(s, kw["proposal_id"]) for s, kw in heard] == [(world.event.id, rows["W-01"].id),
                                                          (world.event.id, rows["W-02"].id)]
    entries = audit_entries("promotion.approve")
    assert [(e.before["status"], e.after["status"]) for e in entries] == [("proposed", "approved")] * 2
    assert entries[0].after["level_record_id"] == record.id


def test_bulk_decisions_are_all_or_none(make):
    world = promotion_world(make)
    rows = proposed(world)
    with pytest.raises(PromotionError, match="W-03 has no promotion to approve"):
        approve([rows["W-01"], rows["W-03"]])
    assert rows["W-01"].status == ProposalStatus.PROPOSED
    assert db.session.scalars(select(SkillLevelRecord)).all() == []
    approve([rows["W-01"]])
    with pytest.raises(PromotionError, match="W-01 is already approved"):
        reject([rows["W-01"], rows["W-02"]], "late")
    assert rows["W-02"].status == ProposalStatus.PROPOSED


def test_reject_needs_a_reason_and_is_audited(make):
    world = promotion_world(make)
    rows = proposed(world)
    with pytest.raises(PromotionError, match="needs a reason"):
        reject([rows["W-02"]], "  ")
    reject([rows["W-02"], rows["W-03"]], "certificate of 技师 not verified", by="user:boss")
    assert rows["W-02"].status == ProposalStatus.REJECTED
    assert rows["W-02"].decision_reason == "certificate of 技师 not verified"
    assert [e.note for e in audit_entries("promotion.reject")] == ["certificate of 技师 not verified"] * 2
    assert db.session.scalars(select(SkillLevelRecord)).all() == []


def test_decided_proposals_are_frozen_on_recompute(make):
    world = promotion_world(make)
    rows = proposed(world)
    approve([rows["W-01"]])
    reject([rows["W-02"]], "no")
    db.session.commit()
    world.competitor("W-02").lead.current_level = None      # would change W-02's proposal
    world.competitor("W-04").lead.current_level = "level3"  # changes W-04's current level
    again = proposed(world)
    assert again["W-01"].status == ProposalStatus.APPROVED and again["W-01"].current_level is None
    assert again["W-01"].proposed_level == "level2"         # its own record is not its current level
    assert (again["W-02"].status, again["W-02"].current_level) == (ProposalStatus.REJECTED, "level2")
    assert again["W-04"].current_level == "level3"
    assert len(db.session.scalars(select(SkillLevelRecord)).all()) == 1
