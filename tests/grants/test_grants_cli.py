"""``grants compute`` (formats.md): read-only; JSON from ``scoring.grants.export``, CSV/XLSX rows
``payee,rule,trigger,amount,explanation`` in payee, rule, trigger order; notes on stderr; exit 1 for
an unknown rule set, event or unit, 2 for usage. Ends with the end-to-end test: two contests built
and resulted through the command line, and jiangxi-2019 against a hand-computed total."""
from __future__ import annotations

import csv
import io
import json
from decimal import Decimal

from openpyxl import load_workbook
from sqlalchemy import func, select

from app.audit import AuditEntry
from app.extensions import db
from app.grants.models import LedgerLine
from tests.events.contest import id_number
from tests.grants.builders import JIANGXI_2026, GrantsWorld, write_csv
from tests.grants.records_helpers import training_row
from tests.grants.test_records import TITLES, TRAINING
from tests.marking.builders import run

EXPORT_HEADER = ["payee", "rule", "trigger", "amount", "explanation"]


def compute(*args: str):
    return run("grants", "compute", "--policy", *args)


def test_json_is_the_contract_and_nothing_is_written(make):
    GrantsWorld(make)
    audit_before = db.session.scalar(select(func.count()).select_from(AuditEntry))
    result = compute("jiangxi-2019", "--year", "2026")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)                                            # only the data on stdout
    assert set(doc) == {"policy", "lines", "totals", "total"} and doc["policy"] == "jiangxi-2019"
    got = {(ln["payee"], ln["rule"], ln["trigger"]): Decimal(ln["amount"]) for ln in doc["lines"]}
    assert got == JIANGXI_2026
    keys = [(ln["payee"], ln["rule"], ln["trigger"]) for ln in doc["lines"]]
    assert keys == sorted(keys)
    assert doc["totals"] == {"BJ-S1": "100000.00", "JX-JT": "200000.00", "JX-TC1": "500000.00"}
    assert doc["total"] == "800000.00"
    assert "jiangxi-2019 contest_training_base: not computed: needs base records" in result.stderr
    assert db.session.scalar(select(func.count()).select_from(LedgerLine)) == 0
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == audit_before


def test_scopes_event_unit_and_year(make):
    GrantsWorld(make)
    prov = json.loads(compute("jiangxi-2019", "--event", "PROV").stdout)
    assert {ln["trigger"] for ln in prov["lines"]} == {"PROV/A", "PROV/B"} and prov["total"] == "200000.00"
    jx = json.loads(compute("jiangxi-2019", "--unit", "JX").stdout)
    assert "BJ-S1" not in jx["totals"] and jx["total"] == "700000.00"       # not Jiangxi's
    bj = json.loads(compute("jiangxi-2019", "--unit", "BJ-S1", "--event", "NAT").stdout)
    assert bj["totals"] == {"BJ-S1": "100000.00"}
    assert json.loads(compute("jiangxi-2019", "--year", "2025").stdout)["lines"] == []


def test_csv_and_xlsx_have_the_contract_columns(make, tmp_path):
    GrantsWorld(make)
    out = tmp_path / "grants.csv"
    assert compute("jiangxi-2019", "--format", "csv", "--output", str(out)).exit_code == 0
    raw = out.read_bytes()
    assert raw.startswith("\ufeff".encode())                                  # BOM, as the results export
    table = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert table[0] == EXPORT_HEADER and len(table) == 7
    assert table[1][:4] == ["BJ-S1", "national_participation", "NAT/WELD", "100000.00"]
    assert [row[:3] for row in table[1:]] == sorted(row[:3] for row in table[1:])
    assert table[-1][4].startswith("JX-TC1 takes part in skill 焊接 WELD of NAT")
    book = tmp_path / "grants.xlsx"
    assert compute("jiangxi-2019", "--format", "xlsx", "--output", str(book)).exit_code == 0
    sheet = load_workbook(book).active
    assert [c.value for c in sheet[1]] == EXPORT_HEADER
    assert [c.value for c in sheet[2]][:4] == ["BJ-S1", "national_participation", "NAT/WELD", "100000.00"]
    stdout_csv = compute("jiangxi-2019", "--format", "csv")
    assert stdout_csv.exit_code == 0 and stdout_csv.stdout.lstrip("\ufeff").startswith("payee,rule,trigger")


def test_manual_lines_and_person_payees(make, tmp_path):
    GrantsWorld(make)
    number = id_number()
    training = write_csv(tmp_path, "t.csv", TRAINING, training_row(number))
    titles = write_csv(tmp_path, "ti.csv", TITLES, f"{number},甲,JX-TC1,national_technical_expert,2026")
    assert run("import", "training", training).exit_code == 0
    assert run("import", "titles", titles).exit_code == 0
    shanxi = json.loads(compute("shanxi-2018", "--year", "2026").stdout)
    manual = [ln for ln in shanxi["lines"] if ln["rule"] == "placement_reward"]
    assert manual[0]["amount"] is None and shanxi["total"] == "1700.00"       # manual counts 0
    hunan = compute("hunan-2019", "--format", "csv")
    rows = list(csv.reader(io.StringIO(hunan.stdout.lstrip("\ufeff"))))
    assert rows[1][:4] == [f"person:{number}", "national_technical_expert_top_up",
                           f"TITLE/{number}/national_technical_expert/2026", "20000.00"]
    result = compute("shanxi-2018", "--year", "2026")
    assert "shanxi-2018 new_hire: not computed: needs hire records" in result.stderr


def test_refusals_and_usage(make, tmp_path):
    GrantsWorld(make)
    for args, message in ((("nope",), "refused: unknown grant rule set nope"),
                          (("jiangxi-2019", "--event", "NOPE"), "refused: unknown event NOPE"),
                          (("jiangxi-2019", "--unit", "NOPE"), "refused: unknown unit NOPE")):
        result = compute(*args)
        assert (result.exit_code, result.stderr.strip().splitlines()[-1]) == (1, message)
    assert compute("jiangxi-2019", "--format", "xlsx").exit_code == 2
    assert compute("jiangxi-2019", "--format", "pdf").exit_code == 2
    assert compute("jiangxi-2019", "--year", "twenty").exit_code == 2
    assert run("grants", "compute").exit_code == 2                             # --policy is required


# --- end to end ------------------------------------------------------------------------------------

UNITS = """code,name,kind,parent_code
MOHRSS,人力资源和社会保障部,hr_authority,
JX,江西省代表团,province,
JX-HRSS,江西省人力资源和社会保障厅,hr_authority,JX
JX-JT,江西省交通运输厅,industry,JX
JX-TC1,江西省技师学院,school,JX
JX-NC,南昌市,city,JX
NC-E1,南昌建工集团,enterprise,JX-NC
BJ,北京市代表团,province,
BJ-S1,北京市工业技师学院,school,BJ
POOL,裁判库,other,
"""
SKILL = {"team_size": 1, "quota_per_unit": 3}
NATIONAL = {
    "code": "NAT26", "name": "第三届全国技能大赛", "tier": "national", "year": 2026, "organizers": ["MOHRSS"],
    "starts_on": "2026-08-20", "ends_on": "2026-08-22",
    "registration": {"opens": "2026-06-01", "closes": "2026-07-31"},
    "awards": "cn_standard",
    "skills": [{"code": "WELD", "name": "焊接", "host_unit": "JX-TC1", **SKILL},
               {"code": "CNC", "name": "数控铣", **SKILL}]}
PROVINCIAL = {
    "code": "JX26", "name": "2026年江西省职业技能大赛", "tier": "provincial", "class": 1, "year": 2026,
    "organizers": ["JX-HRSS", "JX-JT"], "starts_on": "2026-08-10", "ends_on": "2026-08-12",
    "registration": {"opens": "2026-06-01", "closes": "2026-07-31"}, "awards": "cn_standard",
    "skills": [{"code": code, "name": name, **SKILL}
               for code, name in (("TRUCK", "汽车维修"), ("ROAD", "道路养护"), ("CRANE", "起重"))]}
CONTESTANTS = ("unit_code,skill_code,contestant_no,name,id_type,id_number,birth_date,gender,group,"
               "current_level,current_level_cert_no,phone,team")
SCHEME = {
    "standards": [{"section": "1", "name": "安全", "weight": 40}, {"section": "2", "name": "工艺", "weight": 60}],
    "criteria": [
        {"code": "A", "name": "安全规范", "sub_criteria": [{"id": "A1", "name": "安全", "day": 1, "aspects": [
            {"id": "A1.1", "type": "M", "description": "断电验电", "max": "40.00", "section": "1"}]}]},
        {"code": "B", "name": "工艺", "sub_criteria": [{"id": "B1", "name": "工艺", "day": 1, "aspects": [
            {"id": "B1.1", "type": "J", "description": "布线美观", "max": "60.00", "section": "2",
             "descriptors": ["低于", "符合", "部分超出", "完全超出"]}]}]}]}
# Judgement scores per bib (three judges): distinct totals, so no shared place.
SCORES = {"N-01": (3, 3, 3), "N-02": (3, 3, 2), "N-03": (2, 2, 2), "N-11": (3, 2, 2), "N-12": (1, 1, 1),
          "N-13": (2, 1, 1)}


def _json(tmp_path, name: str, doc: dict) -> str:
    path = tmp_path / name
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return str(path)


def _ok(*args: str) -> None:
    result = run(*args)
    assert result.exit_code == 0, (args, result.output)


def test_end_to_end_jiangxi_through_the_command_line(ctx, tmp_path):
    """Hand computation, jiangxi-2019, year 2026 (国赛 = national; 300,000 per skill hosted at a
    national contest, 100,000 per skill taken part in at a national contest and per skill of a
    provincial class-1 contest organized, never to hr_authority organizers):

        JX-TC1  hosts NAT26 WELD                          300,000
                takes part in NAT26 WELD and CNC      2 × 100,000  = 200,000   → 500,000
        BJ-S1   takes part in NAT26 WELD and CNC      2 × 100,000             → 200,000
        NC-E1   takes part in NAT26 WELD (N-03); its CNC contestant N-04 was absent → 100,000
        JX-NC   takes part in NAT26 CNC (N-13)                                 → 100,000
        JX-JT   co-organizes JX26 (provincial class 1), 3 skills × 100,000    → 300,000
        JX-HRSS co-organizes JX26 too, but is the HR department paying it      →       0
        MOHRSS  organizes NAT26: a national contest pays no organizing grant  →       0
                                                                        total 1,200,000
    Within JX's tree (--unit JX) BJ-S1's 200,000 is left out: 1,000,000.
    """
    _ok("import", "units", write_csv(tmp_path, "units.csv", *UNITS.strip().split("\n")))
    _ok("import", "event", _json(tmp_path, "nat.json", NATIONAL))
    _ok("import", "event", _json(tmp_path, "prov.json", PROVINCIAL))
    entries = [("JX-TC1", "WELD", "N-01"), ("BJ-S1", "WELD", "N-02"), ("NC-E1", "WELD", "N-03"),
               ("JX-TC1", "CNC", "N-11"), ("BJ-S1", "CNC", "N-12"), ("JX-NC", "CNC", "N-13"),
               ("NC-E1", "CNC", "N-04")]
    rows = [f"{unit},{skill},{bib},选手{bib},,{id_number()},2000-05-01,M,,,,," for unit, skill, bib in entries]
    _ok("import", "contestants", "NAT26", write_csv(tmp_path, "contestants.csv", CONTESTANTS, *rows))
    judges = [f"{skill},{user},{user},POOL,{role}" for skill in ("WELD", "CNC")
              for user, role in (("j1", "judge"), ("j2", "judge"), ("j3", "judge"), ("chief", "chief"))]
    _ok("import", "judges", "NAT26",
        write_csv(tmp_path, "judges.csv", "skill_code,username,name,unit_code,role", *judges))
    _ok("import", "attendance", "NAT26", "CNC",
        write_csv(tmp_path, "att.csv", "contestant_no,status", "N-04,absent"))
    scheme = _json(tmp_path, "scheme.json", SCHEME)
    for skill in ("WELD", "CNC"):
        _ok("import", "scheme", "NAT26", skill, scheme)
        marks = []
        for bib, scores in SCORES.items():
            if (bib.startswith("N-0")) == (skill == "WELD"):
                marks.append(f"{bib},A1.1,,40.00")
                marks += [f"{bib},B1.1,j{j},{score}" for j, score in enumerate(scores, 1)]
        _ok("import", "marks", "NAT26", skill,
            write_csv(tmp_path, f"marks-{skill}.csv", "contestant_no,aspect,judge,score", *marks), "--lock")

    before_final = json.loads(run("grants", "compute", "--policy", "xiamen-2022", "--year", "2026").stdout)
    assert before_final["lines"] == []                                         # no final results yet
    _ok("results", "publish", "NAT26", "--final")

    result = compute("jiangxi-2019", "--format", "json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["totals"] == {"BJ-S1": "200000.00", "JX-JT": "300000.00", "JX-NC": "100000.00",
                             "JX-TC1": "500000.00", "NC-E1": "100000.00"}
    assert doc["total"] == "1200000.00"
    assert ("JX-TC1", "national_hosting", "NAT26/WELD") in {(ln["payee"], ln["rule"], ln["trigger"])
                                                           for ln in doc["lines"]}
    assert not any(ln["trigger"] == "NAT26/CNC" and ln["payee"] == "NC-E1" for ln in doc["lines"])
    jx = json.loads(compute("jiangxi-2019", "--unit", "JX").stdout)
    assert jx["total"] == "1000000.00"

    # The final results reach the award rules too: xiamen-2022 pays 20,000 per person placed 1–3
    # at a national contest other than the flagship: the three placed in each skill.
    xiamen = json.loads(compute("xiamen-2022", "--event", "NAT26").stdout)
    assert sorted(ln["trigger"].rsplit("/", 1)[1] for ln in xiamen["lines"]) == ["N-01", "N-02", "N-03",
                                                                                 "N-11", "N-12", "N-13"]
    assert xiamen["total"] == "120000.00"
