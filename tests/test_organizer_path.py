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
from pathlib import Path

import pytest
from sqlalchemy import select

from app.audit import AuditEntry
from app.certificates.models import Certificate, CertificateStatus
from app.extensions import db
from app.promotion.models import PromotionProposal
from app.promotion.services import approve
from tests.events.contest import id_number
from tests.marking.builders import run

EVENT = "JX2026-MECH"
SKILL = "MECH-T"
REASON = "赛后查实违规使用禁用工具"

UNITS = [["JX", "江西省", "province", ""], ["JX-HRSS", "江西省人力资源和社会保障厅", "hr_authority", "JX"],
         ["JX-E1", "企业一", "enterprise", "JX"], ["JX-E2", "企业二", "enterprise", "JX"],
         ["JX-E3", "企业三", "enterprise", "JX"], ["JX-E4", "企业四", "enterprise", "JX"],
         ["POOL", "专家库", "other", ""]]

EVENT_FILE = {
    "code": EVENT, "name": "2026年江西省机电一体化竞赛", "tier": "provincial", "class": 1, "year": 2026,
    "organizers": ["JX-HRSS"], "starts_on": "2026-08-20", "ends_on": "2026-08-22",
    "registration": {"opens": "2026-07-01", "closes": "2026-08-10"},
    "awards": "cn_standard", "promotion_rules": "jiangxi-2022", "tie_breakers": [],
    "skills": [{"code": SKILL, "name": "机电一体化（职工组）", "group": "employee",
                "occupation": {"code": "6-31-01-09", "name": "机电一体化工"}, "team_size": 2, "quota_per_unit": 1,
                "components": [{"code": "theory", "weight": 30}, {"code": "practical", "weight": 70}]}],
}

DESCRIPTORS = ["低于行业标准", "符合行业标准", "部分超出行业标准", "完全超出行业标准"]
SCHEME = {"standards": [{"section": "1", "name": "装配", "weight": 66}, {"section": "2", "name": "调试", "weight": 34}],
          "criteria": [
    {"code": "A", "name": "装配", "sub_criteria": [{"id": "A1", "name": "装配精度", "day": 1, "aspects": [
        {"id": "A1.1", "type": "M", "description": "定位", "max": 40, "section": "1"},
        {"id": "A1.2", "type": "M", "description": "间隙", "max": "11.00", "section": "1"},
        {"id": "A1.3", "type": "M", "description": "紧固", "max": 15, "section": "1"}]}]},
    {"code": "B", "name": "调试", "sub_criteria": [{"id": "B1", "name": "运行", "day": 2, "aspects": [
        {"id": "B1.1", "type": "J", "description": "运行平稳", "max": 24, "section": "2", "descriptors": DESCRIPTORS},
        {"id": "B1.2", "type": "J", "description": "工艺美观", "max": 10, "section": "2", "descriptors": DESCRIPTORS}]}]}]}

# team → (unit, members' bibs, the bib its marks are entered under, M marks, J scores, theory)
TEAMS = {
    "T1": ("JX-E1", ["M-01", "M-02"], "M-02", {"A1.1": 40, "A1.2": 11, "A1.3": 0}, {"B1.1": 3, "B1.2": 0}, "85.15"),
    "T2": ("JX-E2", ["M-03", "M-04"], "M-03", {"A1.1": 40, "A1.2": 0, "A1.3": 15}, {"B1.1": 2, "B1.2": 3}, "60"),
    "T3": ("JX-E3", ["M-05", "M-06"], "M-06", {"A1.1": 0, "A1.2": 11, "A1.3": 15}, {"B1.1": 1, "B1.2": 2}, "70.00"),
    "T4": ("JX-E4", ["M-07", "M-08"], "M-07", {"A1.1": 40, "A1.2": 11, "A1.3": 15}, {"B1.1": 1, "B1.2": 1}, "50.0"),
}
JUDGES = ["mj1", "mj2", "mj3"]


def write_csv(path: Path, header: list[str], rows: list[list]) -> str:
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows(rows)
    return str(path)


def contest_files(d: Path) -> dict[str, str]:
    files = {"units": write_csv(d / "units.csv", ["code", "name", "kind", "parent_code"], UNITS)}
    (d / "event.json").write_text(json.dumps(EVENT_FILE, ensure_ascii=False), encoding="utf-8")
    (d / "scheme.json").write_text(json.dumps(SCHEME, ensure_ascii=False), encoding="utf-8")
    files["event"], files["scheme"] = str(d / "event.json"), str(d / "scheme.json")
    people = []
    for team, (unit, bibs, *_rest) in TEAMS.items():
        for bib in bibs:
            people.append([unit, SKILL, bib, f"选手{bib}", "", id_number("1995-03-04"), "1995-03-04", "M",
                           "employee", "level4", "", "", team])
    files["contestants"] = write_csv(d / "contestants.csv", [
        "unit_code", "skill_code", "contestant_no", "name", "id_type", "id_number", "birth_date", "gender",
        "group", "current_level", "current_level_cert_no", "phone", "team"], people)
    files["judges"] = write_csv(d / "judges.csv", ["skill_code", "username", "name", "unit_code", "role"],
                                [[SKILL, j, f"裁判{j}", "POOL", "judge"] for j in JUDGES]
                                + [[SKILL, "mchief", "裁判长", "POOL", "chief"]])
    marks = []
    for _unit, _bibs, entered_under, measured, judged, _theory in TEAMS.values():
        marks += [[entered_under, aspect, "", f"{score}"] for aspect, score in measured.items()]
        marks += [[entered_under, aspect, judge, score] for aspect, score in judged.items() for judge in JUDGES]
    files["marks"] = write_csv(d / "marks.csv", ["contestant_no", "aspect", "judge", "score"], marks)
    files["theory"] = write_csv(d / "theory.csv", ["contestant_no", "score"],
                                [[bibs[-1], theory] for _u, bibs, _e, _m, _j, theory in TEAMS.values()])
    return files


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
    # T1's two award and two level certificates, and the silver (now gold) and bronze (now silver) ones
    assert len(revoked) >= 4 and {c.revoked_reason for c in revoked} == {REASON}
    t1_promotions = [p for p in approved if p.registration.contestant_no in ("M-01", "M-02")]
    assert all(p.revoked_reason == REASON for p in t1_promotions)
    notes = db.session.scalars(select(AuditEntry.note).where(
        AuditEntry.action.in_(["certificate.revoke", "promotion.revoke"]))).all()
    assert notes and set(notes) == {REASON}
