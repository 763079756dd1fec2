"""Issuing: final results only, numbering per certificates.md (issuer, year, sequence order skill code,
rank, contestant_no), re-issue keeping numbers, participation on request, sequences never reused,
revocation audited, an amended result revoking and reissuing, level certificates."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from app.audit import AuditEntry
from app.certificates.issuing import (
    CertificateError,
    issue_for_results,
    issue_level_certificate,
    revoke,
)
from app.certificates.models import Certificate, CertificateKind, CertificateSequence, CertificateStatus
from app.extensions import db
from app.people.models import SkillLevelRecord
from app.results.amendment import amend
from app.results.publication import publish
from tests.certificates.world import final_world, level_record
from tests.results.builders import finished_world

AWARD, PARTICIPATION = CertificateKind.AWARD, CertificateKind.PARTICIPATION


def numbers(result) -> dict[str, str]:
    return {c.contestant_no: c.number for c in result.certificates}


def test_refused_before_final_results(make):
    world = finished_world(make)
    with pytest.raises(CertificateError, match="final results"):
        issue_for_results(world.event)
    publish(world.event, skill=world.weld)  # provisional
    with pytest.raises(CertificateError, match="not final yet: WELD"):
        issue_for_results(world.event, world.weld)


def test_award_numbers_follow_skill_code_then_rank_then_bib(make):
    world = final_world(make)
    result = issue_for_results(world.event)
    db.session.commit()
    # CARE before WELD (skill code); T1 won, both members in bib order; then WELD by rank.
    awarded = sorted(result.certificates, key=lambda c: c.number)
    assert [c.contestant_no for c in awarded][:2] == ["C-01", "C-02"]       # CARE before WELD; T1 won
    assert [c.contestant_no for c in awarded][-3:] == ["W-01", "W-02", "W-03"]  # then WELD by rank
    assert [c.number for c in awarded] == [f"JX-HRSS2026A{n:06d}" for n in range(1, len(awarded) + 1)]
    by_bib = {c.contestant_no: c for c in result.certificates}
    gold = by_bib["W-01"]
    assert gold.kind == AWARD and gold.award_or_level == "gold" and gold.issuer.code == "JX-HRSS"
    assert gold.content["issuer"] == world.hrss.name and gold.content["event"] == world.event.name
    assert gold.content["skill"] == world.weld.name and gold.content["issue_date"] == "2026-09-01"
    assert gold.id_masked == gold.content["id_masked"] and "*" in gold.id_masked


def test_order_is_rank_within_a_skill(make):
    world = final_world(make, care=False)
    result = issue_for_results(world.event, world.weld)
    assert numbers(result) == {"W-01": "JX-HRSS2026A000001", "W-02": "JX-HRSS2026A000002",
                               "W-03": "JX-HRSS2026A000003"}


def test_issuing_again_keeps_numbers_and_continues_only_for_new_ones(make):
    world = final_world(make, care=False)
    first = numbers(issue_for_results(world.event, world.weld))
    db.session.commit()
    again = issue_for_results(world.event, world.weld)
    assert numbers(again) == first and again.new == 0 and again.kept == 3
    with_participation = issue_for_results(world.event, world.weld, [AWARD, PARTICIPATION])
    db.session.commit()
    assert numbers(with_participation) == first  # W-04 was absent: no participation certificate
    assert db.session.scalar(select(CertificateSequence.last).where(
        CertificateSequence.prefix == "JX-HRSS2026A")) == 3


def test_participation_for_competitors_without_an_award(make):
    world = finished_world(make, care=False, awards={"bands": [{"award": "gold", "top_percent": 33}]})
    publish(world.event, skill=world.weld, final=True)
    result = issue_for_results(world.event, world.weld, [AWARD, PARTICIPATION])
    kinds = {c.contestant_no: (c.kind, c.number) for c in result.certificates}
    assert kinds == {"W-01": (AWARD, "JX-HRSS2026A000001"),
                     "W-02": (PARTICIPATION, "JX-HRSS2026P000001"),
                     "W-03": (PARTICIPATION, "JX-HRSS2026P000002")}


def test_revocation_needs_a_reason_and_is_audited(make):
    world = final_world(make, care=False)
    certificate = issue_for_results(world.event, world.weld).certificates[0]
    with pytest.raises(CertificateError, match="reason"):
        revoke(certificate, "  ")
    revoke(certificate, "printed with a typo")
    assert certificate.status == CertificateStatus.REVOKED and certificate.revoked_reason == "printed with a typo"
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "certificate.revoke"))
    assert entry.entity_id == certificate.number and entry.note == "printed with a typo"
    with pytest.raises(CertificateError, match="revoked already"):
        revoke(certificate, "again")


def test_a_revoked_number_is_never_reused(make):
    world = final_world(make, care=False)
    first = issue_for_results(world.event, world.weld)
    revoke(first.certificates[0], "lost")
    again = issue_for_results(world.event, world.weld)
    assert numbers(again)["W-01"] == "JX-HRSS2026A000004"
    assert again.certificates[0].number != first.certificates[0].number


def test_an_amended_result_revokes_changed_certificates_and_reissues_them(make):
    world = final_world(make, care=False)
    before = numbers(issue_for_results(world.event, world.weld))
    db.session.commit()
    amend(world.weld, "W-01", "doping", disqualify=True)   # result_amended → certificates
    db.session.commit()
    held = {c.number: c for c in db.session.scalars(select(Certificate))}
    old_gold = held[before["W-01"]]
    assert old_gold.status == CertificateStatus.REVOKED and old_gold.replaced_by is None
    assert old_gold.revoked_reason == "doping"  # the amendment's own reason
    moved = {bib: held[before[bib]] for bib in ("W-02", "W-03")}
    for certificate in moved.values():  # silver → gold, bronze → silver: new numbers
        assert certificate.status == CertificateStatus.REVOKED
        assert certificate.replaced_by is not None and certificate.replaced_by.status == CertificateStatus.ISSUED
    assert moved["W-02"].replaced_by.award_or_level == "gold"
    assert moved["W-02"].replaced_by.number == "JX-HRSS2026A000004"
    assert moved["W-03"].replaced_by.number == "JX-HRSS2026A000005"


def test_an_amendment_of_a_skill_never_issued_issues_nothing(make):
    world = final_world(make, care=False)
    amend(world.weld, "W-01", "doping", disqualify=True)
    assert db.session.scalars(select(Certificate)).all() == []


def test_level_certificate_numbered_by_the_evaluation_body(make):
    world = final_world(make, care=False)
    body = make.unit("JX-EVAL")
    world.event.level_certificate_issuer = body
    record = level_record(world)
    certificate = issue_level_certificate(record, world.event, world.weld)
    assert certificate.number == "JX-EVAL20263000001" and record.certificate_no == certificate.number
    assert certificate.kind == CertificateKind.LEVEL and certificate.content["award_or_level"] == "level3"
    assert issue_level_certificate(record, world.event, world.weld) is certificate
    other = SkillLevelRecord(person=record.person, occupation_code="X", level="principal", source="promotion")
    db.session.add(other)
    db.session.flush()
    with pytest.raises(CertificateError, match="level5"):
        issue_level_certificate(other, world.event)
