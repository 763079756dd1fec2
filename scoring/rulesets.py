"""Rule sets as TOML (formats.md "rule sets"): read a file, check what every rule set shares, return
plain data for the module of its kind (``promotion``, ``grants``) to check and turn into rules.

Provinces publish their own tables, so rules are data an organizer loads without code; the same
reader serves the shipped files in ``scoring/policies/<kind>/<code>.toml`` and an uploaded file.
Shared here: TOML syntax; the top-level keys ``kind``, ``code``, ``name``, ``source`` (citation),
``valid_from`` (a date) and ``rules``; the kind's own top-level keys (their values are the kind's
business); and for each rule an ``id`` (unique) and a ``source``. The header and the shared part
of each rule are models of the input layer (:mod:`scoring.inputs`); each rule is read on its own so
that one bad rule does not hide the problems of the next. Problems are
:class:`~scoring.marks.Finding` values, all of them at once, located like formats.md's JSON paths
(``rules[2].id``); a file that is not TOML at all is one problem at ``file``.

Numbers with a fraction are read as ``Decimal`` (``tomllib``'s ``parse_float``), never binary
floats. ``valid_from`` may be a TOML date or a ``"YYYY-MM-DD"`` string. Reading the shipped files
is reading this package's own data, never the environment, so ``scoring`` stays free of the app.
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from importlib import resources
from typing import Any, ClassVar

from pydantic import Field, ValidationInfo, field_validator, model_validator

from scoring.inputs import Day, StrictModel, Text, read, refuse
from scoring.marks import Finding, problem

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


class RuleSetHeader(StrictModel):
    """The top-level keys every rule set has; a kind's own keys are its subclass's fields, their values
    the kind's business (any value passes here)."""

    SETTINGS: ClassVar[tuple[str, ...]] = ()
    kind: Any = Field(default=None, validate_default=True)     # refused in the product's words when missing
    code: Text
    name: Text
    source: Text
    valid_from: Day
    rules: Any = Field(default=None, validate_default=True)    # its tables are read one by one (SharedRule)

    @field_validator("kind", mode="before")
    @classmethod
    def _known_kind(cls, kind: Any) -> str:
        if kind is None:
            refuse("is required")
        if not isinstance(kind, str) or kind not in HEADERS:
            refuse("%(value)s is not a kind of rule set: %(choices)s", value=repr(kind), choices=", ".join(HEADERS))
        return kind

    @field_validator("code")
    @classmethod
    def _code_shape(cls, code: str) -> str:
        if not CODE.fullmatch(code):
            refuse("%(value)s must be lower-case letters, digits and hyphens (at most 64)", value=repr(code))
        return code

    @field_validator("rules", mode="before")
    @classmethod
    def _some_rules(cls, rules: Any) -> Any:
        if not isinstance(rules, list) or not rules:
            refuse("a rule set needs at least one rule")
        return rules


class GrantsHeader(RuleSetHeader):
    SETTINGS: ClassVar[tuple[str, ...]] = ("national_tiers", "exclusive")
    national_tiers: Any = None
    exclusive: Any = None


class PromotionHeader(RuleSetHeader):
    SETTINGS: ClassVar[tuple[str, ...]] = ("one_per_year",)
    one_per_year: Any = None


class AnyKindHeader(GrantsHeader, PromotionHeader):
    """The header of a file whose kind is not known: every kind's keys pass (do not guess which is extra)."""

    SETTINGS: ClassVar[tuple[str, ...]] = GrantsHeader.SETTINGS + PromotionHeader.SETTINGS


HEADERS: dict[str, type[RuleSetHeader]] = {"grants": GrantsHeader, "promotion": PromotionHeader}
# Each kind's own top-level keys (formats.md); their values are checked by the kind's module.
KIND_KEYS: dict[str, frozenset[str]] = {kind: frozenset(header.SETTINGS) for kind, header in HEADERS.items()}


class SharedRule(StrictModel, extra="allow"):
    """What every rule has: an ``id`` used once in the set (the ids seen so far are the context's
    ``rule_ids``) and a ``source``; its other keys are its kind's."""

    id: Text
    source: Text

    @model_validator(mode="before")
    @classmethod
    def _a_table(cls, table: Any) -> Any:
        if not isinstance(table, dict):
            refuse("must be a table ([[rules]])")
        return table

    @field_validator("id")
    @classmethod
    def _id_used_once(cls, rule_id: str, info: ValidationInfo) -> str:
        seen: set[str] = info.context["rule_ids"]
        if not RULE_ID.fullmatch(rule_id):
            refuse("%(value)s must be lower-case letters, digits, '-' and '_' (at most 40)", value=repr(rule_id))
        if rule_id in seen:
            refuse("rule %(id)s appears more than once", id=rule_id)
        seen.add(rule_id)
        return rule_id


def unknown_keys_first(found: list[Finding]) -> list[Finding]:
    """The unknown keys first, by name, then the other problems in the order of the keys (as the rule
    set readers have always listed them)."""
    return sorted(found, key=lambda f: (0, f.where) if f.template == "unknown key" else (1, ""))


def parse_rule_set(text: str, kind: str | None = None) -> tuple[RuleSetDoc | None, list[Finding]]:
    """The document and every problem of its shared part; ``None`` when it is not TOML, or when
    ``kind`` is given and the file is a rule set of another kind (then the rest is left unchecked)."""
    try:
        doc = tomllib.loads(text, parse_float=Decimal)
    except tomllib.TOMLDecodeError as error:
        return None, [problem("file", "not valid TOML: %(error)s", error=str(error))]
    written = doc.get("kind")
    known = written if isinstance(written, str) and written in HEADERS else None
    if kind is not None and known is not None and known != kind:
        return None, [problem("kind", "this is a %(kind)s rule set, not a %(expected)s rule set",
                              kind=written, expected=kind)]
    header_model = HEADERS.get(known or kind or "", AnyKindHeader)
    header, found = read(header_model, doc)
    found = unknown_keys_first(found)
    context: dict[str, Any] = {"rule_ids": set()}
    tables: list[dict[str, Any]] = []
    paths: list[str] = []
    for i, table in enumerate(doc.get("rules") if isinstance(doc.get("rules"), list) else ()):
        found += read(SharedRule, table, f"rules[{i}]", context)[1]
        if isinstance(table, dict):
            tables.append(table)
            paths.append(f"rules[{i}]")
    settings = {key: doc[key] for key in KIND_KEYS.get(known or "", ()) if key in doc}
    return RuleSetDoc(kind=known or "", code=header.code if header else "", name=header.name if header else "",
                      source=header.source if header else "", valid_from=header.valid_from if header else None,
                      settings=settings, rules=tuple(tables), rule_paths=tuple(paths)), found


def shipped_text(kind: str, code: str) -> str:
    """The shipped file ``policies/<kind>/<code>.toml``; ``KeyError`` when there is none."""
    if kind not in HEADERS or not CODE.fullmatch(code):
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
