"""Rule sets as data (formats.md "rule sets"): imported versions in the database, shipped files
behind them, one lookup for every feature that applies rules (grants now, promotion next).

Provinces change their rules, so an organizer loads a new rule set, or a new version of a shipped
one, without code: ``import rules FILE`` (and later an upload form) stores the TOML text as
written, after the reader of its kind accepted it (grants: :func:`scoring.grants.read_rule_set`,
promotion: :func:`scoring.promotion.read_rule_set`), every problem listed when it did not.

Choices where the docs are silent:

- **Which version applies**: the newest *imported* version of a code (the highest version number,
  i.e. the last import), else the shipped file. ``valid_from`` does not pick versions: a version is
  a correction or a new reading of the same rule set; a new policy is a new code.
- **Versions**: numbered 1, 2, … per kind and code, in import order; the shipped file is version 0.
  Importing a text identical to the one in force stores nothing (idempotent).
- **Kinds**: the file's own ``kind`` decides; a grants code and a promotion code never collide in
  lookups (the kind is part of the key).
- **Grant matches** (Xiamen's 1:1 ``match`` of the Ministry's amounts) resolve against the rule sets
  in force at lookup time, so a new version of the matched set carries over. An import that would
  leave another set's ``match`` unresolvable is refused, naming that set.
- **Files**: TOML only (formats.md), UTF-8 (with or without BOM).

Services add and flush, audit, never commit (design.md).
"""
from __future__ import annotations

import hashlib
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Date, Integer, String, Text, UniqueConstraint, func, select
from sqlalchemy.orm import Mapped, mapped_column

from app import audit, clock
from app.db import Moment
from app.errors import DomainError, InputRefused, Problem
from app.extensions import db
from app.inputs import problems_of
from app.messages import msg
from scoring import grants, promotion
from scoring.rulesets import RuleSetError, parse_rule_set, shipped_codes, shipped_text

GRANTS = "grants"
PROMOTION = "promotion"
KINDS = (GRANTS, PROMOTION)
SHIPPED = 0


class RuleSetVersion(db.Model):
    """One imported version of a rule set: the TOML text as written, with the header fields a list
    shows without parsing it again."""

    __tablename__ = "rule_sets"
    __table_args__ = (UniqueConstraint("kind", "code", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    code: Mapped[str] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(Integer)
    valid_from: Mapped[date] = mapped_column(Date)
    name: Mapped[str] = mapped_column(String(200))
    source: Mapped[str] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)
    imported_at: Mapped[datetime] = mapped_column(Moment, default=clock.now)
    imported_by: Mapped[str] = mapped_column(String(120))


class RuleSetUnknown(DomainError):
    """No rule set of that kind and code, imported or shipped."""


@dataclass(frozen=True)
class RuleSetInfo:
    """What a list of rule sets shows: ``version`` 0 is the shipped file."""

    kind: str
    code: str
    name: str
    source: str
    valid_from: date
    version: int
    imported_at: datetime | None = None
    imported_by: str | None = None

    @property
    def shipped(self) -> bool:
        return self.version == SHIPPED


@dataclass(frozen=True)
class Imported:
    version: RuleSetVersion | None     # None: the text in force already (nothing stored)
    kind: str
    code: str
    in_force: int                      # the version in force after the import
    rules: int


# --- reading texts --------------------------------------------------------------------------------

def _newest(kind: str) -> dict[str, RuleSetVersion]:
    """The newest imported version of each code of ``kind`` (one query)."""
    newest = (select(RuleSetVersion.code, func.max(RuleSetVersion.version).label("version"))
              .where(RuleSetVersion.kind == kind).group_by(RuleSetVersion.code).subquery())
    rows = db.session.scalars(select(RuleSetVersion).join(
        newest, (RuleSetVersion.code == newest.c.code) & (RuleSetVersion.version == newest.c.version))
        .where(RuleSetVersion.kind == kind))
    return {row.code: row for row in rows}


def texts_in_force(kind: str) -> dict[str, tuple[str, int]]:
    """code → (TOML text, version) of every rule set of ``kind`` in force (imported over shipped)."""
    found = {code: (shipped_text(kind, code), SHIPPED) for code in shipped_codes(kind)}
    found.update({code: (row.text, row.version) for code, row in _newest(kind).items()})
    return dict(sorted(found.items()))


def _load_grants(texts: dict[str, str]) -> dict[str, grants.RuleSet]:
    return grants.load_rule_sets({f"{code}.toml": text for code, text in texts.items()})


def grant_rule_sets() -> dict[str, grants.RuleSet]:
    """Every grant rule set in force, by code, matches resolved among them."""
    try:
        return _load_grants({code: text for code, (text, _) in texts_in_force(GRANTS).items()})
    except grants.GrantsError as error:   # only when a shipped file changed under an imported one
        raise DomainError(msg("the grant rule sets in force do not load together: %(problems)s",
                              problems="; ".join(map(str, error.findings)))) from None


def rule_set(kind: str, code: str) -> Any:
    """The rule set in force for ``kind`` and ``code``: the newest imported version, else the shipped
    file; :class:`RuleSetUnknown` when there is neither. Returns ``scoring.grants.RuleSet`` or
    ``scoring.promotion.PromotionRuleSet``."""
    if kind == GRANTS:
        found = grant_rule_sets().get(code)
    elif kind == PROMOTION:
        text = texts_in_force(PROMOTION).get(code)
        found = promotion.read_rule_set(text[0]) if text else None
    else:
        raise RuleSetUnknown(msg("%(kind)s is not a kind of rule set: grants, promotion", kind=kind))
    if found is None:
        raise RuleSetUnknown(msg("unknown %(kind)s rule set %(code)s", kind=kind, code=code))
    return found


def version_in_force(kind: str, code: str) -> int | None:
    """The version a lookup uses (0: shipped), or ``None`` when there is no such rule set."""
    found = texts_in_force(kind).get(code)
    return None if found is None else found[1]


def rule_sets(kind: str) -> list[RuleSetInfo]:
    """The rule sets in force of ``kind``, sorted by code, with their sources (for a list page)."""
    newest = _newest(kind)
    found: list[RuleSetInfo] = []
    for code in sorted(set(shipped_codes(kind)) | set(newest)):
        row = newest.get(code)
        if row is not None:
            found.append(RuleSetInfo(kind, code, row.name, row.source, row.valid_from, row.version,
                                     row.imported_at, row.imported_by))
            continue
        header = tomllib.loads(shipped_text(kind, code))
        valid_from = header["valid_from"]
        if isinstance(valid_from, str):
            valid_from = date.fromisoformat(valid_from)
        found.append(RuleSetInfo(kind, code, header["name"], header["source"], valid_from, SHIPPED))
    return found


def versions(kind: str, code: str) -> list[RuleSetVersion]:
    """Every imported version of one rule set, newest first."""
    return list(db.session.scalars(select(RuleSetVersion).where(
        RuleSetVersion.kind == kind, RuleSetVersion.code == code).order_by(RuleSetVersion.version.desc())))


# --- importing ------------------------------------------------------------------------------------

def _read_grants(text: str) -> grants.RuleSet:
    """A grant set, its matches resolved against the sets in force; refused, too, when it would
    break a match of another set in force (a new version of a matched set dropping the rule)."""
    in_force = {code: t for code, (t, _) in texts_in_force(GRANTS).items()}
    catalogue = grant_rule_sets()
    try:
        read = grants.read_rule_set(text, catalogue=catalogue)
    except grants.GrantsError as error:
        raise InputRefused(problems_of(error.findings)) from None
    in_force[read.code] = text
    try:
        _load_grants(in_force)
    except grants.GrantsError as error:
        others = [f for f in error.findings if not f.where.startswith(f"{read.code}.toml")]
        raise InputRefused(problems_of(others or error.findings)) from None
    return read


def _read_promotion(text: str) -> promotion.PromotionRuleSet:
    try:
        return promotion.read_rule_set(text)
    except RuleSetError as error:
        raise InputRefused(problems_of(error.findings)) from None


READERS: dict[str, Callable[[str], Any]] = {GRANTS: _read_grants, PROMOTION: _read_promotion}


def _decode(data: bytes, filename: str) -> str:
    if Path(filename).suffix.lower() != ".toml":
        raise InputRefused([Problem("file", msg("%(suffix)s: a rule set is a .toml file",
                                                suffix=Path(filename).suffix or "no extension"))])
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputRefused([Problem("file", msg("not UTF-8 text"))]) from None


def _kind_of(text: str) -> str:
    try:
        kind = tomllib.loads(text).get("kind")
    except tomllib.TOMLDecodeError as error:
        raise InputRefused([Problem("file", msg("not valid TOML: %(error)s", error=str(error)))]) from None
    if not isinstance(kind, str) or kind not in READERS:
        # The shared reader names the missing or unknown kind and every other shared problem.
        raise InputRefused(problems_of(parse_rule_set(text)[1]))
    return kind


def import_rule_set(data: bytes, filename: str) -> Imported:
    """Validate and store a rule file as the newest version of its code (formats.md ``import
    rules``); refused whole with every problem (:class:`InputRefused`)."""
    text = _decode(data, filename)
    kind = _kind_of(text)
    read = READERS[kind](text)
    in_force = texts_in_force(kind).get(read.code)
    if in_force is not None and in_force[0] == text:
        return Imported(None, kind, read.code, in_force[1], len(read.rules))
    number = (db.session.scalar(select(func.max(RuleSetVersion.version)).where(
        RuleSetVersion.kind == kind, RuleSetVersion.code == read.code)) or SHIPPED) + 1
    row = RuleSetVersion(kind=kind, code=read.code, version=number, valid_from=read.valid_from,
                         name=read.name, source=read.source, text=text, imported_at=clock.now(),
                         imported_by=audit.current_actor())
    db.session.add(row)
    db.session.flush()
    audit.record("rule_set.import", "rule_set", f"{kind}/{read.code}", before=None if in_force is None else
                 {"version": in_force[1]},
                 after={"kind": kind, "code": read.code, "version": number, "name": read.name,
                        "valid_from": read.valid_from, "rules": [r.id for r in read.rules],
                        "sha256": hashlib.sha256(text.encode("utf-8")).hexdigest()},
                 note=filename[:500] or None)
    return Imported(row, kind, read.code, number, len(read.rules))
