"""``import scheme`` / ``export scheme`` (json and the CIS xlsx), and a scheme frozen once marks exist."""
from __future__ import annotations

import json
from decimal import Decimal
from io import BytesIO
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from app.errors import DomainError, InputRefused
from app.extensions import db
from app.marking.models import SchemeAspect, SchemeCriterion, SchemeSection, SchemeSubCriterion
from app.marking.paper import import_marks
from app.marking.schemes import SchemeFile, load_scheme, parse_scheme_json, save_scheme
from tests.data import CIS_EXAMPLE
from tests.marking.builders import World, audit_entries, rows, run, scheme_doc

D = Decimal


@pytest.fixture()
def world(ctx, make):
    return World(make, scheme=False)


def write_json(tmp_path, doc: Any, name: str = "scheme.json") -> str:
    path = tmp_path / name
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return str(path)


def import_scheme(tmp_path, doc: Any):
    return run("import", "scheme", "EV1", "WELD", write_json(tmp_path, doc))


def stored_rows() -> tuple[int, ...]:
    """Sections, criteria, sub-criteria and aspects (a replaced scheme leaves no orphans)."""
    return tuple(db.session.scalar(select(func.count(model.id))) for model in
                 (SchemeSection, SchemeCriterion, SchemeSubCriterion, SchemeAspect))


def test_import_json_stores_the_scheme(world, tmp_path):
    result = import_scheme(tmp_path, scheme_doc())
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ("imported scheme of EV1/WELD: 2 criteria, 4 aspects (3 measurement, 1 judgement), "
                             "100.00 marks\n")
    assert load_scheme(world.weld) == parse_scheme_json(scheme_doc()) and stored_rows() == (2, 2, 2, 4)
    aspect = db.session.scalar(select(SchemeAspect).where(SchemeAspect.code == "B1.2"))
    assert (aspect.calculation, aspect.bands, aspect.max_mark) == ("bands", [["0.20", "20.00"], ["0.50", "10.00"]],
                                                                    D("20.00"))
    [entry] = audit_entries("scheme.created")
    assert entry.actor.startswith("cli:") and entry.before is None and entry.after["criteria"][0]["code"] == "A"


def test_a_scheme_with_several_problems_lists_them_all_and_stores_nothing(world, tmp_path):
    doc = scheme_doc()
    doc["criteria"][1]["total"] = "40.00"
    a11 = doc["criteria"][0]["sub_criteria"][0]["aspects"][0]
    a11["descriptors"] = a11["descriptors"][:3]
    b1 = doc["criteria"][1]["sub_criteria"][0]["aspects"]
    b1[0]["section"] = "9"
    b1[1]["colour"] = "red"
    result = import_scheme(tmp_path, doc)
    assert result.exit_code == 1
    assert sorted(result.stderr.splitlines()) == sorted([
        "criteria[1].sub_criteria[0].aspects[1].colour: unknown key",
        "criteria[1].total: criterion B states 40.00 but its aspects sum to 50.00",
        ("criteria[0].sub_criteria[0].aspects[0].descriptors: A1.1: a judgement aspect needs four descriptors, "
         "for scores 0, 1, 2 and 3"),
        "criteria[1].sub_criteria[0].aspects[0].section: B1.1: section 9 is not in the standards",
        "standards: section 1 has 40.00 marks for a weight of 50.00 (allowed variation 5.00)",
        "refused: 5 problem(s), nothing saved"])
    assert stored_rows() == (0, 0, 0, 0) and audit_entries("scheme.created") == []


def test_structural_problems_do_not_hide_the_scheme_checks(ctx):
    doc = scheme_doc()
    doc["x"], doc["criteria"][1]["total"] = 1, "40.00"
    for aspect in doc["criteria"][1]["sub_criteria"][0]["aspects"][:2]:
        del aspect["id"]  # reported once each, not again as "aspect  appears more than once"
    with pytest.raises(InputRefused) as refused:
        parse_scheme_json(doc)
    assert [str(p) for p in refused.value.problems] == [
        "criteria[1].sub_criteria[0].aspects[0].id: is required",
        "criteria[1].sub_criteria[0].aspects[1].id: is required", "x: unknown key",
        "criteria[1].total: criterion B states 40.00 but its aspects sum to 50.00"]


def test_a_total_off_100_is_refused(world, tmp_path):
    doc = scheme_doc()
    doc["criteria"][1]["sub_criteria"][0]["aspects"][0]["max"] = "9.00"
    del doc["criteria"][1]["total"]
    result = import_scheme(tmp_path, doc)
    assert result.exit_code == 1 and "criteria: the aspects' max marks sum to 99.00, not 100.00" in result.stderr


def test_export_json_prints_only_the_scheme_and_reimports_to_it(world, tmp_path):
    assert import_scheme(tmp_path, scheme_doc()).exit_code == 0
    result = run("export", "scheme", "EV1", "WELD")
    assert result.exit_code == 0 and result.stderr == ""
    doc = json.loads(result.stdout)
    assert [len(c["sub_criteria"]) for c in doc["criteria"]] == [1, 1]
    assert doc["criteria"][1]["sub_criteria"][0]["aspects"][2] == {
        "id": "B1.3", "type": "M", "description": "Defects", "max": "20.00", "section": "1",
        "calculation": "deduction", "deduct": "5.00"}
    assert parse_scheme_json(doc) == load_scheme(world.weld) == parse_scheme_json(scheme_doc())
    result = run("import", "scheme", "EV1", "WELD", write_json(tmp_path, doc, "again.json"))
    assert result.stdout.startswith("replaced scheme of EV1/WELD") and load_scheme(world.weld) == parse_scheme_json(doc)


def test_export_usage_and_refusals(world, tmp_path):
    assert run("export", "scheme", "EV1", "WELD", "--format", "xlsx").exit_code == 2
    assert run("export", "scheme", "EV1", "WELD", "--format", "pdf").exit_code == 2
    none = run("export", "scheme", "EV1", "WELD")
    assert none.exit_code == 1 and none.stderr == "refused: EV1/WELD has no marking scheme\n" and none.stdout == ""


def _cell(value: Any) -> Any:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return D(repr(value)).quantize(D("0.01"))
    return value


def test_the_cis_example_round_trips_through_the_command_line(world, tmp_path):
    result = run("import", "scheme", "EV1", "WELD", str(CIS_EXAMPLE))
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ("imported scheme of EV1/WELD: 6 criteria, 149 aspects (123 measurement, 26 judgement), "
                             "100.00 marks\n")
    out = tmp_path / "out.xlsx"
    result = run("export", "scheme", "EV1", "WELD", "--format", "xlsx", "--output", str(out))
    assert result.exit_code == 0 and result.stdout == ""
    original = load_workbook(CIS_EXAMPLE, data_only=True).active
    written = load_workbook(BytesIO(out.read_bytes()), data_only=True).active
    last = max(original.max_row, written.max_row)
    cells = [f"{c}{r}" for r in range(23, last + 1) for c in "ABCDEFGHIK"]
    assert [c for c in cells if _cell(original[c].value) != _cell(written[c].value)] == []
    assert written["A1"].value == original["A1"].value == "17 Web Development"


# --------------------------------------------------------------------------- frozen once marked


def test_replacing_is_allowed_until_the_first_mark(world, tmp_path):
    assert import_scheme(tmp_path, scheme_doc()).exit_code == 0
    doc = scheme_doc()
    doc["criteria"][0]["name"] = "Surface finish"
    replaced = import_scheme(tmp_path, doc)
    assert replaced.exit_code == 0 and replaced.stdout.startswith("replaced scheme of EV1/WELD:")
    assert world.criterion("A").name == "Surface finish" and stored_rows() == (2, 2, 2, 4)
    import_marks(world.weld, rows(("W-01", "B1.1", "", "10")))
    db.session.commit()
    refused = import_scheme(tmp_path, scheme_doc())
    assert refused.exit_code == 1
    assert refused.stderr == "refused: marking of WELD has started: only its chief expert may change the scheme\n"
    assert world.criterion("A").name == "Surface finish"


def test_the_chief_expert_may_reword_a_marked_scheme_but_not_reshape_it(world):
    save_scheme(world.weld, SchemeFile(parse_scheme_json(scheme_doc()), "scheme.json"), by_chief_expert=False)
    import_marks(world.weld, rows(("W-01", "B1.1", "", "10")))
    doc = scheme_doc()
    doc["criteria"][1]["sub_criteria"][0]["aspects"][0]["description"] = "Bevel angle 60°"
    doc["criteria"][0]["sub_criteria"][0]["aspects"][0]["descriptors"][3] = "excellent"
    assert save_scheme(world.weld, SchemeFile(parse_scheme_json(doc), "v2.json"), by_chief_expert=True) == "reworded"
    assert load_scheme(world.weld) == parse_scheme_json(doc)
    [entry] = audit_entries("scheme.reworded")
    assert entry.before["criteria"][1]["sub_criteria"][0]["aspects"][0]["description"] == "Bevel angle"
    assert entry.after["criteria"][1]["sub_criteria"][0]["aspects"][0]["description"] == "Bevel angle 60°"

    reshaped = scheme_doc()
    b1 = reshaped["criteria"][1]["sub_criteria"][0]["aspects"]
    b1[0]["max"], b1[2]["max"] = "15.00", "15.00"
    with pytest.raises(DomainError, match="marks exist for WELD: a new scheme may change wording only"):
        save_scheme(world.weld, SchemeFile(parse_scheme_json(reshaped), "v3.json"), by_chief_expert=True)
    assert load_scheme(world.weld) == parse_scheme_json(doc)
