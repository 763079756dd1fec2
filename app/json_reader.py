"""Typed reads from parsed JSON that collect every problem with its path.

Import files are untrusted: each accessor records a :class:`~app.errors.Problem` such as
``skills[0].quota_per_unit: must be at least 1`` and returns ``None`` instead of raising, so one
pass over a file reports everything wrong with it.
"""
from __future__ import annotations

import json
import re
from datetime import date
from decimal import Decimal
from typing import Any

from app.errors import InputRefused, Problem
from app.input_limits import InputLimits
from app.messages import msg
from app.numbers import NotANumber, parse_decimal

_MISSING = object()
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
        raise InputRefused([Problem(f"line {e.lineno}, column {e.colno}", msg("not valid JSON: %(reason)s", reason=e.msg))]) from None
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


def join(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


class JsonReader:
    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def fail(self, path: str, message: str) -> None:
        self.problems.append(Problem(path, message))

    def raise_if_any(self) -> None:
        if self.problems:
            raise InputRefused(self.problems)

    def obj(self, value: Any, path: str, required: set[str], optional: set[str]) -> dict | None:
        if not isinstance(value, dict):
            self.fail(path or "file", msg("must be an object"))
            return None
        for key in value:
            if key not in required and key not in optional:
                self.fail(join(path, key), msg("unknown key"))
        for key in sorted(required - set(value)):
            self.fail(join(path, key), msg("is required"))
        return value

    def _get(self, obj: dict, key: str, path: str, required: bool) -> Any:
        value = obj.get(key, _MISSING)
        if value is _MISSING or value is None:
            if required and value is None:
                self.fail(join(path, key), msg("must not be null"))
            return None
        return value

    def text(self, obj: dict, key: str, path: str, *, required: bool = False, pattern: str | None = None,
             max_length: int = 200) -> str | None:
        value = self._get(obj, key, path, required)
        if value is None:
            return None
        if not isinstance(value, str) or not value.strip():
            self.fail(join(path, key), msg("must be a non-empty string"))
            return None
        value = value.strip()
        if len(value) > max_length:
            self.fail(join(path, key), msg("must be at most %(n)s characters", n=max_length))
        elif pattern and not re.fullmatch(pattern, value):
            self.fail(join(path, key), msg("%(value)s does not match %(pattern)s", value=repr(value), pattern=pattern))
        return value

    def integer(self, obj: dict, key: str, path: str, *, required: bool = False, minimum: int | None = None,
                maximum: int | None = None) -> int | None:
        value = self._get(obj, key, path, required)
        if value is None:
            return None
        if isinstance(value, Decimal) and value.is_finite() and value.adjusted() < MAX_INTEGER_DIGITS \
                and value == value.to_integral_value():
            value = int(value)  # 5.0: a whole number written with a point
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(join(path, key), msg("must be a whole number"))
            return None
        if minimum is not None and value < minimum:
            self.fail(join(path, key), msg("must be at least %(minimum)s", minimum=minimum))
        if maximum is not None and value > maximum:
            self.fail(join(path, key), msg("must be at most %(maximum)s", maximum=maximum))
        return value

    def boolean(self, obj: dict, key: str, path: str) -> bool | None:
        value = self._get(obj, key, path, False)
        if value is None:
            return None
        if not isinstance(value, bool):
            self.fail(join(path, key), msg("must be true or false"))
            return None
        return value

    def day(self, obj: dict, key: str, path: str, *, required: bool = False) -> date | None:
        value = self._get(obj, key, path, required)
        if value is None:
            return None
        if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            try:
                return date.fromisoformat(value)
            except ValueError:
                pass
        self.fail(join(path, key), msg("must be a date YYYY-MM-DD"))
        return None

    def decimal2(self, obj: dict, key: str, path: str, *, required: bool = False,
                 minimum: Decimal | None = None) -> Decimal | None:
        """A decimal string or number with at most 2 decimals."""
        value = self._get(obj, key, path, required)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, str | int | Decimal):
            self.fail(join(path, key), msg("must be a decimal number"))
            return None
        try:
            number = parse_decimal(value if isinstance(value, str) else str(value), signed=True)
        except NotANumber as e:
            self.fail(join(path, key), e.message)
            return None
        if minimum is not None and number < minimum:
            self.fail(join(path, key), msg("must be at least %(minimum)s", minimum=minimum))
        return number.quantize(Decimal("0.01"))

    def choice(self, obj: dict, key: str, path: str, choices: set[str] | list[str], *,
               required: bool = False) -> str | None:
        value = self._get(obj, key, path, required)
        if value is None:
            return None
        if not isinstance(value, str) or value not in choices:
            self.fail(join(path, key), msg("%(value)s is not one of %(choices)s", value=repr(value), choices=", ".join(sorted(choices))))
            return None
        return value

    def array(self, obj: dict, key: str, path: str, *, required: bool = False) -> list | None:
        value = self._get(obj, key, path, required)
        if value is None:
            return None
        if not isinstance(value, list):
            self.fail(join(path, key), msg("must be a list"))
            return None
        return value
