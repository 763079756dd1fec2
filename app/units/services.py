"""Units by code, their subtree, and their import (``import units``, the units page): all-or-nothing,
every change audited."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from app import audit
from app.errors import DomainError, InputRefused, Problem, at_row
from app.extensions import db
from app.messages import msg
from app.tabular import Row
from app.units.models import UNIT_CODE_PATTERN, Unit, UnitKind

UNIT_COLUMNS = ["code", "name", "kind", "parent_code"]


class UnitsError(DomainError):
    pass


def unit_by_code(code: str) -> Unit | None:
    """Units are named by code in every file and form; ``None`` lets the caller say where it was unknown."""
    return db.session.scalar(select(Unit).where(Unit.code == code))


def subtree_ids(unit_id: int) -> set[int]:
    """The unit and all its descendants (a recursive CTE, which both SQLite and PostgreSQL run)."""
    tree = select(Unit.id).where(Unit.id == unit_id).cte("tree", recursive=True)
    tree = tree.union_all(select(Unit.id).where(Unit.parent_id == tree.c.id))
    return set(db.session.scalars(select(tree.c.id)))


def _unit_state(unit: Unit) -> dict[str, Any]:
    return {"code": unit.code, "name": unit.name, "kind": unit.kind,
            "parent_code": unit.parent.code if unit.parent else None}


@dataclass
class UnitsImported:
    created: int
    updated: int


def import_units(rows: list[Row]) -> UnitsImported:
    """Create or update units by code; parents may come later in the file or exist already."""
    problems: list[Problem] = []
    by_code: dict[str, Row] = {}
    kinds = {k.value for k in UnitKind}
    for row in rows:
        code, name, kind = row["code"], row["name"], row["kind"]
        if not re.fullmatch(UNIT_CODE_PATTERN, code):
            problems.append(at_row(row.number, "code",
                                   msg("%(code)s must be 1–20 of A–Z, 0–9 and -", code=repr(code))))
        elif code in by_code:
            problems.append(at_row(row.number, "code",
                                   msg("%(code)s already on row %(row)s", code=code, row=by_code[code].number)))
        else:
            by_code[code] = row
        if not name:
            problems.append(at_row(row.number, "name", msg("is empty")))
        elif len(name) > 200:
            problems.append(at_row(row.number, "name", msg("is longer than 200 characters")))
        if kind not in kinds:
            problems.append(at_row(row.number, "kind", msg("%(value)s is not one of %(choices)s", value=repr(kind),
                                                           choices=", ".join(sorted(kinds)))))
    existing = {u.code: u for u in db.session.scalars(select(Unit))}
    for code, row in by_code.items():
        parent = row["parent_code"]
        if parent and parent not in by_code and parent not in existing:
            problems.append(at_row(row.number, "parent_code", msg("unknown unit %(code)s", code=parent)))
        elif parent == code:
            problems.append(at_row(row.number, "parent_code", msg("a unit cannot be its own parent")))
    problems += _cycles(by_code, existing)
    if problems:
        raise InputRefused(problems)
    befores = {code: _unit_state(existing[code]) if code in existing else None for code in by_code}
    for code, row in by_code.items():
        unit = existing.get(code)
        if unit is None:
            unit = existing[code] = Unit(code=code)
            db.session.add(unit)
        unit.name, unit.kind = row["name"], UnitKind(row["kind"])
    for code, row in by_code.items():
        existing[code].parent = existing[row["parent_code"]] if row["parent_code"] else None
    db.session.flush()
    created = updated = 0
    for code, before in befores.items():
        after = _unit_state(existing[code])
        if before is None:
            created += 1
        elif before != after:
            updated += 1
        else:
            continue
        audit.record("unit.import", "unit", code, before=before, after=after)
    return UnitsImported(created, updated)


def _cycles(by_code: dict[str, Row], existing: dict[str, Unit]) -> list[Problem]:
    """A parent chain that comes back to its start would make the tree a loop."""
    def parent_of(code: str) -> str | None:
        if code in by_code:
            return by_code[code]["parent_code"] or None
        unit = existing.get(code)
        return unit.parent.code if unit and unit.parent else None

    problems = []
    for code, row in by_code.items():
        seen, node = {code}, parent_of(code)
        while node is not None:
            if node in seen:
                problems.append(at_row(row.number, "parent_code",
                                       msg("%(code)s makes a loop in the unit tree", code=row["parent_code"])))
                break
            seen.add(node)
            node = parent_of(node)
    return problems


def save_unit(unit: Unit | None, *, code: str, name: str, kind: UnitKind, parent: Unit | None) -> Unit:
    """Create (``unit`` None) or change a unit from the web form."""
    if parent is not None and unit is not None:
        node = parent
        while node is not None:
            if node.id == unit.id:
                raise UnitsError(msg("a unit cannot be placed under itself or its own descendants"))
            node = node.parent
    clash = unit_by_code(code)
    if clash is not None and clash is not unit:
        raise UnitsError(msg("unit code %(code)s is taken", code=code))
    before = _unit_state(unit) if unit else None
    if unit is None:
        unit = Unit(code=code, name=name, kind=kind, parent=parent)
        db.session.add(unit)
    else:
        unit.code, unit.name, unit.kind, unit.parent = code, name, kind, parent
    db.session.flush()
    audit.record("unit.create" if before is None else "unit.update", "unit", unit.code,
                 before=before, after=_unit_state(unit))
    return unit
