"""Untrusted JSON bytes parsed within bounds (size, depth, digits, no NUL), numbers as ``Decimal``.

What the parsed value must look like is the input layer's job (:mod:`app.inputs`, :mod:`scoring.inputs`).
"""
from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from app.errors import InputRefused, Problem
from app.input_limits import InputLimits
from app.messages import msg

MAX_INTEGER_DIGITS = 18  # a JSON whole number longer than this is refused before int() sees it


def load_json(data: bytes, limits: InputLimits | None = None) -> Any:
    """Parse bytes as JSON; numbers become ``Decimal`` (never binary floats).

    Size and nesting are bounded by ``limits`` (the app's config by default): the size before
    parsing, the nesting by the parser's own recursion guard and then by the configured depth.
    """
    limits = limits or InputLimits.from_config()
    if len(data) > limits.json_bytes:
        raise InputRefused([Problem("file", msg("%(size)s bytes, more than the limit of %(limit)s bytes",
                                                size=len(data), limit=limits.json_bytes))])
    try:
        parsed = json.loads(data.decode("utf-8-sig"), parse_float=Decimal, parse_int=_bounded_int)
    except UnicodeDecodeError:
        raise InputRefused([Problem("file", msg("not UTF-8 text"))]) from None
    except json.JSONDecodeError as e:
        raise InputRefused([Problem(f"line {e.lineno}, column {e.colno}",
                                    msg("not valid JSON: %(reason)s", reason=e.msg))]) from None
    except RecursionError:  # deeper than the interpreter's stack: certainly deeper than the limit
        raise _too_deep(limits) from None
    except ValueError:  # from _bounded_int
        raise InputRefused([Problem("file", msg("a whole number of more than %(digits)s digits",
                                                digits=MAX_INTEGER_DIGITS))]) from None
    _check_tree(parsed, limits)
    return parsed


def _bounded_int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_INTEGER_DIGITS:
        raise ValueError(text[:40])
    return int(text)


def _check_tree(value: Any, limits: InputLimits) -> None:
    """Depth, and no NUL character in any text (PostgreSQL cannot hold one); walked without
    recursion, so a deep value cannot overflow the stack here either."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, str):
            if "\x00" in item:
                raise InputRefused([Problem("file", msg("a text holds a NUL character"))])
        elif isinstance(item, dict | list):
            if depth > limits.json_depth:
                raise _too_deep(limits)
            children = [*item.keys(), *item.values()] if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children)


def _too_deep(limits: InputLimits) -> InputRefused:
    return InputRefused([Problem("file", msg("nested deeper than the limit of %(limit)s levels",
                                             limit=limits.json_depth))])
