"""``import titles`` and ``import training`` (formats.md): records kept on persons, for grants.

The file and (later) an upload page share these functions: rows from :func:`app.tabular.read_table`,
every problem located ``row N, column``, and nothing saved unless every row is sound. A training
row is judged by :func:`scoring.grants.training_problems` against the app's clock, the same check
the computation makes, so a stored record never refuses a computation later.

Choices where formats.md is silent:

- **Persons** are found by ID number whatever its type (these files have no ``id_type``); the name
  must be the one on record (as at registration; the message names no stored value). A number no
  person has yet creates a person when it is a valid resident ID number (birth date and gender read
  from it); any other document's holder must be registered first, as its type cannot be guessed.
- **Units**: ``unit_code`` and ``training_body`` must name units on record, and ``unit_code`` is
  required: a title without a unit could never be placed in a jurisdiction.
- **Titles** may be given by code or by the Chinese name formats.md gives (全国技术能手, …); the year
  is 1949 … this year.
- **Re-importing** a record that exists with the same values does nothing (counted ``unchanged``),
  so a file may be imported twice. A row that names an existing record (person + title + year, or
  person + start day) with other values is refused, naming the columns that differ: a recorded
  fact may already be paid, so it is not overwritten by a file; the same holds for two rows of one
  file naming one record.
- **Y/N** columns accept Y, N, 是, 否 (any case); empty is N. ``occupation`` is free text (at most 100
  characters), ideally the occupation code of 《职业分类大典》, which grants group by.
- Each new record is audited (``title.create``, ``training.create``) with the number masked.

Services add, flush and audit, never commit.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select

from app import audit, clock
from app.errors import InputRefused, Problem, at_row
from app.extensions import db
from app.messages import Message, msg
from app.numbers import NotANumber, parse_whole
from app.people import idcard
from app.people.models import Person, TitleRecord, TrainingRecord
from app.people.services import (
    persons_by_number,
    record_created,
    resident_from_number,
    unknown_number_message,
)
from app.tabular import Row
from app.units.models import Unit
from scoring.grants import Training, training_problems
from scoring.grants.core import TITLE_LABELS

TITLE_COLUMNS = ["id_number", "name", "unit_code", "title", "year"]
TRAINING_COLUMNS = ["id_number", "name", "training_body", "occupation", "start_date", "end_date", "days",
                    "certificate_date", "employed_date", "employed_in_province", "placed_by_body"]
TITLES: dict[str, str] = {code: code for code in TITLE_LABELS} | {
    "中华技能大奖": "china_skills_award", "全国技术能手": "national_technical_expert",
    "省技能大奖": "provincial_skills_award", "技能大赛十佳": "provincial_skills_award",
    "省级技术能手": "provincial_technical_expert"}
YES_NO = {"": False, "y": True, "n": False, "是": True, "否": False}
FIRST_YEAR = 1949
MAX_LENGTHS = {"id_number": 32, "name": 100, "occupation": 100}
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class RecordsImported:
    created: int
    unchanged: int


class _Rows:
    """Problems of a file, each at its row and column."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, row: int, column: str, message: Message) -> None:
        self.problems.append(at_row(row, column, message))

    def refuse_if_any(self) -> None:
        if self.problems:
            raise InputRefused(sorted(self.problems, key=_row_order))


def _row_order(found: Problem) -> int:
    match = re.match(r"row (\d+)", found.where)
    return int(match.group(1)) if match else 0


def _required(rows: _Rows, row: Row, columns: tuple[str, ...]) -> None:
    for column in columns:
        if not row[column]:
            rows.add(row.number, column, msg("is empty"))
    for column, limit in MAX_LENGTHS.items():
        if len(row.values.get(column, "")) > limit:
            rows.add(row.number, column, msg("is longer than %(limit)s characters", limit=limit))


def _date(rows: _Rows, row: Row, column: str) -> date | None:
    text = row[column]
    if not text:
        return None
    try:
        parsed = date.fromisoformat(text) if ISO_DATE.fullmatch(text) else None
    except ValueError:
        parsed = None
    if parsed is not None:
        return parsed
    rows.add(row.number, column, msg("%(value)s is not a date YYYY-MM-DD", value=repr(text)))
    return None


def _flag(rows: _Rows, row: Row, column: str) -> bool:
    value = YES_NO.get(row[column].lower())
    if value is None:
        rows.add(row.number, column, msg("%(value)s is not one of %(choices)s", value=repr(row[column]),
                                         choices="Y, N, 是, 否"))
        return False
    return value


def _units(codes: set[str]) -> dict[str, int]:
    if not codes:
        return {}
    query = select(Unit.code, Unit.id).where(Unit.code.in_(codes))
    return {code: uid for code, uid in db.session.execute(query)}


def _unit(rows: _Rows, row: Row, column: str, units: dict[str, int]) -> int | None:
    code = row[column]
    if code and code not in units:
        rows.add(row.number, column, msg("unknown unit %(code)s", code=code))
    return units.get(code)


class _People:
    """Persons by ID number for one file: on record, or new residents (created once per number)."""

    def __init__(self, numbers: set[str]) -> None:
        self.known = persons_by_number(numbers)
        self.created: list[Person] = []

    def find(self, rows: _Rows, row: Row, number: str, name: str) -> Person | None:
        if not number:
            return None
        found = self.known.get(number, [])
        if len(found) > 1:
            rows.add(row.number, "id_number", msg("more than one person on record has this number (with "
                                                  "different ID types); register the title or training "
                                                  "on the web, where the type is chosen"))
            return None
        if not found:
            person, problems = resident_from_number(number, name)
            if person is None:
                rows.add(row.number, "id_number", unknown_number_message(problems))
                return None
            self.known[number] = [person]
            self.created.append(person)
            return person
        person = found[0]
        if name and name != person.name:
            rows.add(row.number, "name", msg("differs from the %(column)s on record for this ID number; "
                                             "check both", column="name"))
            return None
        return person


# Stored attributes named by the file's columns in messages.
COLUMN_OF = {"unit_id": "unit_code", "training_body_id": "training_body"}


def _differing(values: dict[str, Any], record: Any) -> list[str]:
    return [COLUMN_OF.get(column, column) for column, value in values.items() if getattr(record, column) != value]


def _check_existing(rows: _Rows, row: Row, differ: list[str], what: Message) -> None:
    if differ:
        rows.add(row.number, differ[0], msg("%(what)s is already recorded with other values (%(columns)s); a "
                                            "recorded fact is not changed by a file",
                                            what=what, columns=", ".join(differ)))


# --- titles ---------------------------------------------------------------------------------------

def _title_year(rows: _Rows, row: Row) -> int | None:
    text = row["year"]
    if not text:
        return None
    try:
        year = parse_whole(text, digits=4) if len(text) == 4 else None
    except NotANumber:
        year = None
    if year is None:
        rows.add(row.number, "year", msg("%(value)s is not a year YYYY", value=repr(text)))
        return None
    if year > clock.today().year:
        rows.add(row.number, "year", msg("%(year)s is in the future", year=year))
        return None
    if year < FIRST_YEAR:
        rows.add(row.number, "year", msg("must be %(first)s or later", first=FIRST_YEAR))
        return None
    return year


def import_titles(rows: list[Row]) -> RecordsImported:
    """Title records from ``id_number,name,unit_code,title,year`` rows, all or none."""
    if not rows:
        raise InputRefused([Problem("file", msg("has no rows: expected a row after the header"))])
    found = _Rows()
    units = _units({r["unit_code"] for r in rows if r["unit_code"]})
    people = _People({idcard.normalize(r["id_number"]) for r in rows if r["id_number"]})
    wanted: list[tuple[Row, Person, dict[str, Any]]] = []
    for row in rows:
        _required(found, row, ("id_number", "name", "unit_code", "title", "year"))
        unit_id = _unit(found, row, "unit_code", units)
        title = TITLES.get(row["title"]) or TITLES.get(row["title"].lower())
        if row["title"] and title is None:
            found.add(row.number, "title", msg("%(value)s is not one of %(choices)s",
                                               value=repr(row["title"]), choices=", ".join(TITLE_LABELS)))
        year = _title_year(found, row)
        person = people.find(found, row, idcard.normalize(row["id_number"]), row["name"])
        if person is not None and unit_id is not None and title is not None and year is not None:
            wanted.append((row, person, {"unit_id": unit_id, "title": title, "year": year}))
    existing = _existing_titles([p for _, p, _ in wanted if p.id is not None])
    return _save(found, wanted, people, existing, lambda person, v: (person.id, v["title"], v["year"]),
                 lambda v: msg("title %(title)s of %(year)s", title=v["title"], year=v["year"]),
                 TitleRecord, "title.create")


def _existing_titles(persons: list[Person]) -> dict[tuple[Any, ...], TitleRecord]:
    ids = sorted({p.id for p in persons})
    found: dict[tuple[Any, ...], TitleRecord] = {}
    for start in range(0, len(ids), 500):
        for record in db.session.scalars(select(TitleRecord).where(
                TitleRecord.person_id.in_(ids[start:start + 500]))):
            found[(record.person_id, record.title, record.year)] = record
    return found


# --- training -------------------------------------------------------------------------------------

def _days(found: _Rows, row: Row) -> int | None:
    text = row["days"]
    if not text:
        return None
    if not re.fullmatch(r"[+-]?[0-9]{1,6}", text):
        found.add(row.number, "days", msg("%(value)s is not a whole number of days", value=repr(text)))
        return None
    return int(text)


def import_trainings(rows: list[Row]) -> RecordsImported:
    """Training records from formats.md's columns, all or none."""
    if not rows:
        raise InputRefused([Problem("file", msg("has no rows: expected a row after the header"))])
    found = _Rows()
    today = clock.today()
    units = _units({r["training_body"] for r in rows if r["training_body"]})
    people = _People({idcard.normalize(r["id_number"]) for r in rows if r["id_number"]})
    wanted: list[tuple[Row, Person, dict[str, Any]]] = []
    for row in rows:
        _required(found, row, ("id_number", "name", "training_body", "start_date", "end_date", "days"))
        body = _unit(found, row, "training_body", units)
        start, end = _date(found, row, "start_date"), _date(found, row, "end_date")
        certificate, employed = _date(found, row, "certificate_date"), _date(found, row, "employed_date")
        days = _days(found, row)
        in_province, placed = _flag(found, row, "employed_in_province"), _flag(found, row, "placed_by_body")
        number = idcard.normalize(row["id_number"])
        if start is not None and end is not None and days is not None:
            record = Training(id_number=number, training_body=row["training_body"], start_date=start,
                              end_date=end, days=days, name=row["name"], occupation=row["occupation"],
                              certificate_date=certificate, employed_date=employed,
                              employed_in_province=in_province, placed_by_body=placed)
            for problem in training_problems(record, today):
                found.add(row.number, problem.where, msg(problem.template, **problem.params))
        person = people.find(found, row, number, row["name"])
        if person is not None and body is not None and None not in (start, end, days):
            wanted.append((row, person, {
                "training_body_id": body, "occupation": row["occupation"], "start_date": start,
                "end_date": end, "days": days, "certificate_date": certificate, "employed_date": employed,
                "employed_in_province": in_province, "placed_by_body": placed}))
    existing = _existing_trainings([p for _, p, _ in wanted if p.id is not None])
    return _save(found, wanted, people, existing, lambda person, v: (person.id, v["start_date"]),
                 lambda v: msg("a training starting on %(start)s", start=v["start_date"].isoformat()),
                 TrainingRecord, "training.create")


def _existing_trainings(persons: list[Person]) -> dict[tuple[Any, ...], TrainingRecord]:
    ids = sorted({p.id for p in persons})
    found: dict[tuple[Any, ...], TrainingRecord] = {}
    for start in range(0, len(ids), 500):
        for record in db.session.scalars(select(TrainingRecord).where(
                TrainingRecord.person_id.in_(ids[start:start + 500]))):
            found[(record.person_id, record.start_date)] = record
    return found


# --- saving ---------------------------------------------------------------------------------------

def _save(found: _Rows, wanted: list[tuple[Row, Person, dict[str, Any]]], people: _People,
          existing: dict[tuple[Any, ...], Any], key: Callable[[Person, dict[str, Any]], tuple[Any, ...]],
          describe: Callable[[dict[str, Any]], Message], model: type[Any], action: str) -> RecordsImported:
    """Compare every row with the record it names (on record or earlier in the file), then write
    the new ones, or nothing when any row has a problem."""
    new: list[tuple[Any, Person, dict[str, Any]]] = []
    earlier: dict[tuple[Any, ...], tuple[int, dict[str, Any]]] = {}
    unchanged = 0
    for row, person, values in wanted:
        # A new person has no id yet: the person object itself keys their records.
        k = key(person, values) if person.id is not None else (id(person), *key(person, values)[1:])
        if k in earlier:
            first, seen = earlier[k]
            differ = [COLUMN_OF.get(c, c) for c, v in values.items() if seen[c] != v]
            if differ:
                found.add(row.number, differ[0], msg("names the same record as row %(first)s with other "
                                                     "values (%(columns)s)", first=first,
                                                     columns=", ".join(differ)))
            else:
                unchanged += 1
            continue
        earlier[k] = (row.number, values)
        record = existing.get(k)
        if record is not None:
            differ = _differing(values, record)
            _check_existing(found, row, differ, describe(values))
            unchanged += 0 if differ else 1
            continue
        new.append((row, person, values))
    found.refuse_if_any()
    db.session.flush()            # new persons get their ids
    record_created(people.created)
    records = []
    for _, person, values in new:
        record = model(person_id=person.id, imported_at=clock.now(), **values)
        db.session.add(record)
        records.append((record, person, values))
    db.session.flush()
    for record, person, values in records:
        audit.record(action, model.__tablename__.removesuffix("s"), record.id,
                     after={"id_number": person.masked_id, **values})
    return RecordsImported(len(records), unchanged)
