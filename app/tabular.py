"""One reader for tabular files (CSV and XLSX), shared by the command line and web uploads.

formats.md: the header must hold every expected column, in any order, and no other; every cell is
read as text and trimmed; CSV is UTF-8 (with or without BOM), else GB18030; XLSX is its first
sheet, date cells become ISO dates, and an ID number stored as a number is refused because Excel
has already lost its last digits. Rows are numbered as in a spreadsheet (header = row 1).
"""
from __future__ import annotations

import csv
import io
import itertools
import zipfile
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from openpyxl.utils import get_column_letter

from app.errors import InputRefused, Problem, at_row
from app.input_limits import InputLimits
from app.messages import msg


@dataclass(frozen=True)
class Row:
    number: int
    values: dict[str, str]

    def __getitem__(self, column: str) -> str:
        return self.values[column]


def read_table(data: bytes, filename: str, columns: list[str], limits: InputLimits | None = None) -> list[Row]:
    """Parse a CSV or XLSX file into rows of trimmed text; refuse the whole file on any problem.

    ``limits`` default to the app's config; every one is checked before the work that grows with it.
    """
    limits = limits or InputLimits.from_config()
    suffix = Path(filename).suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise InputRefused([Problem("file", msg("%(suffix)s: expected .csv or .xlsx",
                                                suffix=suffix or "no extension"))])
    _check_bytes(data, limits)
    raw_rows = _csv_rows(data, limits) if suffix == ".csv" else read_sheet(data, limits)
    return _to_rows(raw_rows, columns)


def _check_bytes(data: bytes, limits: InputLimits) -> None:
    if len(data) > limits.bytes:
        raise InputRefused([Problem("file", msg("%(size)s bytes, more than the limit of %(limit)s bytes",
                                                size=len(data), limit=limits.bytes))])


def _too_many_rows(number: int, limit: int, sheet: str | None = None) -> InputRefused:
    message = msg("beyond the limit of %(limit)s rows", limit=limit) if sheet is None else \
        msg("sheet %(sheet)s: beyond the limit of %(limit)s rows", sheet=sheet, limit=limit)
    return InputRefused([at_row(number, "", message)])


def _too_many_columns(number: int, column: int, limit: int, sheet: str | None = None) -> InputRefused:
    """Named at the first column past the limit; its letter as a spreadsheet shows it."""
    message = msg("beyond the limit of %(limit)s columns", limit=limit) if sheet is None else \
        msg("sheet %(sheet)s: beyond the limit of %(limit)s columns", sheet=sheet, limit=limit)
    return InputRefused([at_row(number, f"column {get_column_letter(min(column, 18278))}", message)])


def _check_cell(number: int, column: int, text: str, limits: InputLimits) -> None:
    """A cell's length, and no NUL character (PostgreSQL cannot store one)."""
    where = f"column {get_column_letter(column)}"
    if len(text) > limits.cell_chars:
        message = msg("%(length)s characters, more than the limit of %(limit)s in a cell",
                      length=len(text), limit=limits.cell_chars)
        raise InputRefused([at_row(number, where, message)])
    if "\x00" in text:
        raise InputRefused([at_row(number, where, msg("a text holds a NUL character"))])


def _csv_rows(data: bytes, limits: InputLimits) -> list[list[object]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError:
            raise InputRefused([Problem("file", msg("not UTF-8 or GB18030 text"))]) from None
    rows: list[list[object]] = []
    reader = csv.reader(io.StringIO(text, newline=""))
    for number in itertools.count(1):
        try:
            row = next(reader, None)
        except csv.Error as e:  # a cell over csv's own field limit, a NUL byte, a stray quote
            raise InputRefused([at_row(number, "", msg("not readable as CSV: %(reason)s", reason=str(e)))]) from None
        if row is None:
            break
        width = len(row)
        while width and not row[width - 1].strip():
            width -= 1
        if width == 0 and number > limits.rows:
            continue  # blank lines past the limit are not kept, only numbered
        if number > limits.rows:
            raise _too_many_rows(number, limits.rows)
        if width > limits.columns:
            raise _too_many_columns(number, limits.columns + 1, limits.columns)
        for column, cell in enumerate(row[:width], start=1):
            _check_cell(number, column, cell, limits)
        rows.append(row[:width])
    return rows


def read_sheet(data: bytes, limits: InputLimits | None = None, name: str | None = None) -> list[list[object]]:
    """The cell values of an .xlsx's sheet ``name`` (else its first), row by row from row 1.

    The sheet's declared dimension is never used (a 2 KB file can declare A1:XFD1048576): rows and
    cells are taken from the XML as they come and refused past the limits, and the zip's unpacked
    size is checked before openpyxl opens anything (a zip bomb of shared strings).
    """
    from openpyxl import load_workbook

    limits = limits or InputLimits.from_config()
    _check_bytes(data, limits)
    _check_unpacked(data, limits)
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many types for a damaged or non-xlsx file
        raise InputRefused([Problem("file", msg("not a readable .xlsx workbook"))]) from None
    try:
        sheet = book[name] if name in book.sheetnames else book.worksheets[0]
        return _sheet_rows(book, sheet, limits)
    except InputRefused:
        raise
    except Exception:  # a damaged sheet part (bad XML, bad CRC) found while reading it
        raise InputRefused([Problem("file", msg("not a readable .xlsx workbook"))]) from None
    finally:
        book.close()


def _check_unpacked(data: bytes, limits: InputLimits) -> None:
    """The zip's declared sizes bound what reading it can produce: Python's zipfile stops at them."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        raise InputRefused([Problem("file", msg("not a readable .xlsx workbook"))]) from None
    if unpacked > limits.unpacked_bytes:
        raise InputRefused([Problem("file", msg("unpacks to %(size)s bytes, more than the limit of %(limit)s bytes",
                                                size=unpacked, limit=limits.unpacked_bytes))])


def _sheet_rows(book, sheet, limits: InputLimits) -> list[list[object]]:
    """Rows as the sheet's XML lists them (openpyxl's own cell parser, without its read-only
    worksheet, which pads every row and fills every gap up to the declared dimension)."""
    from openpyxl.worksheet._reader import WorkSheetParser

    rows: list[list[object]] = []
    with sheet._get_source() as source:
        parser = WorkSheetParser(source, sheet._shared_strings, data_only=True, epoch=book.epoch,
                                 date_formats=book._date_formats, timedelta_formats=book._timedelta_formats)
        for number, cells in parser.parse():
            filled = [(cell["column"], cell["value"]) for cell in cells if cell["value"] is not None]
            if not filled:
                continue
            if number > limits.rows:
                raise _too_many_rows(number, limits.rows, sheet.title)
            for column, value in filled:
                if column > limits.columns:
                    raise _too_many_columns(number, column, limits.columns, sheet.title)
                if isinstance(value, str):
                    _check_cell(number, column, value, limits)
            values: list[object] = [None] * max(column for column, _value in filled)
            for column, value in filled:
                values[column - 1] = value
            rows.extend([] for _gap in range(number - len(rows) - 1))
            rows.append(values)
    return rows


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
    present = set(header)
    missing = [c for c in columns if c not in present]
    if missing:
        problems.append(Problem("row 1", msg("missing column(s): %(columns)s", columns=", ".join(missing))))
    duplicated = sorted(h for h, count in Counter(header).items() if count > 1)
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
                problems.append(at_row(
                    offset, name, msg("stored as a number in Excel, digits lost; format the column as text")))
            values[name] = str(text).strip()
        rows.append(Row(offset, values))
    if problems:
        raise InputRefused(problems)
    return rows


def xlsx_template(columns: list[str]) -> bytes:
    """An empty workbook with the header and every column formatted as text (@)."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    for i, name in enumerate(columns, start=1):
        write_cell(sheet, 1, i, name)
        letter = get_column_letter(i)
        sheet.column_dimensions[letter].width = max(12, len(name) + 4)
        for row in range(1, 1001):
            sheet[f"{letter}{row}"].number_format = "@"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


def write_cell(sheet, row: int, column: int, value: object):
    """The one way the product puts a value into a workbook cell: text is stored as a text cell,
    never as a formula, whatever it starts with (openpyxl would make ``=HYPERLINK(…)`` a live
    formula); so a scheme's description comes back out, and in again, exactly as typed."""
    cell = sheet.cell(row, column, value)
    if isinstance(value, str):
        cell.data_type = "s"
    return cell


def write_formula(sheet, row: int, column: int, formula: str):
    """A formula the product composes itself (the CIS sheet's own sums); never text from data."""
    return sheet.cell(row, column, formula)


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
    for number, values in enumerate([header, *([safe_cell(v) for v in row] for row in rows)], start=1):
        for column, value in enumerate(values, start=1):
            write_cell(sheet, number, column, value).number_format = "@"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
