"""An amended final result revokes the affected approved promotions (level record deleted, audited,
``promotion_revoked`` sent) and proposes again; unaffected approvals stay."""
from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.people.models import SkillLevelRecord
from app.promotion.models import ProposalStatus
from app.promotion.services import approve, propose
from app.results.amendment import amend
from app.signals import promotion_revoked
from tests.marking.builders import audit_entries
from tests.promotion.world import promotion_world


def test_a_disqualification_revokes_and_reproposes(make):
    world = promotion_world(make)
    rows = {p.registration.contestant_no: p for p in propose(world.event)}
    approve([rows["W-01"], rows["W-02"]])
    db.session.commit()
    heard = []

    def listener(sender, **kw):
        heard.append(kw)

    with promotion_revoked.connected_to(listener):
        amend(world.weld, "W-01", "doping", disqualify=True)
    db.session.commit()
    w01, w02 = rows["W-01"], rows["W-02"]
    db.session.refresh(w01)
    db.session.refresh(w02)
    assert (w01.status, w01.proposed_level, w01.level_record_id) == (ProposalStatus.PROPOSED, None, None)
    assert w01.revoked_reason == "doping" and w01.revoked_at is not None
    assert str(w01.message) == "no promotion: not ranked (did not compete)"
    # W-02 moves from silver to gold: still 技师 → 高级技师 under the same rule, so the approval stays.
    assert w02.status == ProposalStatus.APPROVED and w02.level_record_id is not None
    records = db.session.scalars(select(SkillLevelRecord)).all()
    assert [(r.person_id, r.level) for r in records] == [(w02.person_id, "level1")]
    assert [(kw["proposal_id"], kw["level"]) for kw in heard] == [(w01.id, "level2")]
    entry = audit_entries("promotion.revoke")[0]
    assert entry.before["status"] == "approved" and entry.before["level_record"]["level"] == "level2"
    assert entry.after["status"] == "proposed"


def test_an_event_without_proposals_is_left_alone(make):
    world = promotion_world(make)
    amend(world.weld, "W-01", "doping", disqualify=True)
    db.session.commit()
    assert audit_entries("promotion.revoke") == [] and audit_entries("promotion.propose") == []
