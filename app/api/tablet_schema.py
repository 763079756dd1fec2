"""The tablet's two endpoints as the OpenAPI document describes them (:mod:`app.api.marks`).

These models only describe: the desk is built by :meth:`app.marking.tablet.JudgeDesk.view` and
the batch is read and answered by :mod:`app.marking.sync`, which stay the tablet's contract. Nested
parts the tablet page reads as they come (a criterion's aspects, the marks) are open objects here.
"""
from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from app.marking.sync import MAX_BATCH


class Criterion(BaseModel):
    """A criterion of the scheme with the aspects and competitors this judge marks in it."""

    model_config = ConfigDict(extra="allow")
    code: str
    name: str
    locked: bool
    max: str
    reopened: list[str]
    competitors: list[str]
    aspects: list[dict[str, Any]]


class Desk(BaseModel):
    """Everything the tablet page draws for one judge and skill (no name, unit or, when blind, bib)."""

    model_config = ConfigDict(extra="allow")
    event: str
    skill: str
    skill_name: str
    blind: bool
    role: str
    criteria: list[Criterion]
    marks: dict[str, dict[str, Any]] = Field(description='"<aspect>|<competitor>" → value, version, flagged')


class MarkItem(BaseModel):
    """One mark from the tablet's outbox, under the UUID the tablet made for it."""

    uuid: str
    event: str
    skill: str
    aspect: str
    competitor: str
    value: str | int | float = Field(description="a plain decimal: ASCII digits, at most 2 decimals")
    base_version: int = Field(0, ge=0, description="the version the judge saw; 0 for a new mark")
    offline: bool = False
    supersedes: list[str] = Field(default_factory=list, description="earlier UUIDs of the same mark")


class Batch(BaseModel):
    """The outbox sent at once; each item is answered (and committed) on its own."""

    device: str | None = Field(None, max_length=120)
    marks: list[MarkItem] = Field(max_length=MAX_BATCH)


class ItemAnswer(BaseModel):
    """``stored``, ``replayed``, ``conflict`` (with ``yours`` and ``theirs``) or ``refused`` (with ``reason``)."""

    model_config = ConfigDict(extra="allow")
    uuid: str | None
    outcome: str


class BatchAnswer(BaseModel):
    """The answers in the items' order."""

    results: list[ItemAnswer]


class BusyAnswer(BaseModel):
    """An item lost two races: the answers so far; the tablet sends the rest again."""

    error: str
    results: list[ItemAnswer]
