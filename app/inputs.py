"""The input layer's app side: a model read from untrusted data, or :class:`InputRefused` with every problem.

The models and field types live in :mod:`scoring.inputs` (pure, so rule sets read there too); here the
findings become :class:`~app.errors.Problem` values whose messages are English on the command line and
translated on the web (:mod:`app.messages`). Bytes are parsed and bounded first by
:func:`app.json_reader.load_json` (size, depth, digits). :data:`Hundredths` is the app's number field,
read by :mod:`app.numbers` like every number a person types.
"""
from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

from pydantic import BeforeValidator

from app.errors import InputRefused, Problem
from app.messages import msg
from app.numbers import NotANumber, parse_decimal
from scoring.inputs import Model, read, refuse
from scoring.marks import CENT, Finding


def problems_of(findings: list[Finding], prefix: str = "") -> list[Problem]:
    """Findings as problems, each ``where`` put under ``prefix`` (``rules.toml: ``, say)."""
    return [Problem(f"{prefix}{f.where}" if f.where else prefix.rstrip(": "), msg(f.template, **f.params))
            for f in findings]


def read_or_refuse(model: type[Model], data: Any, where: str = "", context: Any = None) -> Model:
    """``data`` as ``model``; every problem at once as :class:`InputRefused` otherwise."""
    value, found = read(model, data, where, context)
    if value is None:
        raise InputRefused(problems_of(found))
    return value


def _hundredths(value: Any) -> Decimal:
    if value is None:
        refuse("must not be null")
    if isinstance(value, bool) or not isinstance(value, str | int | Decimal):
        refuse("must be a decimal number")
    try:
        number = parse_decimal(value if isinstance(value, str) else str(value), signed=True)
    except NotANumber as e:
        refuse(e.message.template, **e.message.params)
    return number.quantize(CENT)


Hundredths = Annotated[Decimal, BeforeValidator(_hundredths)]
"""A number with at most 2 decimals, given as a JSON number or as text (``"12.5"``, ``12``, ``-1``);
never ``true``, an exponent or a third decimal; read as stored, in hundredths (``12.50``). Bound it
with ``Field(ge=...)``."""
