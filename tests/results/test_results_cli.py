"""End to end through the command line: scheme, marks with --lock, theory scores, export, publish.

Hand computation (scheme of tests/marking/builders.py; judgement mark = 50 × Σ/9, half up):
    W-01  A1.1 3,2,2 → 38.89   B 10 + 20 + 15 = 45   practical 83.89   theory 60
    W-02  A1.1 2,2,1 → 27.78   B 10 + 10 + 20 = 40   practical 67.78   theory 95
    W-03  A1.1 1,1,1 → 16.67   B  0 + 20 +  5 = 25   practical 41.67   theory 50
    total = 0.2 × theory + 0.8 × practical, half up:
    W-01 12 + 67.112 = 79.11;  W-02 19 + 54.224 = 73.22;  W-03 10 + 33.336 = 43.34
    median 73.22; |deviations| 5.89, 0, 29.88 → MAD 5.89; s = 1.4826 × 5.89 = 8.732514
    scale W-01 700 + 30 × 5.89 / 8.732514 = 720.23 → 720; W-02 700;
          W-03 700 − 30 × 29.88 / 8.732514 = 597.35 → 597
"""
from __future__ import annotations

import csv
import io
import json

from openpyxl import load_workbook

from app.audit import AuditEntry
from app.extensions import db
from tests.marking.builders import World, run, scheme_doc, write

MARKS = [("W-01", "A1.1", "j1", "3"), ("W-01", "A1.1", "j2", "2"), ("W-01", "A1.1", "j3", "2"),
         ("W-02", "A1.1", "j1", "2"), ("W-02", "A1.1", "j2", "2"), ("W-02", "A1.1", "j3", "1"),
         ("W-03", "A1.1", "j1", "1"), ("W-03", "A1.1", "j2", "1"), ("W-03", "A1.1", "j3", "1"),
         ("W-01", "B1.1", "", "10"), ("W-01", "B1.2", "", "20"), ("W-01", "B1.3", "", "15"),
         ("W-02", "B1.1", "", "10"), ("W-02", "B1.2", "", "10"), ("W-02", "B1.3", "", "20"),
         ("W-03", "B1.1", "", "0"), ("W-03", "B1.2", "", "20"), ("W-03", "B1.3", "", "5")]
THEORY = [("W-01", "60"), ("W-02", "95"), ("W-03", "50")]


def marked(make, tmp_path):
    world = World(make, scheme=False)
    scheme = tmp_path / "scheme.json"
    scheme.write_text(json.dumps(scheme_doc()), encoding="utf-8")
    assert run("import", "scheme", "EV1", "WELD", str(scheme)).exit_code == 0
    result = run("import", "marks", "EV1", "WELD", write(tmp_path, MARKS), "--lock")
    assert result.exit_code == 0, result.output
    theory = write(tmp_path, THEORY, name="theory.csv", header="contestant_no,score")
    assert run("import", "component", "EV1", "WELD", "theory", theory).exit_code == 0
    return world


def test_export_json_matches_the_hand_computed_standings(make, tmp_path):
    marked(make, tmp_path)
    result = run("results", "export", "EV1")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["event"] == "EV1"
    [weld] = doc["skills"]                                       # CARE has no scheme: left out
    assert (weld["skill"], weld["standardized"], weld["competed"], weld["complete"]) == ("WELD", True, 3, True)
    got = [(r["contestant_no"], r["raw_total"], r["scale"], r["rank"], r["award"], r["status"])
           for r in weld["results"]]
    assert got == [("W-01", "79.11", 720, 1, "gold", "competed"), ("W-02", "73.22", 700, 2, "silver", "competed"),
                   ("W-03", "43.34", 597, 3, "bronze", "competed"), ("W-04", None, None, None, None, "absent")]
    first = weld["results"][0]
    assert first["criteria"] == {"A": "38.89", "B": "45.00"}
    assert first["sub_criteria"] == {"A1": "38.89", "B1": "45.00"}
    assert first["components"] == {"theory": "60.00", "practical": "83.89"}
    assert first["penalties"] == []
    assert doc["best_of_unit"] == [
        {"unit": "JJ-E1", "contestant_no": "W-02", "skill": "WELD", "scale": 700},
        {"unit": "NC-E1", "contestant_no": "W-01", "skill": "WELD", "scale": 720},
        {"unit": "NC-E2", "contestant_no": "W-03", "skill": "WELD", "scale": 597}]
    assert "albert_vidal" not in doc                              # cn_standard event
    assert "no standings (no marking scheme): CARE" in result.stderr


def test_export_csv_and_xlsx_have_the_contract_columns(make, tmp_path):
    marked(make, tmp_path)
    out = tmp_path / "standings.csv"
    assert run("results", "export", "EV1", "--format", "csv", "--output", str(out)).exit_code == 0
    table = list(csv.reader(io.StringIO(out.read_bytes().decode("utf-8-sig"))))
    assert table[0] == ["skill", "rank", "contestant_no", "name", "unit", "status", "raw_total", "scale", "award",
                        "crit_A", "crit_B"]
    assert table[1] == ["WELD", "1", "W-01", "选手", "NC-E1", "competed", "79.11", "720", "gold", "38.89", "45.00"]
    assert table[4][:9] == ["WELD", "", "W-04", "选手", "NC-E1", "absent", "", "", ""]
    book = tmp_path / "standings.xlsx"
    assert run("results", "export", "EV1", "--format", "xlsx", "--output", str(book)).exit_code == 0
    sheet = load_workbook(book).active
    assert [c.value for c in sheet[2]][:7] == ["WELD", "1", "W-01", "选手", "NC-E1", "competed", "79.11"]
    assert run("results", "export", "EV1", "--format", "xlsx").exit_code == 2


def test_exported_cells_cannot_run_as_formulas(make, tmp_path):
    world = marked(make, tmp_path)
    world.competitor("W-01").lead.person.name = "=HYPERLINK(\"http://x\")"
    db.session.commit()
    out = tmp_path / "standings.csv"
    run("results", "export", "EV1", "--format", "csv", "--output", str(out))
    assert "'=HYPERLINK" in out.read_text(encoding="utf-8-sig")


def test_publish_is_audited_and_refused_when_incomplete(make, tmp_path):
    marked(make, tmp_path)
    refused = run("results", "publish", "EV1")
    assert refused.exit_code == 1 and "CARE has no standings yet" in refused.stderr
    ok = run("results", "publish", "EV1", "--skill", "WELD", "--final")
    assert ok.exit_code == 0 and ok.stdout.strip() == "published EV1/WELD final"
    entry = db.session.scalar(db.select(AuditEntry).where(AuditEntry.action == "results.publish"))
    assert entry.actor.startswith("cli:") and entry.before == {"publication": "private"}
    again = run("results", "publish", "EV1", "--skill", "WELD", "--final")
    assert again.exit_code == 1 and "already final" in again.stderr


def test_import_timings_refuses_bad_rows_and_saves_nothing(make, tmp_path):
    marked(make, tmp_path)
    bad = write(tmp_path, [("W-01", "61.5"), ("W-99", "10"), ("W-02", "-1")], name="t.csv",
                header="contestant_no,completion_seconds")
    result = run("import", "timings", "EV1", "WELD", bad)
    assert result.exit_code == 1
    assert "row 2, completion_seconds" in result.stderr and "row 3, contestant_no" in result.stderr
    good = write(tmp_path, [("W-01", "3600"), ("W-02", "3500")], name="t2.csv",
                 header="contestant_no,completion_seconds")
    result = run("import", "timings", "EV1", "WELD", good)
    assert result.exit_code == 0 and "2 contestants" in result.stdout
