"""One reader for tabular files (CSV and XLSX), shared by the command line and web uploads.

formats.md: the header must hold every expected column, in any order, and no other; every cell is
read as text and trimmed; CSV is UTF-8 (with or without BOM), else GB18030; XLSX is its first
sheet, date cells become ISO dates, and an ID number stored as a number is refused because Excel
has already lost its last digits. Rows are numbered as in a spreadsheet (header = row 1).
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from app.errors import InputRefused, Problem, at_row
from app.messages import msg


@dataclass(frozen=True)
class Row:
    number: int
    values: dict[str, str]

    def __getitem__(self, column: str) -> str:
        return self.values[column]


def read_table(data: bytes, filename: str, columns: list[str]) -> list[Row]:
    """Parse a CSV or XLSX file into rows of trimmed text; refuse the whole file on any problem."""
    suffix = Path(filename).suffix.lower()
    if suffix == ".csv":
        raw_rows = _csv_rows(data)
    elif suffix == ".xlsx":
        raw_rows = _xlsx_rows(data)
    else:
        raise InputRefused([Problem("file", msg("%(suffix)s: expected .csv or .xlsx", suffix=suffix or "no extension"))])
    return _to_rows(raw_rows, columns)


def _csv_rows(data: bytes) -> list[list[object]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError:
            raise InputRefused([Problem("file", msg("not UTF-8 or GB18030 text"))]) from None
    return [list(r) for r in csv.reader(io.StringIO(text, newline=""))]


def _xlsx_rows(data: bytes) -> list[list[object]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many types for a damaged or non-xlsx file
        raise InputRefused([Problem("file", msg("not a readable .xlsx workbook"))]) from None
    try:
        sheet = book.worksheets[0]
        return [list(r) for r in sheet.iter_rows(values_only=True)]
    finally:
        book.close()


class _NumberCell(str):
    """Text of a numeric Excel cell, remembered so digit-text columns can refuse it."""


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "Y" if value else "N"
    if isinstance(value, int | float):
        text = str(int(value)) if float(value).is_integer() else repr(value)
        return _NumberCell(text)
    return str(value).strip()


def _header_key(value: object) -> str:
    return " ".join(str(value or "").split()).lower()


def _to_rows(raw: list[list[object]], columns: list[str]) -> list[Row]:
    while raw and all(_cell_text(c) == "" for c in raw[-1]):
        raw.pop()
    if not raw:
        raise InputRefused([Problem("file", msg("is empty: expected a header row"))])
    header = [_header_key(c) for c in raw[0]]
    while header and header[-1] == "":
        header.pop()
    problems = []
    unknown = [h or f"(empty, column {i + 1})" for i, h in enumerate(header) if h not in columns]
    if unknown:
        problems.append(Problem("row 1", msg("unknown column(s): %(columns)s", columns=", ".join(unknown))))
    missing = [c for c in columns if c not in header]
    if missing:
        problems.append(Problem("row 1", msg("missing column(s): %(columns)s", columns=", ".join(missing))))
    duplicated = sorted({h for h in header if header.count(h) > 1})
    if duplicated:
        problems.append(Problem("row 1", msg("repeated column(s): %(columns)s", columns=", ".join(duplicated))))
    if problems:
        raise InputRefused(problems)
    rows = []
    for offset, cells in enumerate(raw[1:], start=2):
        texts = [_cell_text(c) for c in cells]
        if all(t == "" for t in texts):
            continue
        values = {}
        for i, name in enumerate(header):
            text = texts[i] if i < len(texts) else ""
            # Excel keeps 15 significant digits: an 18-digit ID typed as a number is already wrong.
            if isinstance(text, _NumberCell) and name == "id_number" and len(text) >= 15:
                problems.append(at_row(offset, name, msg("stored as a number in Excel, digits lost; format the column as text")))
            values[name] = str(text).strip()
        rows.append(Row(offset, values))
    if problems:
        raise InputRefused(problems)
    return rows


def xlsx_template(columns: list[str]) -> bytes:
    """An empty workbook with the header and every column formatted as text (@)."""
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    sheet.append(columns)
    for i, name in enumerate(columns, start=1):
        letter = get_column_letter(i)
        sheet.column_dimensions[letter].width = max(12, len(name) + 4)
        for row in range(1, 1001):
            sheet[f"{letter}{row}"].number_format = "@"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


def safe_cell(value: object) -> str:
    """Text for an exported cell; a spreadsheet would run ``= + - @`` (or tab, CR, LF) at the start
    of a cell as a formula, so those get a leading ``'`` (formats.md)."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_bytes(header: list[str], rows: list[list[object]]) -> bytes:
    """UTF-8 with a BOM, which Excel needs to read Chinese correctly; every cell made safe."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([safe_cell(v) for v in row] for row in rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def xlsx_bytes(header: list[str], rows: list[list[object]], title: str = "Sheet1") -> bytes:
    """One sheet of text cells (so ``0.50`` stays ``0.50`` and bibs keep their zeros), made safe."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    sheet.append(header)
    for row in rows:
        sheet.append([safe_cell(v) for v in row])
    for column in sheet.iter_cols():
        for cell in column:
            cell.number_format = "@"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
