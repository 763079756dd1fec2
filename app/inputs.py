"""The input layer's app side: a model read from untrusted data, or :class:`InputRefused` with every problem.

The models and field types live in :mod:`scoring.inputs` (pure, so rule sets read there too); here the
findings become :class:`~app.errors.Problem` values whose messages are English on the command line and
translated on the web (:mod:`app.messages`). Bytes are parsed and bounded first by
:func:`app.json_reader.load_json` (size, depth, digits).
"""
from __future__ import annotations

from typing import Any

from app.errors import InputRefused, Problem
from app.messages import msg
from scoring.inputs import Model, read
from scoring.marks import Finding


def problems_of(findings: list[Finding], prefix: str = "") -> list[Problem]:
    """Findings as problems, each ``where`` put under ``prefix`` (``rules.toml: ``, say)."""
    return [Problem(f"{prefix}{f.where}" if f.where else prefix.rstrip(": "), msg(f.template, **f.params))
            for f in findings]


def read_or_refuse(model: type[Model], data: Any, where: str = "") -> Model:
    """``data`` as ``model``; every problem at once as :class:`InputRefused` otherwise."""
    value, found = read(model, data, where)
    if value is None:
        raise InputRefused(problems_of(found))
    return value
