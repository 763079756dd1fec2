"""Rule sets as TOML (formats.md "rule sets"): read a file, check what every rule set shares, return
plain data for the module of its kind (``promotion``, ``grants``) to check and turn into rules.

Provinces publish their own tables, so rules are data an organizer loads without code; the same
reader serves the shipped files in ``scoring/policies/<kind>/<code>.toml`` and an uploaded file.
Shared here: TOML syntax; the top-level keys ``kind``, ``code``, ``name``, ``source`` (citation),
``valid_from`` (a date) and ``rules``; the kind's own top-level keys (their values are the kind's
business); and for each rule an ``id`` (unique) and a ``source``. Problems are
:class:`~scoring.marks.Finding` values, all of them at once, located like formats.md's JSON paths
(``rules[2].id``); a file that is not TOML at all is one problem at ``file``.

Numbers with a fraction are read as ``Decimal`` (``tomllib``'s ``parse_float``), never binary
floats. ``valid_from`` may be a TOML date or a ``"YYYY-MM-DD"`` string. Reading the shipped files
is reading this package's own data, never the environment, so ``scoring`` stays free of the app.
"""
from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from importlib import resources
from typing import Any

from scoring.marks import Finding, problem

COMMON_KEYS = ("kind", "code", "name", "source", "valid_from", "rules")
# Each kind's own top-level keys (formats.md); their values are checked by the kind's module.
KIND_KEYS: dict[str, frozenset[str]] = {
    "promotion": frozenset({"one_per_year"}),
    "grants": frozenset({"national_tiers", "exclusive"}),
}
CODE = re.compile(r"[a-z0-9][a-z0-9-]{0,63}")        # as the event file's ``promotion_rules``
RULE_ID = re.compile(r"[a-z0-9][a-z0-9_-]{0,39}")


class RuleSetError(ValueError):
    """A rule set that cannot be used; ``findings`` says every reason."""

    def __init__(self, findings: list[Finding]) -> None:
        super().__init__("invalid rule set: " + "; ".join(map(str, findings)))
        self.findings = findings


@dataclass(frozen=True)
class RuleSetDoc:
    """A rule set as read: the shared keys checked, ``settings`` (the kind's own top-level keys) and
    each rule's table as written, with its path in ``rule_paths`` (a rule that is not a table is left
    out, so ``rules[3]`` may be the third one kept). Values that failed a check are empty."""

    kind: str
    code: str
    name: str
    source: str
    valid_from: date | None
    settings: dict[str, Any] = field(default_factory=dict)
    rules: tuple[dict[str, Any], ...] = ()
    rule_paths: tuple[str, ...] = ()


def parse_rule_set(text: str, kind: str | None = None) -> tuple[RuleSetDoc | None, list[Finding]]:
    """The document and every problem of its shared part; ``None`` when it is not TOML, or when
    ``kind`` is given and the file is a rule set of another kind (then the rest is left unchecked)."""
    try:
        doc = tomllib.loads(text, parse_float=Decimal)
    except tomllib.TOMLDecodeError as error:
        return None, [problem("file", "not valid TOML: %(error)s", error=str(error))]
    found: list[Finding] = []
    written = doc.get("kind")
    if kind is not None and written in KIND_KEYS and written != kind:
        return None, [problem("kind", "this is a %(kind)s rule set, not a %(expected)s rule set",
                              kind=written, expected=kind)]
    allowed = _allowed_keys(written if written in KIND_KEYS else kind)
    found += [problem(str(key), "unknown key") for key in sorted(map(str, set(doc) - allowed))]
    if written is None:
        found.append(problem("kind", "is required"))
    elif written not in KIND_KEYS:
        found.append(problem("kind", "%(value)s is not a kind of rule set: %(choices)s", value=repr(written),
                             choices=", ".join(sorted(KIND_KEYS))))
    code = _text(doc, "code", found)
    if code and not CODE.fullmatch(code):
        found.append(problem("code", "%(value)s must be lower-case letters, digits and hyphens (at most 64)",
                             value=repr(code)))
        code = ""
    name, source = _text(doc, "name", found), _text(doc, "source", found)
    valid_from = _date(doc, "valid_from", found)
    rules, paths = _rules(doc.get("rules"), found)
    settings = {key: doc[key] for key in KIND_KEYS.get(written, frozenset()) if key in doc}
    return RuleSetDoc(kind=written if written in KIND_KEYS else "", code=code, name=name, source=source,
                      valid_from=valid_from, settings=settings, rules=rules,
                      rule_paths=paths), found


def _allowed_keys(kind: str | None) -> frozenset[str]:
    if kind in KIND_KEYS:
        return frozenset(COMMON_KEYS) | KIND_KEYS[kind]
    return frozenset(COMMON_KEYS).union(*KIND_KEYS.values())   # kind unknown: do not guess which is extra


def _text(table: Mapping[str, Any], key: str, found: list[Finding], where: str = "") -> str:
    path = f"{where}.{key}" if where else key
    value = table.get(key)
    if value is None:
        found.append(problem(path, "is required"))
        return ""
    if not isinstance(value, str) or not value.strip():
        found.append(problem(path, "must be a non-empty string"))
        return ""
    return value.strip()


def _date(table: Mapping[str, Any], key: str, found: list[Finding]) -> date | None:
    value = table.get(key)
    if value is None:
        found.append(problem(key, "is required"))
        return None
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value.strip())
        except ValueError:
            pass
    if isinstance(value, datetime) or not isinstance(value, date):
        found.append(problem(key, "must be a date YYYY-MM-DD"))
        return None
    return value


def _rules(rules: Any, found: list[Finding]) -> tuple[tuple[dict[str, Any], ...], tuple[str, ...]]:
    if not isinstance(rules, list) or not rules:
        found.append(problem("rules", "a rule set needs at least one rule"))
        return (), ()
    tables: list[dict[str, Any]] = []
    paths: list[str] = []
    seen: set[str] = set()
    for i, rule in enumerate(rules):
        where = f"rules[{i}]"
        if not isinstance(rule, dict):
            found.append(problem(where, "must be a table ([[rules]])"))
            continue
        rule_id = _text(rule, "id", found, where)
        if rule_id and not RULE_ID.fullmatch(rule_id):
            found.append(problem(f"{where}.id", "%(value)s must be lower-case letters, digits, '-' and '_' "
                                                "(at most 40)", value=repr(rule_id)))
        elif rule_id in seen:
            found.append(problem(f"{where}.id", "rule %(id)s appears more than once", id=rule_id))
        seen.add(rule_id)
        _text(rule, "source", found, where)
        tables.append(rule)
        paths.append(where)
    return tuple(tables), tuple(paths)


def shipped_text(kind: str, code: str) -> str:
    """The shipped file ``policies/<kind>/<code>.toml``; ``KeyError`` when there is none."""
    if kind not in KIND_KEYS or not CODE.fullmatch(code):
        raise KeyError(f"{kind}/{code}")
    path = resources.files("scoring").joinpath("policies", kind, f"{code}.toml")
    if not path.is_file():
        raise KeyError(f"no shipped {kind} rule set {code}")
    return path.read_text(encoding="utf-8")


def shipped_codes(kind: str) -> tuple[str, ...]:
    """The codes of the shipped files of one kind, sorted."""
    folder = resources.files("scoring").joinpath("policies", kind)
    if not folder.is_dir():
        return ()
    return tuple(sorted(p.name.removesuffix(".toml") for p in folder.iterdir() if p.name.endswith(".toml")))
