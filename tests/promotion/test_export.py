"""``promotion export``: approved promotions only, full ID numbers, formula-safe CSV and XLSX."""
from __future__ import annotations

import json

from openpyxl import load_workbook

from app.extensions import db
from app.promotion.services import approve, proposals_of, propose, reject
from tests.marking.builders import run
from tests.promotion.world import promotion_world


def decided(make):
    world = promotion_world(make)
    rows = {p.registration.contestant_no: p for p in propose(world.event)}
    approve([rows["W-02"], rows["W-01"]])
    reject([rows["C-01"]], "students")
    db.session.commit()
    return world


def test_export_csv_bytes(make, tmp_path):
    world = decided(make)
    w01, w02 = (world.competitor(b).lead.person for b in ("W-01", "W-02"))
    w01.name = "=HYPERLINK()"                               # a formula is neutralized
    db.session.commit()
    cert = {p.registration.contestant_no: p.level_record.certificate_no or "" for p in proposals_of(world.event)
            if p.level_record is not None}           # filled by the certificates feature, when it is there
    out = tmp_path / "p.csv"
    result = run("promotion", "export", "EV1", "--format", "csv", "--output", str(out))
    assert result.exit_code == 0, result.output
    assert out.read_bytes() == (
        "\ufeffevent,skill,contestant_no,name,id_type,id_number,occupation_code,occupation_name,previous_level,"
        "level,level_name,rule,rule_set,certificate_no,issue_date,issuer\r\n"
        f"EV1,WELD,W-01,'=HYPERLINK(),resident,{w01.id_number},6-25-04-07,焊工,,level2,技师,"
        f"excellence-or-better,hunan-2022,{cert['W-01']},2026-09-01,JX-HRSS\r\n"
        f"EV1,WELD,W-02,{w02.name},resident,{w02.id_number},6-25-04-07,焊工,level2,level1,高级技师,"
        f"excellence-or-better,hunan-2022,{cert['W-02']},2026-09-01,JX-HRSS\r\n").encode()


def test_export_json_on_stdout_and_xlsx(make, tmp_path):
    decided(make)
    result = run("promotion", "export", "EV1")
    assert result.exit_code == 0
    doc = json.loads(result.stdout)
    assert doc["event"] == "EV1" and [r["contestant_no"] for r in doc["promotions"]] == ["W-01", "W-02"]
    assert run("promotion", "export", "EV1", "--format", "xlsx").exit_code == 2   # needs --output
    out = tmp_path / "p.xlsx"
    assert run("promotion", "export", "EV1", "--format", "xlsx", "--output", str(out)).exit_code == 0
    sheet = load_workbook(out).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0][:4] == ["event", "skill", "contestant_no", "name"] and len(values) == 3
    assert values[2][9:11] == ["level1", "高级技师"]
