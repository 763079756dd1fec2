"""The CIS spreadsheet reader and writer against the real EuroSkills 2023 Web Development sheet."""
from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from decimal import Decimal
from io import BytesIO
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from app.errors import InputRefused
from app.marking.cis import SHEET, read_cis, read_cis_with_layout, write_cis
from scoring.marks import Aspect, Criterion, Scheme, Standard, SubCriterion, validate_scheme
from tests.data import CIS_EXAMPLE

D = Decimal


@pytest.fixture(scope="module")
def example() -> bytes:
    return CIS_EXAMPLE.read_bytes()


def _sheet(data: bytes) -> Worksheet:
    book = load_workbook(BytesIO(data), data_only=True)
    return book[SHEET]


def _same(a: Any, b: Any) -> bool:
    """Empty and white-space-only text equal None; numbers compare as decimals to 2 places."""
    def norm(v: Any) -> Any:
        if v is None or (isinstance(v, str) and not v.strip()):
            return None
        if isinstance(v, int | float) and not isinstance(v, bool):
            return D(repr(v)).quantize(D("0.01"))
        return v
    return norm(a) == norm(b)


def _differing(left: Worksheet, right: Worksheet, rows: range, columns: str) -> list[str]:
    cells = [f"{c}{r}" for r in rows for c in columns]
    return [cell for cell in cells if not _same(left[cell].value, right[cell].value)]


def _first_block_row(sheet: Worksheet) -> int:
    return next(r for r in range(1, sheet.max_row + 1) if sheet[f"A{r}"].value == "Sub\nCriterion\nID")


# --------------------------------------------------------------------------- the real sheet


def test_reads_the_euroskills_web_development_scheme(example):
    scheme, title = read_cis(example)
    assert title == "17 Web Development"
    assert [c.code for c in scheme.criteria] == list("ABCDEF")
    assert [c.total for c in scheme.criteria] == [D(17), D(23), D(17), D(22), D(16), D(5)]
    aspects = list(scheme.aspects())
    assert len(aspects) == 149
    assert Counter(a.type for a in aspects) == {"M": 123, "J": 26}
    assert [(s.section, s.weight) for s in scheme.standards] == [
        ("1", D(5)), ("2", D(5)), ("3", D(25)), ("4", D(25)), ("5", D(40))]
    assert all(len(a.descriptors) == 4 for a in aspects if a.type == "J")
    assert all(a.calculation == "full_or_zero" for a in aspects if a.type == "M")
    assert [a.id for a in scheme.criteria[0].sub_criteria[0].aspects] == ["A1.1", "A1.2", "A1.3"]
    first = scheme.criteria[0].sub_criteria[0]
    assert (first.id, first.name, first.day) == ("A1", "Website Layout", 1)
    assert aspects[0].descriptors[0] == "All common elements are not responsive at all"
    assert aspects[2].extra.startswith("Header, Navigation, and Footer elements")
    assert validate_scheme(scheme) == []


def test_write_puts_every_cell_back_where_the_example_has_it(example):
    scheme, title, layout = read_cis_with_layout(example)
    original, written = _sheet(example), _sheet(write_cis(scheme, title, layout))
    first_block = _first_block_row(original)
    last = max(original.max_row, written.max_row)
    assert _differing(original, written, range(1, 2), "A") == []
    assert _differing(original, written, range(3, 11), "ABI") == []
    assert _differing(original, written, range(13, 21), "ABK") == []
    assert _differing(original, written, range(first_block, last + 1), "ABCDEFGHIK") == []


def test_write_without_layout_differs_from_the_example_only_in_blank_rows(example):
    """The example's spacing is irregular; the default rule keeps every non-blank row, in order."""
    scheme, title = read_cis(example)
    original, written = _sheet(example), _sheet(write_cis(scheme, title))

    def content(sheet: Worksheet) -> list[tuple[Any, ...]]:
        start = _first_block_row(sheet)
        rows = [tuple(None if v is None or (isinstance(v, str) and not v.strip()) else v for v in row)
                for row in sheet.iter_rows(min_row=start, max_col=11, values_only=True)]
        return [r for r in rows if any(v is not None for v in r)]

    assert content(written) == content(original)
    assert _differing(original, written, range(1, 11), "ABI") == []
    assert _differing(original, written, range(13, 21), "ABK") == []


def test_written_sheet_keeps_the_checks_as_formulas(example):
    scheme, title = read_cis(example)
    sheet = load_workbook(BytesIO(write_cis(scheme, title)))[SHEET]
    assert sheet["J5"].value.startswith("=SUMIF(") and sheet["K5"].value == "=ABS(I5-J5)"
    assert sheet["L23"].value == "Criterion A" and sheet["N23"].value.startswith("=SUM(K24:")


def test_read_of_write_gives_the_same_scheme(example):
    scheme, title = read_cis(example)
    assert read_cis(write_cis(scheme, title)) == (scheme, title)
    _, _, layout = read_cis_with_layout(example)
    assert read_cis(write_cis(scheme, title, layout)) == (scheme, title)


def test_columns_are_found_by_header_text(example):
    """Swap the description and extra columns, fold a header's spaces: the same scheme comes out."""
    scheme, title = read_cis(example)
    book = load_workbook(BytesIO(example), data_only=True)
    sheet = book[SHEET]
    for row in range(_first_block_row(sheet), sheet.max_row + 1):
        sheet[f"E{row}"].value, sheet[f"G{row}"].value = sheet[f"G{row}"].value, sheet[f"E{row}"].value
        if sheet[f"K{row}"].value == "Max\nMark":
            sheet[f"K{row}"].value = "  max   MARK "
    assert read_cis(_save(book)) == (scheme, title)


# --------------------------------------------------------------------------- small sheets


def _small_scheme() -> Scheme:
    return Scheme(
        standards=(Standard("1", "Work organization", D(60)), Standard("2", "Quality", D(40))),
        criteria=(Criterion("A", "Module A", (SubCriterion("A1", "Layout", 1, (
            Aspect("A1.1", "M", "Measured thing", D("1.00"), "1", requirement="60°±2°", extra="How"),
            Aspect("A1.2", "J", "Judged thing", D("2.00"), "2",
                   descriptors=("below", "meets", "exceeds", "excellent")),
        )),), total=D("3.00")),),
    )


def _save(book: Workbook) -> bytes:
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def _edited(change: Callable[[Worksheet], None]) -> bytes:
    """The small scheme written, then broken by ``change`` as a person editing it in Excel might."""
    book = load_workbook(BytesIO(write_cis(_small_scheme(), "99 Test Skill")))
    change(book[SHEET])
    return _save(book)


def _row(sheet: Worksheet, column: str, value: Any) -> int:
    return next(r for r in range(1, sheet.max_row + 1) if sheet[f"{column}{r}"].value == value)


def _refusal(data: bytes) -> list[str]:
    with pytest.raises(InputRefused) as refused:
        read_cis(data)
    return [str(p) for p in refused.value.problems]


def test_small_scheme_round_trips():
    data = write_cis(_small_scheme(), "99 Test Skill")
    assert read_cis(data) == (_small_scheme(), "99 Test Skill")
    sheet = _sheet(data)
    j_row = _row(sheet, "E", "Judged thing")
    assert [sheet[f"F{r}"].value for r in range(j_row + 1, j_row + 5)] == [0, 1, 2, 3]
    assert sheet[f"H{_row(sheet, 'E', 'Measured thing')}"].value == "60°±2°"


def test_binary_floats_are_read_as_two_decimals_but_a_third_decimal_is_kept():
    def change(sheet: Worksheet) -> None:
        sheet["I5"].value = 24.749999999999993
        sheet["I6"].value = 75.25000000000001
        sheet[f"K{_row(sheet, 'E', 'Measured thing')}"].value = 0.9999999999999999
        sheet[f"K{_row(sheet, 'E', 'Judged thing')}"].value = "2.125"

    scheme, _ = read_cis(_edited(change))
    assert [s.weight for s in scheme.standards] == [D("24.75"), D("75.25")]
    assert str(scheme.standards[0].weight) == "24.75"
    measured, judged = scheme.aspects()
    assert str(measured.max) == "1.00" and judged.max == D("2.125")
    assert any(f.where.endswith(".max") and "2 decimals" in f.text for f in validate_scheme(scheme))


def test_a_file_that_is_not_xlsx_is_refused():
    assert _refusal(b"id,name\n1,x\n") == ["file: not a readable .xlsx workbook"]


def test_a_sheet_without_tables_is_refused():
    book = Workbook()
    book.active["A1"] = "17 Web Development"
    problems = _refusal(_save(book))
    assert any("no WorldSkills Occupational Standards table" in p for p in problems)
    assert any("no Criteria table" in p for p in problems)


def test_a_judgement_aspect_with_three_score_rows_is_refused():
    def change(sheet: Worksheet) -> None:
        last = _row(sheet, "E", "Judged thing") + 4
        sheet[f"F{last}"].value = sheet[f"G{last}"].value = None

    data = _edited(change)
    row = _row(_sheet(data), "E", "Judged thing")
    assert _refusal(data) == [
        f"row {row}: a judgement aspect needs four score rows below it, scored 0, 1, 2 and 3; found 0, 1, 2"]


def test_scores_out_of_order_and_a_missing_descriptor_are_refused():
    def change(sheet: Worksheet) -> None:
        row = _row(sheet, "E", "Judged thing")
        sheet[f"F{row + 2}"].value, sheet[f"F{row + 3}"].value = 2, 1

    data = _edited(change)
    assert "found 0, 2, 1, 3" in _refusal(data)[0]

    def blank_descriptor(sheet: Worksheet) -> None:
        sheet[f"G{_row(sheet, 'E', 'Judged thing') + 2}"].value = " "

    data = _edited(blank_descriptor)
    row = _row(_sheet(data), "E", "Judged thing") + 2
    assert _refusal(data) == [f"row {row}: the description of score 1 is missing"]


def test_unknown_type_bad_and_missing_marks_are_refused_with_their_cells():
    def change(sheet: Worksheet) -> None:
        measured, judged = _row(sheet, "E", "Measured thing"), _row(sheet, "E", "Judged thing")
        sheet[f"D{measured}"].value = "X"
        sheet[f"K{measured}"].value = "abc"
        sheet[f"K{judged}"].value = ""

    data = _edited(change)
    sheet = _sheet(data)
    measured, judged = _row(sheet, "E", "Measured thing"), _row(sheet, "E", "Judged thing")
    assert _refusal(data) == [
        f"row {measured}, K: max mark abc is not a number",
        f"row {measured}, D: unknown aspect type X: expected M or J",
        f"row {judged}, K: the max mark is missing",
    ]


def test_an_aspect_before_any_sub_criterion_is_refused():
    def change(sheet: Worksheet) -> None:
        row = _row(sheet, "A", "A1")
        for column in "ABC":
            sheet[f"{column}{row}"].value = None

    data = _edited(change)
    measured = _row(_sheet(data), "E", "Measured thing")
    assert f"row {measured}: an aspect row before any sub-criterion" in _refusal(data)


def test_a_criterion_without_its_section_is_refused():
    def change(sheet: Worksheet) -> None:
        row = _row(sheet, "A", "A") + 1
        sheet[f"A{row}"].value, sheet[f"B{row}"].value, sheet[f"K{row}"].value = "B", "Module B", 5

    data = _edited(change)
    row = _row(_sheet(data), "A", "B")
    assert _refusal(data) == [
        f"row {row}, A: criterion B is in the Criteria table but has no section below it"]


def test_a_criteria_mark_that_differs_from_its_aspects_is_reported_with_both_numbers():
    def change(sheet: Worksheet) -> None:
        sheet[f"K{_row(sheet, 'A', 'A')}"].value = 4

    scheme, _ = read_cis(_edited(change))
    assert scheme.criteria[0].total == D("4.00")
    texts = [f.text for f in validate_scheme(scheme)]
    assert "criterion A states 4.00 but its aspects sum to 3.00" in texts


def test_every_problem_in_a_file_is_reported_in_row_order():
    def change(sheet: Worksheet) -> None:
        measured, judged = _row(sheet, "E", "Measured thing"), _row(sheet, "E", "Judged thing")
        sheet["I6"].value = "forty"
        sheet[f"D{measured}"].value = "X"
        sheet[f"K{judged}"].value = "abc"
        sheet[f"F{judged + 4}"].value = sheet[f"G{judged + 4}"].value = None
        sheet[f"C{_row(sheet, 'A', 'A1')}"].value = "day one"

    data = _edited(change)
    sheet = _sheet(data)
    measured, judged = _row(sheet, "E", "Measured thing"), _row(sheet, "E", "Judged thing")
    sub = _row(sheet, "A", "A1")
    problems = _refusal(data)
    assert [p.split(":")[0] for p in problems] == [
        "row 6, I", f"row {sub}, C", f"row {measured}, D", f"row {judged}, K", f"row {judged}"]
