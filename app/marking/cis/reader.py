"""Reading a CIS sheet: tables found by their headers, every problem located ``row N, COLUMN`` (see the package)."""
from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from openpyxl.utils import get_column_letter

from app.errors import InputRefused, Problem, at_row
from app.marking.cis.sheet import SHEET, CisLayout
from app.messages import msg
from app.tabular import read_sheet
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

CENT = Decimal("0.01")
_NOISE = Decimal("0.000001")
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
        blocks = [self.block(row, end) for row, end in zip(self.block_rows, [*self.block_rows[1:], None], strict=False)]
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
        for _row, score, _described in draft.scores:
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
        for score, (row, _value, text) in zip(JUDGEMENT_SCORES, draft.scores, strict=True):
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
