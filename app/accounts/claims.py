"""Claim codes: how a contestant gets their account at ``/claim`` with bib + full ID number + code.

A claim code belongs to one approved registration. It is printed on the admission ticket
(:mod:`app.tickets`) and shown to the contestant's unit admins, who may regenerate it.

- **Random, not stored**: a row holds a random nonce (128 bits from :mod:`secrets`); the code is
  ``HMAC-SHA256(SECRET_KEY, nonce)`` written as 8 characters of an alphabet without look-alikes
  (40 bits, ``ABCD-EFGH``). Whoever reads a database dump cannot claim an account; the ticket can
  print the same code again without the code being kept anywhere. Regenerating draws a new nonce,
  so the old code stops working; a claim marks the code used (single use).
- **No enumeration**: a wrong bib, a wrong ID number, a wrong or used code, a registration that is
  not approved — every one answers the same :data:`REFUSED` message.
- **Rate-limited**: every try is counted per client address in the database (all workers see the
  same count); after :data:`MAX_FAILURES` failures in :data:`FAILURE_WINDOW` the address must wait.
"""
from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from datetime import timedelta

from flask import current_app
from sqlalchemy import func, select

from app import audit, clock
from app.auth.models import ClaimAttempt, ClaimCode, Role, User
from app.auth.services import AuthError, Throttled, check_password_strength, create_user
from app.events.models import Registration, RegistrationStatus
from app.extensions import db
from app.messages import msg
from app.people.models import Person

ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # 32 symbols: no 0/O, 1/I
CODE_LENGTH = 8
MAX_FAILURES = 10
FAILURE_WINDOW = timedelta(hours=1)
REFUSED = msg("The bib, ID number and claim code do not match an entry waiting for its account. "
              "Check the three against your admission ticket, or ask your unit admin for a new code.")


class ClaimRefused(AuthError):
    pass


def code_of(claim: ClaimCode) -> str:
    """The code a nonce stands for, as printed: ``ABCD-EFGH``."""
    digest = hmac.new(current_app.config["SECRET_KEY"].encode(), b"claim-code\0" + claim.nonce.encode(),
                      hashlib.sha256).digest()
    number = int.from_bytes(digest[:5], "big")  # 40 bits: 8 symbols of 5 bits
    symbols = "".join(ALPHABET[(number >> (5 * i)) & 31] for i in reversed(range(CODE_LENGTH)))
    return f"{symbols[:4]}-{symbols[4:]}"


def normalized(text: str) -> str:
    """What a person typed, as the code compares: capitals, no spaces or dashes."""
    return re.sub(r"[\s-]", "", text or "").upper()


def claim_code(registration: Registration) -> ClaimCode:
    """The registration's claim code, made (and audited) the first time it is needed."""
    existing = db.session.scalar(select(ClaimCode).where(ClaimCode.registration_id == registration.id))
    if existing is not None:
        return existing
    code = ClaimCode(registration=registration, nonce=secrets.token_hex(16))
    db.session.add(code)
    db.session.flush()
    audit.record("claim_code.issue", "registration", _key(registration), event_id=registration.event_id)
    return code


def regenerate(registration: Registration) -> ClaimCode:
    """A new code for the registration; the old one stops working."""
    code = claim_code(registration)
    code.nonce, code.used_at, code.created_at = secrets.token_hex(16), None, clock.now()
    audit.record("claim_code.regenerate", "registration", _key(registration), event_id=registration.event_id)
    return code


def _key(registration: Registration) -> str:
    return f"{registration.event.code}/{registration.contestant_no}"


def _failures(address: str) -> int:
    since = clock.now() - FAILURE_WINDOW
    return db.session.scalar(select(func.count()).select_from(ClaimAttempt).where(
        ClaimAttempt.address == address, ClaimAttempt.at >= since, ClaimAttempt.succeeded.is_(False))) or 0


def _matching(bib: str, id_number: str, code: str) -> Registration | None:
    """The approved registration with this bib, ID number and unused code, if any."""
    candidates = db.session.scalars(
        select(Registration).join(Person, Person.id == Registration.person_id).where(
            Registration.contestant_no == bib.strip(), Person.id_number == id_number.strip().upper(),
            Registration.status == RegistrationStatus.APPROVED))
    wanted = normalized(code)
    for registration in candidates:
        stored = db.session.scalar(select(ClaimCode).where(ClaimCode.registration_id == registration.id))
        if stored is not None and stored.used_at is None and \
                hmac.compare_digest(normalized(code_of(stored)), wanted):
            return registration
    return None


def claim(bib: str, id_number: str, code: str, address: str, *, username: str, password: str) -> User:
    """The contestant's new account, logged in by the caller; raises :class:`ClaimRefused` (the
    same message for every wrong combination), :class:`Throttled`, or :class:`AuthError` for a
    username or password that cannot be used. Every try is recorded; the caller commits."""
    address = address[:64]
    if _failures(address) >= MAX_FAILURES:
        raise Throttled(msg("too many wrong claim codes from this address; wait an hour and try again"))
    registration = _matching(bib, id_number, code)
    db.session.add(ClaimAttempt(address=address, at=clock.now(), succeeded=registration is not None))
    if registration is None:
        raise ClaimRefused(REFUSED)
    holder = db.session.scalar(select(User).where(User.person_id == registration.person_id))
    if holder is not None:
        raise ClaimRefused(msg("You have an account already: %(username)s. Log in with it, or ask your "
                               "unit admin for a login link.", username=holder.username))
    check_password_strength(password)
    user, _ = create_user(username, Role.CONTESTANT, unit_code=registration.unit.code,
                          id_number=registration.person.id_number, password=password,
                          display_name=registration.person.name)
    db.session.scalar(select(ClaimCode).where(ClaimCode.registration_id == registration.id)).used_at = clock.now()
    audit.record("user.claim", "user", user.username, after={"registration": _key(registration)},
                 event_id=registration.event_id)
    return user
