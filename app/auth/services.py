"""Accounts: creation, password login with a database-counted throttle per username, one-time
login links, disabling."""
from __future__ import annotations

import hashlib
import re
import secrets
from datetime import timedelta

from flask import current_app
from sqlalchemy import func, select, update

from app import audit, clock
from app.auth import sessions
from app.auth.models import UNIT_SCOPED_ROLES, LoginAttempt, LoginLink, Role, User
from app.errors import DomainError
from app.extensions import db
from app.messages import msg

USERNAME_PATTERN = r"[A-Za-z0-9_.@-]{2,80}"
MIN_PASSWORD_LENGTH = 8


class AuthError(DomainError):
    pass


class Throttled(AuthError):
    pass


def user_by_name(username: str) -> User | None:
    """The account with this exact username, ``None`` when there is none."""
    return db.session.scalar(select(User).where(User.username == username))


def create_user(username: str, role: str | Role, *, unit_code: str | None = None, id_number: str | None = None,
                password: str | None = None, display_name: str = "") -> tuple[User, str | None]:
    """A new account; without a password it gets a one-time login link (returned as a URL)."""
    from app.people.models import Person
    from app.units.services import unit_by_code

    role = Role(role)
    if not re.fullmatch(USERNAME_PATTERN, username):
        raise AuthError(msg("username %(username)s must be 2–80 of letters, digits and _.@-", username=repr(username)))
    if user_by_name(username) is not None:
        raise AuthError(msg("user %(username)s exists already", username=username))
    unit = None
    if unit_code:
        unit = unit_by_code(unit_code)
        if unit is None:
            raise AuthError(msg("unknown unit %(code)s", code=unit_code))
    elif role in UNIT_SCOPED_ROLES:
        raise AuthError(f"role {role.value} needs --unit")
    person = None
    if id_number:
        if role != Role.CONTESTANT:
            raise AuthError("--id-number links contestant accounts only")
        person = db.session.scalar(select(Person).where(Person.id_number == id_number.strip().upper()))
        if person is None:
            raise AuthError("no person with that ID number")
        if db.session.scalar(select(User).where(User.person_id == person.id)):
            raise AuthError("that person has an account already")
    elif role == Role.CONTESTANT:
        raise AuthError("a contestant account needs --id-number")
    user = User(username=username, role=role, unit=unit, person=person, display_name=display_name or username)
    if password is not None:
        check_password_strength(password)
        user.set_password(password)
    db.session.add(user)
    db.session.flush()
    audit.record("user.create", "user", username, after={"role": role, "unit": unit_code, "person": bool(person)})
    link = None if password is not None else one_time_link(user)
    return user, link


def check_password_strength(password: str) -> None:
    """Refuse a password shorter than the minimum length, wherever a password is set."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AuthError(msg("password must be at least %(count)s characters", count=MIN_PASSWORD_LENGTH))


def _recent_failures(column, value: str) -> int:
    since = clock.now() - current_app.config["LOGIN_FAILURE_WINDOW"]
    return db.session.scalar(select(func.count()).select_from(LoginAttempt).where(
        column == value, LoginAttempt.at >= since, LoginAttempt.succeeded.is_(False))) or 0


def authenticate(username: str, password: str, address: str) -> User | None:
    """The user, or None for a wrong name/password; raises :class:`Throttled` after too many failures.

    Failures are counted per username in the database, so the limit holds across gunicorn workers
    and restarts, and every attempt stays on record with its address (the caller commits). The
    address is not a lockout key here: a venue shares one, so failures per address have a separate,
    much higher limit (``LOGIN_FAILURES_PER_ADDRESS``, :mod:`app.ratelimit`).
    """
    if _recent_failures(LoginAttempt.username, username) >= current_app.config["LOGIN_MAX_FAILURES"]:
        raise Throttled("too many failed logins; wait 15 minutes and try again")
    user = user_by_name(username)
    ok = user is not None and user.is_active and user.check_password(password)
    db.session.add(LoginAttempt(username=username[:80], address=address[:64], at=clock.now(), succeeded=ok))
    return user if ok else None


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def one_time_link(user: User) -> str:
    """Create a one-time login link for ``user`` and return its absolute URL."""
    token = secrets.token_urlsafe(32)
    lifetime: timedelta = current_app.config["ONE_TIME_LINK_LIFETIME"]
    db.session.add(LoginLink(user=user, token_hash=_hash_token(token), expires_at=clock.now() + lifetime))
    return f"{current_app.config['PUBLIC_BASE_URL']}/login/link/{token}"


def redeem_link(token: str) -> User:
    """The link's user; the link is used up by one conditional UPDATE, so of any number of
    concurrent uses exactly one wins (the others match no unused row), on either database."""
    now = clock.now()
    token_hash = _hash_token(token)
    claimed = db.session.execute(
        update(LoginLink).where(LoginLink.token_hash == token_hash, LoginLink.used_at.is_(None),
                                LoginLink.expires_at >= now)
        .values(used_at=now), execution_options={"synchronize_session": False}).rowcount
    link = db.session.scalar(select(LoginLink).where(LoginLink.token_hash == token_hash))
    if claimed != 1:
        if link is not None and link.used_at is None:
            raise AuthError("this login link has expired; ask the organizer for a new one")
        raise AuthError("this login link is unknown or has been used")
    audit.record("user.link_login", "user", link.user.username)
    return link.user


def disable_user(username: str) -> User:
    """No more logins, and every open session of the account ends at its next request."""
    user = user_by_name(username)
    if user is None:
        raise AuthError(f"no user {username}")
    user.active = False
    sessions.end_all(user)
    audit.record("user.disable", "user", username)
    return user
