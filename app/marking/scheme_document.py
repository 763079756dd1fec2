"""A marking scheme's JSON document (formats.md "marking scheme") as models read through the input layer.

:class:`SchemeDocument` checks the document's shape and values, each problem located
(``criteria[0].sub_criteria[1].aspects[2].max``); the checks of the scheme as a whole (sums, sections,
duplicate ids) are :func:`scoring.marks.validate_scheme`'s, run on :meth:`SchemeDocument.scheme`.
A refused document can still be :func:`~scoring.inputs.salvage`\\ d, and its ``scheme()`` then holds
blanks (``""``, 0) where a value did not read, so those checks report on the rest of it too.
"""
from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

from pydantic import BeforeValidator, Field, ValidationInfo, field_validator

from app.inputs import Hundredths
from scoring.inputs import StrictModel, Text, WholeNumber, matching, one_of, refuse
from scoring.marks import CALCULATIONS, JUDGEMENT, MEASUREMENT, Aspect, Band, Criterion, Scheme, Standard, SubCriterion

ID_PATTERN = r"[A-Za-z0-9][A-Za-z0-9._-]{0,19}"


def _number_as_code(value: Any) -> Any:
    """A section or id given as a whole number (``"section": 1``) is its digits."""
    if isinstance(value, int | Decimal) and not isinstance(value, bool) and value == int(value):
        return str(int(value))
    return value


Code = Annotated[Text, Field(max_length=20), matching(ID_PATTERN), BeforeValidator(_number_as_code)]
Wording = Annotated[Text, Field(max_length=300)]


def _descriptors(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list):
        refuse("must be a list")
    return tuple(d.strip() if isinstance(d, str) else "" for d in value)


def _pair(value: Any) -> dict[str, Any]:
    if not isinstance(value, list) or len(value) != 2:
        refuse("a band is a pair [deviation limit, mark]")
    return {"limit": value[0], "mark": value[1]}


class BandFile(StrictModel):
    """A band of a measurement aspect, written ``[deviation limit, mark]``."""

    limit: Hundredths
    mark: Hundredths


class AspectFile(StrictModel):
    """An aspect: measurement (``M``, with its calculation) or judgement (``J``, with four descriptors).

    The keys of the other type are refused when present, even as null; an aspect whose type does not
    read has them ignored (there is nothing to check them against).
    """

    null_is_absent = False

    id: Code
    type: Annotated[str, one_of((MEASUREMENT, JUDGEMENT))]
    description: Annotated[Text, Field(max_length=2000)]
    max: Hundredths
    section: Code
    calculation: Annotated[str, one_of(CALCULATIONS)] | None = None
    bands: list[Annotated[BandFile, BeforeValidator(_pair)]] | None = None
    deduct: Hundredths | None = None
    descriptors: Annotated[tuple[str, ...], BeforeValidator(_descriptors)] | None = None
    requirement: Annotated[Text, Field(max_length=2000)] | None = None
    extra: Annotated[Text, Field(max_length=4000)] | None = None

    @field_validator("calculation", "bands", "deduct", mode="before")
    @classmethod
    def _measurement_only(cls, value: Any, info: ValidationInfo) -> Any:
        if info.data.get("type") == JUDGEMENT:
            refuse("only measurement aspects have a calculation")
        return value if "type" in info.data else None

    @field_validator("descriptors", mode="before")
    @classmethod
    def _judgement_only(cls, value: Any, info: ValidationInfo) -> Any:
        if info.data.get("type") == MEASUREMENT:
            refuse("only judgement aspects have descriptors")
        if info.data.get("type") == JUDGEMENT and value is None:
            refuse("must not be null")
        return value if "type" in info.data else None

    def aspect(self) -> Aspect:
        """The pure aspect; blanks where a salvaged value did not read."""
        values: dict[str, Any] = {
            "id": self.id or "", "type": self.type or "", "description": self.description or "",
            "max": self.max or Decimal(0), "section": self.section or "",
            "requirement": self.requirement or "", "extra": self.extra or "",
        }
        if self.type == JUDGEMENT:
            values["descriptors"] = self.descriptors or ()
        elif self.type == MEASUREMENT:
            values["calculation"] = self.calculation or "full_or_zero"
            values["bands"] = tuple(Band(b.limit, b.mark) for b in self.bands or ()
                                    if b.limit is not None and b.mark is not None)
            values["deduct"] = self.deduct
        return Aspect(**values)


class SubCriterionFile(StrictModel):
    """A sub-criterion: its aspects, and the day it is marked."""

    id: Code
    name: Wording
    day: Annotated[WholeNumber, Field(ge=1, le=30)] | None = None
    aspects: list[AspectFile]

    def sub_criterion(self) -> SubCriterion:
        """The pure sub-criterion."""
        return SubCriterion(id=self.id or "", name=self.name or "", day=self.day,
                            aspects=tuple(a.aspect() for a in self.aspects or ()))


class CriterionFile(StrictModel):
    """A criterion (A, B, …) with the total it states, if any."""

    code: Code
    name: Wording
    total: Hundredths | None = None
    sub_criteria: list[SubCriterionFile]

    def criterion(self) -> Criterion:
        """The pure criterion."""
        return Criterion(code=self.code or "", name=self.name or "", total=self.total,
                         sub_criteria=tuple(s.sub_criterion() for s in self.sub_criteria or ()))


class StandardFile(StrictModel):
    """A section of the standards specification and its weight."""

    section: Code
    name: Wording
    weight: Hundredths = Field(ge=0)


class SchemeDocument(StrictModel):
    """The marking scheme's JSON document."""

    standards: list[StandardFile]
    criteria: list[CriterionFile]

    def scheme(self) -> Scheme:
        """The pure scheme (:mod:`scoring.marks`)."""
        return Scheme(tuple(Standard(section=s.section or "", name=s.name or "", weight=s.weight or Decimal(0))
                            for s in self.standards or ()),
                      tuple(c.criterion() for c in self.criteria or ()))
