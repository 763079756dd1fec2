"""The WorldSkills CIS "Marking Scheme Import" spreadsheet ⇄ :class:`scoring.marks.Scheme`.

Layout and rules: formats.md ("marking scheme"). Choices where formats.md is silent:

- Tables are found by their headers: the standards table by ``Section`` in column A, the Criteria
  table by ``ID``/``Name`` in A/B, and each criterion block by a ``Sub Criterion ID`` header row
  whose ``Criterion X`` cell (anywhere in that row) names the criterion. Block columns are located
  by header prefix with white space folded and case ignored; a missing header falls back to the
  column the CIS template uses. The standards marks are in the rightmost column headed
  ``WSOS Marks`` other than B (the real sheet also labels its name column B so), else I.
- Numbers: cached binary floats are read through ``repr`` and rounded to 2 decimals only when the
  difference is float noise (< 0.000001); a real third decimal (0.125) is kept so that
  ``validate_scheme`` refuses it instead of the import silently changing a mark. Numeric text
  ("0.5") is accepted. Section numbers become text ("1"); aspect types are read case-insensitively.
- Text: codes (ids, types, sections) are trimmed; prose (names, descriptions, descriptors) is kept
  verbatim so an export reproduces it, but a cell of only white space counts as empty. Column H
  (requirement) is read for judgement aspects too, so nothing in a row is lost.
- Problems are located as ``row N, COLUMN`` and sorted by row; the file is refused as a whole.
  Problems found only on the whole scheme (sums, unknown sections, duplicate ids) are left to
  ``validate_scheme``, which the caller runs with the event's tolerance.
- Writing: the example's layout (title in A1, standards from row 3, Criteria table three rows
  below, blocks three rows below that). The example's blank rows are not regular (criterion A puts a
  blank row between measurement aspects, B–F do not; two sub-criteria follow without a blank), so
  no rule derived from a ``Scheme`` reproduces them. The default rule is the common one: a blank row
  after every sub-criterion and between two aspects unless both are measurements. For a faithful
  re-export, :func:`read_cis_with_layout` also returns the rows where everything stood, and
  :func:`write_cis` follows them where they still fit (an edited scheme falls back to the rule).
  A criterion without a stated total is written with the sum of its aspects.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from io import BytesIO
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from app.errors import InputRefused, Problem, at_row
from app.messages import msg
from app.tabular import read_sheet, write_cell, write_formula
from scoring.marks import (
    JUDGEMENT,
    JUDGEMENT_SCORES,
    MEASUREMENT,
    Aspect,
    Criterion,
    Scheme,
    Standard,
    SubCriterion,
)

SHEET = "CIS Marking Scheme Import"
CENT = Decimal("0.01")
_NOISE = Decimal("0.000001")

# Header texts exactly as in the WorldSkills sheet (with their line breaks).
STANDARDS_TITLE = "WorldSkills Occupational Standards"
STANDARDS_HEADERS = {1: "Section", 2: "WSOS Marks", 9: "WSOS Marks", 10: "Aspect Marks", 11: "Variation"}
CRITERIA_TITLE = "Criteria"
CRITERIA_HEADERS = {1: "ID", 2: "Name", 11: "Mark"}
BLOCK_HEADERS = {
    1: "Sub\nCriterion\nID",
    2: "Sub Criterion\nName or Description",
    3: "Day of Marking",
    4: "Aspect\nType\nM = Meas\nJ = Judg",
    5: "Aspect - Description",
    6: "Judg Score",
    7: "Extra Aspect Description (Meas or Judg)\nOR\nJudgement Score Description (Judg only)",
    8: "Requirement\n(Measurement Only)",
    9: "WSOS Section",
    10: "Calculation Row \n(Export only)",
    11: "Max\nMark",
}
TOTAL_MARK = "Total\nMark"
# Block column → (header prefixes, folded and lower-cased; the template's column).
_BLOCK_COLUMNS: dict[str, tuple[tuple[str, ...], int]] = {
    "id": (("sub criterion id",), 1),
    "name": (("sub criterion name",), 2),
    "day": (("day of marking",), 3),
    "type": (("aspect type",), 4),
    "description": (("aspect - description", "aspect description"), 5),
    "score": (("judg score", "judgement score"), 6),
    "extra": (("extra aspect description", "judgement score description"), 7),
    "requirement": (("requirement",), 8),
    "section": (("wsos section",), 9),
    "max": (("max mark",), 11),
}
_CRITERION_CELL = re.compile(r"^criterion\s+(\S+)$", re.IGNORECASE)
_WIDTHS = {"A": 8, "B": 39, "C": 8, "D": 8.5, "E": 52, "F": 8, "G": 48, "H": 15.5, "I": 11.5, "J": 11,
           "K": 10.5, "L": 18.5, "M": 8, "N": 10.5}


@dataclass(frozen=True)
class CisLayout:
    """Where a sheet put things (``criteria``, ``criterion A``, ``sub A1``, ``aspect A1.1``, ``footer``)."""

    rows: Mapping[str, int] = field(default_factory=dict)


# --------------------------------------------------------------------------- reading


def read_cis(data: bytes) -> tuple[Scheme, str]:
    """The scheme and the skill title (A1) of a CIS sheet; refuses the file listing every problem."""
    scheme, title, _ = read_cis_with_layout(data)
    return scheme, title


def read_cis_with_layout(data: bytes) -> tuple[Scheme, str, CisLayout]:
    """As :func:`read_cis`, plus the rows things stood on, so :func:`write_cis` can put them back."""
    rows = read_sheet(data, name=SHEET)
    reader = _Reader(rows)
    scheme = reader.scheme()
    if reader.problems:
        raise InputRefused(sorted(reader.problems, key=_row_of))
    reader.layout["footer"] = len(rows)
    return scheme, _text(_cell(rows, 1, 1)).strip(), CisLayout(dict(reader.layout))


def _row_of(problem: Problem) -> int:
    match = re.match(r"row (\d+)", problem.where)
    return int(match.group(1)) if match else 0


def _cell(rows: Sequence[Sequence[Any]], row: int, column: int) -> Any:
    """1-based like the sheet; cells past the end of a row are empty."""
    values = rows[row - 1] if 0 < row <= len(rows) else ()
    return values[column - 1] if 0 < column <= len(values) else None


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _fold(value: Any) -> str:
    """Header text compared with line breaks and runs of spaces folded, case ignored."""
    return " ".join(str(value).split()).lower() if isinstance(value, str) else ""


def _text(value: Any) -> str:
    if _blank(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return value if isinstance(value, str) else str(value)


def _code(value: Any) -> str:
    """Ids, types and section numbers: trimmed text, whole numbers without ``.0``."""
    return _text(value).strip()


def _decimal(value: Any) -> Decimal | None:
    """A cell as a decimal (``None`` when empty); ``ValueError`` when it is not a number."""
    if _blank(value):
        return None
    try:  # booleans and dates fail here too: "True" and "2023-09-01 00:00:00" are not decimals
        exact = Decimal(repr(value)) if isinstance(value, float) else Decimal(str(value).strip())
        if not exact.is_finite():
            raise ValueError(value)
        rounded = exact.quantize(CENT)
    except InvalidOperation:
        raise ValueError(value) from None
    return rounded if abs(exact - rounded) < _NOISE else exact


def _whole(value: Any) -> int | None:
    """Day of marking and judgement scores; ``ValueError`` unless a whole number."""
    number = _decimal(value)
    if number is None:
        return None
    if number != number.to_integral_value():
        raise ValueError(value)
    return int(number)


@dataclass
class _AspectDraft:
    """An aspect while its score rows are still being read (the dataclass itself is frozen)."""

    row: int
    fields: dict[str, Any]
    scores: list[tuple[int, Any, str]] = field(default_factory=list)


@dataclass
class _SubDraft:
    id: str
    name: str
    day: int | None
    aspects: list[Aspect] = field(default_factory=list)


@dataclass
class _Block:
    code: str
    row: int
    subs: list[_SubDraft] = field(default_factory=list)


@dataclass
class _TableEntry:
    code: str
    name: str
    total: Decimal | None
    row: int


class _Reader:
    """One pass over the sheet's values, collecting the scheme's parts and every problem."""

    def __init__(self, rows: list[list[Any]]):
        self.rows = rows
        self.problems: list[Problem] = []
        self.layout: dict[str, int] = {}
        self.block_rows = [r for r in range(1, len(rows) + 1)
                           if any(_fold(v) == "sub criterion id" for v in rows[r - 1])]

    def cell(self, row: int, column: int) -> Any:
        return _cell(self.rows, row, column)

    def problem(self, row: int, column: int | None, message: str) -> None:
        self.problems.append(at_row(row, get_column_letter(column) if column else "", message))

    def find_row(self, wanted: dict[int, str], before: int) -> int | None:
        for row in range(1, min(before, len(self.rows) + 1)):
            if all(_fold(self.cell(row, col)) == text for col, text in wanted.items()):
                return row
        return None

    def scheme(self) -> Scheme:
        first_block = self.block_rows[0] if self.block_rows else len(self.rows) + 1
        standards = self.standards(first_block)
        entries = self.criteria_table(first_block)
        blocks = [self.block(row, end) for row, end in zip(self.block_rows, [*self.block_rows[1:], None])]
        return Scheme(tuple(standards), tuple(self.criteria(entries, blocks)))

    # -- the two tables above the blocks

    def standards(self, before: int) -> list[Standard]:
        header = self.find_row({1: "section"}, before)
        if header is None:
            self.problems.append(Problem("file", msg(
                "no WorldSkills Occupational Standards table (a row with Section in column A)")))
            return []
        headed = [c for c, v in enumerate(self.rows[header - 1], 1) if c != 2 and _fold(v) == "wsos marks"]
        marks_col = max(headed, default=9)
        standards = []
        for row in self.table_rows(header, before):
            try:
                weight = _decimal(self.cell(row, marks_col))
            except ValueError:
                self.problem(row, marks_col, msg("WSOS marks %(value)s are not a number",
                                                 value=self.cell(row, marks_col)))
                continue
            if weight is None:
                self.problem(row, marks_col, msg("the WSOS marks of section %(section)s are missing",
                                                 section=_code(self.cell(row, 1))))
                continue
            standards.append(Standard(_code(self.cell(row, 1)), _text(self.cell(row, 2)), weight))
        return standards

    def criteria_table(self, before: int) -> list[_TableEntry]:
        header = self.find_row({1: "id", 2: "name"}, before)
        if header is None:
            self.problems.append(Problem("file", msg(
                "no Criteria table (a row with ID in column A and Name in B)")))
            return []
        self.layout["criteria"] = header
        mark_col = next((c for c, v in enumerate(self.rows[header - 1], 1) if _fold(v) == "mark"), 11)
        entries: list[_TableEntry] = []
        for row in self.table_rows(header, before):
            code = _code(self.cell(row, 1))
            if any(e.code == code for e in entries):
                self.problem(row, 1, msg("criterion %(code)s appears twice in the Criteria table", code=code))
            try:
                total = _decimal(self.cell(row, mark_col))
            except ValueError:
                self.problem(row, mark_col, msg("mark %(value)s is not a number",
                                                value=self.cell(row, mark_col)))
                total = None
            entries.append(_TableEntry(code, _text(self.cell(row, 2)), total, row))
        return entries

    def table_rows(self, header: int, before: int) -> Iterable[int]:
        """A table runs from below its header to its first row with column A empty."""
        row = header + 1
        while row < before and row <= len(self.rows) and not _blank(self.cell(row, 1)):
            yield row
            row += 1

    # -- criterion blocks

    def block(self, header: int, end: int | None) -> _Block:
        columns = self.block_columns(header)
        code = self.block_code(header)
        self.layout[f"criterion {code}"] = header
        block = _Block(code, header)
        pending: _AspectDraft | None = None
        for row in range(header + 1, (end or len(self.rows) + 1)):
            if self.is_score_row(row, columns):
                if pending is None:
                    self.problem(row, columns["score"], msg("a score row must follow a judgement aspect"))
                else:
                    pending.scores.append((row, self.cell(row, columns["score"]),
                                           _text(self.cell(row, columns["extra"]))))
                continue
            self.finish(pending, block)
            pending = self.content_row(row, columns, block)
        self.finish(pending, block)
        return block

    def block_columns(self, header: int) -> dict[str, int]:
        """Columns by header text where the header row has it, else the template's column."""
        folded = [(c, _fold(v)) for c, v in enumerate(self.rows[header - 1], 1)]
        return {key: next((c for c, text in folded if text.startswith(prefixes)), default)
                for key, (prefixes, default) in _BLOCK_COLUMNS.items()}

    def block_code(self, header: int) -> str:
        for value in self.rows[header - 1]:
            match = _CRITERION_CELL.match(" ".join(str(value).split())) if isinstance(value, str) else None
            if match:
                return match.group(1)
        self.problem(header, None, msg("this header row names no criterion (a cell like Criterion A)"))
        return ""

    def is_score_row(self, row: int, columns: dict[str, int]) -> bool:
        return (not _blank(self.cell(row, columns["score"])) and _blank(self.cell(row, columns["type"]))
                and _blank(self.cell(row, columns["id"])))

    def content_row(self, row: int, columns: dict[str, int], block: _Block) -> _AspectDraft | None:
        """A sub-criterion row, an aspect row, or both; returns a judgement aspect awaiting its scores."""
        def value(key: str) -> Any:
            return self.cell(row, columns[key])

        if not _blank(value("id")):
            self.start_sub(row, columns, block)
        elif not (_blank(value("name")) and _blank(value("day"))):
            self.problem(row, columns["id"], msg("the sub-criterion id is missing"))
        if _blank(value("type")):
            if any(not _blank(value(k)) for k in ("description", "extra", "requirement", "section", "max")):
                self.problem(row, columns["type"], msg("the aspect type is missing"))
            return None
        if not block.subs:
            self.problem(row, None, msg("an aspect row before any sub-criterion"))
            return None
        return self.aspect(row, columns, block)

    def start_sub(self, row: int, columns: dict[str, int], block: _Block) -> None:
        sub_id = _code(self.cell(row, columns["id"]))
        try:
            day = _whole(self.cell(row, columns["day"]))
        except ValueError:
            self.problem(row, columns["day"], msg("day of marking %(value)s is not a whole number",
                                                  value=self.cell(row, columns["day"])))
            day = None
        block.subs.append(_SubDraft(sub_id, _text(self.cell(row, columns["name"])), day))
        self.layout[f"sub {sub_id}"] = row

    def aspect(self, row: int, columns: dict[str, int], block: _Block) -> _AspectDraft | None:
        """Reads one aspect row; a measurement aspect is stored at once, a judgement one is returned."""
        sub = block.subs[-1]
        def value(key: str) -> Any:
            return self.cell(row, columns[key])

        kind = _code(value("type")).upper()
        aspect_id = f"{sub.id}.{len(sub.aspects) + 1}"
        self.layout[f"aspect {aspect_id}"] = row
        fields = {"id": aspect_id, "type": kind, "description": _text(value("description")),
                  "max": self.max_mark(row, columns["max"]), "section": _code(value("section")),
                  "extra": _text(value("extra")), "requirement": _text(value("requirement"))}
        if kind not in (MEASUREMENT, JUDGEMENT):
            self.problem(row, columns["type"], msg("unknown aspect type %(value)s: expected M or J",
                                                   value=_code(value("type"))))
        if not fields["description"].strip():
            self.problem(row, columns["description"], msg("the aspect description is missing"))
        if not fields["section"]:
            self.problem(row, columns["section"], msg("the WSOS section is missing"))
        sub.aspects.append(Aspect(**fields))
        return _AspectDraft(row, fields) if kind == JUDGEMENT else None

    def max_mark(self, row: int, column: int) -> Decimal:
        try:
            mark = _decimal(self.cell(row, column))
        except ValueError:
            self.problem(row, column, msg("max mark %(value)s is not a number", value=self.cell(row, column)))
            return Decimal(0)
        if mark is None:
            self.problem(row, column, msg("the max mark is missing"))
            return Decimal(0)
        return mark

    def finish(self, draft: _AspectDraft | None, block: _Block) -> None:
        """A judgement aspect is complete with four score rows, 0 to 3 in order, each described."""
        if draft is None:
            return
        scores = []
        for _row, score, _text_ in draft.scores:
            try:
                scores.append(_whole(score))
            except ValueError:
                scores.append(score)
        if scores != list(JUDGEMENT_SCORES):
            found = ", ".join(str(s) for s in scores) or "none"
            self.problem(draft.row, None, msg(
                "a judgement aspect needs four score rows below it, scored 0, 1, 2 and 3; found %(found)s",
                found=found))
            return
        for score, (row, _value, text) in zip(JUDGEMENT_SCORES, draft.scores):
            if not text.strip():
                self.problem(row, None, msg("the description of score %(score)s is missing", score=score))
        sub = block.subs[-1]
        sub.aspects[-1] = Aspect(**draft.fields, descriptors=tuple(t for _r, _s, t in draft.scores))

    def criteria(self, entries: list[_TableEntry], blocks: list[_Block]) -> list[Criterion]:
        """The Criteria table gives order, names and marks; each entry needs its block below."""
        by_code: dict[str, _Block] = {}
        for block in blocks:
            if block.code in by_code:
                self.problem(block.row, None, msg("criterion %(code)s has two sections", code=block.code))
            elif entries and block.code and block.code not in {e.code for e in entries}:
                self.problem(block.row, None, msg("criterion %(code)s is not in the Criteria table",
                                                  code=block.code))
            by_code.setdefault(block.code, block)
        criteria = []
        for entry in entries:
            block = by_code.get(entry.code)
            if block is None:
                self.problem(entry.row, 1, msg("criterion %(code)s is in the Criteria table "
                                               "but has no section below it", code=entry.code))
                continue
            subs = tuple(SubCriterion(s.id, s.name, s.day, tuple(s.aspects)) for s in block.subs)
            criteria.append(Criterion(entry.code, entry.name, subs, entry.total))
        return criteria


# --------------------------------------------------------------------------- writing


def write_cis(scheme: Scheme, title: str, layout: CisLayout | None = None) -> bytes:
    """The scheme as a CIS sheet laid out like WorldSkills' own.

    ``layout`` (from :func:`read_cis_with_layout`) puts rows back where the read found them.
    """
    book = Workbook()
    sheet = book.active
    sheet.title = SHEET
    _Writer(sheet, scheme, layout.rows if layout else {}).write(title)
    book.calculation.fullCalcOnLoad = True
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def _number(value: Decimal) -> int | float:
    """Whole marks as integers, others as floats, as the WorldSkills sheet stores them."""
    return int(value) if value == value.to_integral_value() else float(value)


def _section(section: str) -> int | str:
    return int(section) if section.isascii() and section.isdigit() else section


_WRAP = Alignment(wrap_text=True, vertical="top")
_BOLD = Font(bold=True)


class _Writer:
    """Writes top to bottom; ``next_row`` is the first row below everything written so far."""

    def __init__(self, sheet: Worksheet, scheme: Scheme, rows: Mapping[str, int]):
        self.sheet, self.scheme, self.rows = sheet, scheme, rows
        self.next_row = 1

    def place(self, key: str, earliest: int, default: int) -> int:
        """The row the layout asks for, if it is still free; else the default rule's row."""
        wanted = self.rows.get(key)
        return wanted if wanted is not None and wanted >= earliest else default

    def put(self, row: int, column: int, value: Any, *, bold: bool = False) -> None:
        cell = write_cell(self.sheet, row, column, value)
        cell.alignment = _WRAP
        if bold:
            cell.font = _BOLD
        self.next_row = max(self.next_row, row + 1)

    def write(self, title: str) -> None:
        for letter, width in _WIDTHS.items():
            self.sheet.column_dimensions[letter].width = width
        self.put(1, 1, title, bold=True)
        self.sheet.merge_cells("A1:K1")
        first_section, total_row = self.standards()
        self.criteria_table(total_row)
        headers: list[int] = []
        for criterion in self.scheme.criteria:
            headers.append(self.block(criterion, gap=1 if headers else 2))
        footer = self.place("footer", self.next_row, self.next_row + 1)
        self.formulas(first_section, total_row, headers, footer)

    def standards(self) -> tuple[int, int]:
        self.put(3, 1, STANDARDS_TITLE, bold=True)
        self.sheet.merge_cells("A3:K3")
        self.headers(4, STANDARDS_HEADERS)
        self.sheet.merge_cells("B4:H4")
        for row, standard in enumerate(self.scheme.standards, 5):
            self.put(row, 1, _section(standard.section))
            self.put(row, 2, standard.name)
            self.sheet.merge_cells(start_row=row, start_column=2, end_row=row, end_column=8)
            self.put(row, 9, _number(standard.weight))
        total_row = 5 + len(self.scheme.standards)
        self.put(total_row, 9, "Total Variation", bold=True)
        self.sheet.merge_cells(start_row=total_row, start_column=9, end_row=total_row, end_column=10)
        return 5, total_row

    def criteria_table(self, total_row: int) -> None:
        header = self.place("criteria", total_row + 2, total_row + 4)
        self.put(header - 1, 1, CRITERIA_TITLE, bold=True)
        self.sheet.merge_cells(start_row=header - 1, start_column=1, end_row=header - 1, end_column=11)
        self.headers(header, CRITERIA_HEADERS)
        for row, criterion in enumerate(self.scheme.criteria, header):
            row += 1
            self.put(row, 1, criterion.code)
            self.put(row, 2, criterion.name)
            self.put(row, 11, _number(criterion.max_total if criterion.total is None else criterion.total))
        for row in range(header, header + len(self.scheme.criteria) + 1):
            self.sheet.merge_cells(start_row=row, start_column=2, end_row=row, end_column=10)

    def headers(self, row: int, texts: Mapping[int, str]) -> None:
        for column, text in texts.items():
            self.put(row, column, text, bold=True)

    def block(self, criterion: Criterion, gap: int) -> int:
        """One criterion: ``gap`` blank rows, its header row, then sub-criteria; returns the header's row."""
        header = self.place(f"criterion {criterion.code}", self.next_row, self.next_row + gap)
        self.headers(header, {**BLOCK_HEADERS, 12: f"Criterion {criterion.code}", 13: TOTAL_MARK})
        for sub in criterion.sub_criteria:
            self.sub_criterion(sub, first=self.next_row == header + 1)
        return header

    def sub_criterion(self, sub: SubCriterion, *, first: bool) -> None:
        """A blank row after each sub-criterion, and between two aspects unless both are measurements."""
        start = self.next_row
        row = self.place(f"sub {sub.id}", start, start if first else start + 1)
        self.put(row, 1, sub.id)
        self.put(row, 2, sub.name)
        if sub.day is not None:
            self.put(row, 3, sub.day)
        previous: Aspect | None = None
        for aspect in sub.aspects:
            if previous is None:
                aspect_row = self.place(f"aspect {aspect.id}", row, row + 1)
            else:
                gap = 0 if previous.type == aspect.type == MEASUREMENT else 1
                aspect_row = self.place(f"aspect {aspect.id}", self.next_row, self.next_row + gap)
            self.aspect(aspect_row, aspect)
            previous = aspect

    def aspect(self, row: int, aspect: Aspect) -> None:
        self.put(row, 4, aspect.type)
        self.put(row, 5, aspect.description)
        if aspect.extra:
            self.put(row, 7, aspect.extra)
        if aspect.requirement:
            self.put(row, 8, aspect.requirement)
        self.put(row, 9, _section(aspect.section))
        self.put(row, 11, _number(aspect.max))
        for score, descriptor in zip(JUDGEMENT_SCORES, aspect.descriptors):
            self.put(row + 1 + score, 6, score)
            self.put(row + 1 + score, 7, descriptor)

    def formulas(self, first_section: int, total_row: int, headers: list[int], footer: int) -> None:
        """The sheet's own checks, so it works in Excel; a reader sees no cached value and ignores them."""
        first = (headers[0] if headers else footer) + 1
        for row in range(first_section, total_row):
            write_formula(self.sheet, row, 10, f"=SUMIF(I{first}:I{footer - 1},A{row},K{first}:K{footer - 1})")
            write_formula(self.sheet, row, 11, f"=ABS(I{row}-J{row})")
        write_formula(self.sheet, total_row, 11, f"=SUM(K{first_section}:K{total_row - 1})")
        for header, end in zip(headers, [*headers[1:], footer]):
            write_formula(self.sheet, header, 14, f"=SUM(K{header + 1}:K{end - 1})")
        self.put(footer, 12, "Competition", bold=True)
        self.put(footer, 13, TOTAL_MARK, bold=True)
        write_formula(self.sheet, footer, 14, f"=SUM(N1:N{footer - 1})")
