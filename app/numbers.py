"""The one reading of a number typed by a person or found in a file.

Plain ASCII digits, at most ``digits`` of them before the point and ``places`` after it; no sign,
exponent, spaces inside, thousands separators, or digits of other scripts (``²``, full-width
``２``, Arabic-Indic…), all of which ``int()`` or ``Decimal()`` would take or choke on. The
length is checked before anything is converted, so no input reaches ``Decimal``/``int``
unbounded: ``"1e2000000"`` is refused in microseconds instead of stalling a worker.
"""
from __future__ import annotations

import re
from decimal import Decimal

from app.errors import DomainError
from app.messages import Message, msg

MAX_DIGITS = 9  # before the point: far above any mark, weight, year, page or amount
_PLAIN = re.compile(r"([0-9]*)(?:\.([0-9]*))?", re.ASCII)
_LONGEST = 64  # characters: anything longer is refused before it is looked at
_SHOWN = 24  # characters of a refused value repeated in the message


class NotANumber(DomainError):
    """The text is not a plain number within the bounds; ``message`` says why."""

    def __init__(self, message: Message):
        self.message = message
        super().__init__(message)


def shown(text: str) -> str:
    """A refused value as quoted in a message, cut short: the input itself may be megabytes."""
    return repr(text if len(text) <= _SHOWN else text[:_SHOWN] + "…")


def parse_decimal(text: str, *, places: int = 2, digits: int = MAX_DIGITS, signed: bool = False) -> Decimal:
    """``text`` (trimmed) as a ``Decimal`` with exactly the digits given; :class:`NotANumber` else.

    ``signed``: a leading ``-`` is allowed (files whose readers then name the minimum); never ``+``.
    """
    text = text.strip()
    if signed and text.startswith("-") and text[1:2] != "-":
        return -parse_decimal(text[1:], places=places, digits=digits)
    if not text:
        raise NotANumber(msg("is empty: a number is needed"))
    if len(text) > _LONGEST:
        raise NotANumber(msg("%(value)s is longer than any number accepted here (%(digits)s digits and "
                             "%(places)s decimals)", value=shown(text), digits=digits, places=places))
    match = _PLAIN.fullmatch(text)
    if match is None or not (match.group(1) or match.group(2)):
        raise NotANumber(_why_not(text))
    whole, fraction = match.group(1), match.group(2) or ""
    if len(whole) > digits:
        raise NotANumber(msg("%(value)s has more than %(digits)s digits before the point",
                             value=shown(text), digits=digits))
    if len(fraction) > places:
        raise NotANumber(msg("%(value)s has more than %(places)s decimals", value=shown(text), places=places)
                         if places else msg("%(value)s must be a whole number", value=shown(text)))
    return Decimal(text)


def parse_whole(text: str, *, digits: int = MAX_DIGITS) -> int:
    """``text`` as a non-negative ``int`` of at most ``digits`` ASCII digits; :class:`NotANumber` else."""
    return int(parse_decimal(text, places=0, digits=digits))


def _why_not(text: str) -> Message:
    """The most helpful reason a text is not a plain number."""
    value = shown(text)
    if text[0] in "+-":
        return msg("%(value)s: write the number without a sign", value=value)
    if any(c.isdigit() and not c.isascii() for c in text):
        return msg("%(value)s: use the digits 0-9 (full-width and other digits are not accepted)", value=value)
    if re.fullmatch(r"[0-9.]+[eE][+-]?[0-9]+", text):
        return msg("%(value)s: write the number in plain digits, without an exponent", value=value)
    return msg("%(value)s is not a number", value=value)
