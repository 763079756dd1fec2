"""Form fields that read numbers with :mod:`app.numbers`, the app's one strict number parser.

WTForms' own fields call ``int()`` and ``Decimal()`` on the raw text, which take full-width digits
(``２``), ``1_000`` and exponents (``1e2000000``, whose quantize later fails); these refuse all of
them with the parser's message under the field. An empty field is refused like any other
non-number, as WTForms' own fields do; an ``Optional`` validator then clears that.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from wtforms import DecimalField, IntegerField

from app.messages import msg, translated
from app.numbers import MAX_DIGITS, NotANumber, parse_decimal, parse_whole


def _parse(valuelist: list[Any], parse: Callable[[str], Any]) -> Any:
    if not valuelist:
        return None
    raw = valuelist[0]
    if not isinstance(raw, str):  # a file sent under the field's name
        raise ValueError(translated(msg("%(value)s is not a number", value=type(raw).__name__)))
    try:
        return parse(raw)
    except NotANumber as e:
        raise ValueError(translated(e.message)) from None


class WholeNumberField(IntegerField):
    def __init__(self, *args: Any, digits: int = MAX_DIGITS, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.digits = digits

    def process_formdata(self, valuelist: list[Any]) -> None:
        self.data = None
        self.data = _parse(valuelist, lambda text: parse_whole(text, digits=self.digits))


class PlainDecimalField(DecimalField):
    def process_formdata(self, valuelist: list[Any]) -> None:
        self.data = None
        self.data = _parse(valuelist, lambda text: parse_decimal(text, places=2 if self.places is None
                                                                  else self.places))
