"""The tablet's two endpoints as the OpenAPI document describes them (:mod:`app.api.marks`).

These models only describe: the desk is built by :meth:`app.marking.tablet.JudgeDesk.view` and
the batch is read and answered by :mod:`app.marking.sync`, which stay the tablet's contract. Nested
parts the tablet page reads as they come (a criterion's aspects, the marks) are open objects here.
"""
from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


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
