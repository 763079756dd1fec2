"""Typed reads from parsed JSON that collect every problem with its path.

Import files are untrusted: each accessor records a :class:`~app.errors.Problem` such as
``skills[0].quota_per_unit: must be at least 1`` and returns ``None`` instead of raising, so one
pass over a file reports everything wrong with it.
"""
from __future__ import annotations

import json
import re
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from app.errors import InputRefused, Problem
from app.messages import msg
from scoring.marks import has_two_decimals

_MISSING = object()
MAX_DECIMAL = Decimal("1000000000")  # far above any mark, weight or amount; keeps quantize in range


def load_json(data: bytes) -> Any:
    """Parse bytes as JSON; numbers become ``Decimal`` (never binary floats)."""
    try:
        return json.loads(data.decode("utf-8-sig"), parse_float=Decimal)
    except UnicodeDecodeError:
        raise InputRefused([Problem("file", msg("not UTF-8 text"))]) from None
    except json.JSONDecodeError as e:
        raise InputRefused([Problem(f"line {e.lineno}, column {e.colno}", msg("not valid JSON: %(reason)s", reason=e.msg))]) from None


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
        if isinstance(value, bool) or not isinstance(value, int | Decimal) or value != int(value):
            self.fail(join(path, key), msg("must be a whole number"))
            return None
        value = int(value)
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
        try:
            number = Decimal(str(value)) if isinstance(value, str | int | Decimal) and not isinstance(value, bool) \
                else None
        except InvalidOperation:
            number = None
        if number is None or not number.is_finite():
            self.fail(join(path, key), msg("must be a decimal number"))
            return None
        if not has_two_decimals(number):
            self.fail(join(path, key), msg("must have at most 2 decimals"))
            return None
        if abs(number) >= MAX_DECIMAL:
            self.fail(join(path, key), msg("must be less than %(limit)s", limit=MAX_DECIMAL))
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
