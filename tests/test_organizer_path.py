"""The organizer's way, end to end through the command line (issue 20): a team skill with a theory
component, from the event file (weights as integers, as formats.md shows them) to the certificates,
then an amendment whose reason reaches every certificate and approved promotion it revokes.

Numbers chosen so that rounding is tested on the exact value: team T1 scores 85.15 in theory and
75.00 in practice, 30 × 85.15 + 70 × 75.00 = 7804.5 hundredths → 78.045 → 78.05 half up (a binary
float or half-even would give 78.04).
"""
from __future__ import annotations

import csv
import json

import pytest
from sqlalchemy import select

from app.audit import AuditEntry
from app.certificates.keyring import app_keyring
from app.certificates.models import Certificate, CertificateStatus
from app.certificates.signing import make_token
from app.extensions import db
from app.promotion.models import PromotionProposal
from app.promotion.services import approve
from tests.marking.builders import run
from tests.organizer_contest import EVENT, JUDGES, SKILL, TEAMS, contest_files, write_csv

REASON = "赛后查实违规使用禁用工具"


def ok(*args: str):
    result = run(*args)
    assert result.exit_code == 0, (args, result.output)
    assert "Traceback" not in result.output and result.exception is None, result.output
    return result


@pytest.fixture()
def published(ctx, tmp_path):
    """The contest imported, marked, locked, its theory scores in and its results published final."""
    files = contest_files(tmp_path)
    ok("import", "units", files["units"])
    ok("import", "event", files["event"])
    assert "imported 8 contestants" in ok("import", "contestants", EVENT, files["contestants"]).output
    ok("import", "judges", EVENT, files["judges"])
    ok("import", "scheme", EVENT, SKILL, files["scheme"])
    ok("import", "marks", EVENT, SKILL, files["marks"], "--lock")
    ok("import", "component", EVENT, SKILL, "theory", files["theory"])
    ok("results", "publish", EVENT, "--final")
    return tmp_path


def standings() -> dict:
    return json.loads(ok("results", "export", EVENT).stdout)


def test_team_skill_with_components_from_the_event_file_to_the_export(published):
    skill = standings()["skills"][0]
    assert skill["skill"] == SKILL and skill["competed"] == 4 and skill["standardized"] is True
    rows = {r["team"]: r for r in skill["results"]}
    assert [r["team"] for r in skill["results"]] == ["T1", "T2", "T4", "T3"]
    assert {team: (r["raw_total"], r["rank"], r["award"]) for team, r in rows.items()} == {
        "T1": ("78.05", 1, "gold"), "T2": ("74.70", 2, "silver"),
        "T4": ("69.13", 3, "bronze"), "T3": ("49.47", 4, None)}
    t1 = rows["T1"]
    assert t1["contestant_no"] == "M-01"
    assert [m["contestant_no"] for m in t1["members"]] == ["M-01", "M-02"]
    assert t1["components"] == {"theory": "85.15", "practical": "75.00"}
    assert t1["criteria"] == {"A": "51.00", "B": "24.00"}
    assert rows["T2"]["components"] == {"theory": "60.00", "practical": "81.00"}
    assert all(isinstance(r["scale"], int) for r in skill["results"])
    csv_rows = list(csv.DictReader(ok("results", "export", EVENT, "--format", "csv").stdout.splitlines()))
    assert [(r["contestant_no"], r["raw_total"], r["award"], r["crit_A"]) for r in csv_rows][0] == \
        ("M-01", "78.05", "gold", "51.00")


def test_promotions_and_certificates_for_every_member(published):
    proposals = json.loads(ok("promotion", "propose", EVENT, "--format", "json").stdout)["proposals"]
    by_bib = {p["contestant_no"]: p for p in proposals}
    assert sorted(by_bib) == [f"M-0{i}" for i in range(1, 9)]
    for bib in ("M-01", "M-02", "M-03", "M-04", "M-07", "M-08"):
        assert by_bib[bib]["proposed_level"] == "level2" and by_bib[bib]["rule"], by_bib[bib]
    out = published / "certs"
    ok("certificates", "issue", EVENT, "--output", str(out))
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert sorted((c["contestant_no"], c["award"]) for c in manifest["certificates"]) == [
        ("M-01", "gold"), ("M-02", "gold"), ("M-03", "silver"), ("M-04", "silver"),
        ("M-07", "bronze"), ("M-08", "bronze")]


def test_an_amendments_reason_reaches_every_certificate_and_promotion_it_revokes(published, client):
    ok("promotion", "propose", EVENT)
    approved = db.session.scalars(select(PromotionProposal).where(PromotionProposal.proposed_level.is_not(None))
                                  .order_by(PromotionProposal.id)).all()
    approve(approved, by="organizer")
    db.session.commit()
    out = published / "certs"
    ok("certificates", "issue", EVENT, "--output", str(out))
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    urls = {c["contestant_no"]: c["verify_url"] for c in manifest["certificates"]}

    ok("results", "amend", EVENT, SKILL, "M-02", "--reason", REASON, "--disqualify")

    rows = {r["team"]: r for r in standings()["skills"][0]["results"]}
    assert (rows["T1"]["status"], rows["T1"]["award"]) == ("disqualified", None)
    assert rows["T2"]["award"] == "gold"
    page = client.get(urls["M-01"].removeprefix("http://localhost:5000"))
    assert page.status_code == 200
    assert REASON in page.get_data(as_text=True)
    revoked = db.session.scalars(select(Certificate).where(Certificate.status == CertificateStatus.REVOKED)).all()
    # T1's award and level certificates, and the award ones of T2 (silver → gold) and T4 (bronze → silver);
    # T2's and T4's promotions stand (still within the top 6), so do their level certificates
    assert sorted((c.contestant_no, c.kind.value) for c in revoked) == [
        ("M-01", "award"), ("M-01", "level"), ("M-02", "award"), ("M-02", "level"),
        ("M-03", "award"), ("M-04", "award"), ("M-07", "award"), ("M-08", "award")]
    assert {c.revoked_reason for c in revoked} == {REASON}
    level = next(c for c in revoked if c.kind.value == "level" and c.contestant_no == "M-02")
    assert REASON in client.get(f"/verify/{make_token(level.number, level.content, app_keyring())}").get_data(
        as_text=True)
    t1_promotions = [p for p in approved if p.registration.contestant_no in ("M-01", "M-02")]
    assert all(p.revoked_reason == REASON for p in t1_promotions)
    notes = db.session.scalars(select(AuditEntry.note).where(
        AuditEntry.action.in_(["certificate.revoke", "promotion.revoke"]))).all()
    assert notes and set(notes) == {REASON}


def test_a_reopened_criterion_locked_again_revokes_with_the_amendments_reason(published, client):
    out = published / "certs"
    ok("certificates", "issue", EVENT, "--output", str(out))
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    reason = "仲裁委员会确认B项评分错误"
    ok("results", "amend", EVENT, SKILL, "M-08", "--reason", reason, "--reopen", "B")
    # T4 re-marked in B under its other member's bib: full marks, practical 100 → 15 + 70 = 85.00, first
    _unit, _bibs, _entered, _measured, judged, _theory = TEAMS["T4"]
    marks = write_csv(published / "remark.csv", ["contestant_no", "aspect", "judge", "score"],
                      [["M-08", aspect, judge, 3] for aspect in judged for judge in JUDGES])
    ok("import", "marks", EVENT, SKILL, marks, "--lock")
    rows = {r["team"]: r for r in standings()["skills"][0]["results"]}
    assert [(team, rows[team]["raw_total"], rows[team]["award"]) for team in ("T4", "T1", "T2")] == [
        ("T4", "85.00", "gold"), ("T1", "78.05", "silver"), ("T2", "74.70", "bronze")]
    revoked = db.session.scalars(select(Certificate).where(Certificate.status == CertificateStatus.REVOKED)).all()
    assert sorted(c.contestant_no for c in revoked) == ["M-01", "M-02", "M-03", "M-04", "M-07", "M-08"]
    assert {c.revoked_reason for c in revoked} == {reason}
    url = next(c["verify_url"] for c in manifest["certificates"] if c["contestant_no"] == "M-07")
    assert reason in client.get(url.removeprefix("http://localhost:5000")).get_data(as_text=True)
