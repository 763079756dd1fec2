"""Writing a CIS sheet laid out like WorldSkills' own, or as a read found it (see the package)."""
from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from io import BytesIO
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.worksheet import Worksheet

from app.marking.cis.sheet import (
    BLOCK_HEADERS,
    CRITERIA_HEADERS,
    CRITERIA_TITLE,
    SHEET,
    STANDARDS_HEADERS,
    STANDARDS_TITLE,
    TOTAL_MARK,
    CisLayout,
)
from app.tabular import write_cell, write_formula
from scoring.marks import JUDGEMENT_SCORES, MEASUREMENT, Aspect, Criterion, Scheme, SubCriterion

_WIDTHS = {"A": 8, "B": 39, "C": 8, "D": 8.5, "E": 52, "F": 8, "G": 48, "H": 15.5, "I": 11.5, "J": 11,
           "K": 10.5, "L": 18.5, "M": 8, "N": 10.5}


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
        for score, descriptor in zip(JUDGEMENT_SCORES, aspect.descriptors, strict=False):  # none for a measurement
            self.put(row + 1 + score, 6, score)
            self.put(row + 1 + score, 7, descriptor)

    def formulas(self, first_section: int, total_row: int, headers: list[int], footer: int) -> None:
        """The sheet's own checks, so it works in Excel; a reader sees no cached value and ignores them."""
        first = (headers[0] if headers else footer) + 1
        for row in range(first_section, total_row):
            write_formula(self.sheet, row, 10, f"=SUMIF(I{first}:I{footer - 1},A{row},K{first}:K{footer - 1})")
            write_formula(self.sheet, row, 11, f"=ABS(I{row}-J{row})")
        write_formula(self.sheet, total_row, 11, f"=SUM(K{first_section}:K{total_row - 1})")
        for header, end in zip(headers, [*headers[1:], footer], strict=False):  # each header to the next
            write_formula(self.sheet, header, 14, f"=SUM(K{header + 1}:K{end - 1})")
        self.put(footer, 12, "Competition", bold=True)
        self.put(footer, 13, TOTAL_MARK, bold=True)
        write_formula(self.sheet, footer, 14, f"=SUM(N1:N{footer - 1})")
