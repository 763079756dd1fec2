"""Mainland resident ID numbers (GB 11643): check digit, birth date and gender digit.

The same 18-character layout is used by 港澳台居民居住证 and the 2023 foreign permanent resident
card, so formats.md applies the check to ``resident``, ``hmt_residence`` and ``foreign_permanent``.
"""
from __future__ import annotations

import re
from datetime import date

from app.messages import Message, msg

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
_SHAPE = re.compile(r"^\d{17}[\dX]$")
CHECKED_TYPES = frozenset({"resident", "hmt_residence", "foreign_permanent"})


def normalize(number: str) -> str:
    """An ID number as stored and compared: trimmed and upper-cased (a check character typed ``x`` is ``X``)."""
    return number.strip().upper()


def check_digit(first17: str) -> str:
    """The check character (GB 11643) the first 17 digits of a resident ID number call for."""
    return _CHECK[sum(int(c) * w for c, w in zip(first17, _WEIGHTS, strict=False)) % 11]


def birth_date_of(number: str) -> date | None:
    """The birth date a resident ID number encodes; ``None`` when those digits are not a real date."""
    try:
        return date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return None


def gender_of(number: str) -> str:
    """``M`` when the 17th digit is odd."""
    return "M" if int(number[16]) % 2 else "F"


def problems(number: str, birth: date | None, gender: str | None) -> list[Message]:
    """Every way an 18-character ID number disagrees with itself or with the stated facts."""
    if not _SHAPE.match(number):
        return [msg("must be 18 characters: 17 digits and a digit or X")]
    if check_digit(number[:17]) != number[17]:
        return [msg("check digit does not match")]
    found: list[Message] = []
    born = birth_date_of(number)
    if born is None:
        found.append(msg("contains no valid birth date"))
    elif birth is not None and born != birth:
        found.append(msg("birth date %(born)s differs from birth_date %(birth)s", born=born.isoformat(),
                         birth=birth.isoformat()))
    if gender and gender_of(number) != gender:
        found.append(msg("17th digit says gender %(digit)s, not %(gender)s", digit=gender_of(number), gender=gender))
    return found


def mask(number: str) -> str:
    """``110***********1234``: what the UI shows of an ID number."""
    if len(number) <= 7:
        return "*" * len(number)
    return number[:3] + "*" * (len(number) - 7) + number[-4:]
