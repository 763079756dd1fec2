"""User accounts, login attempts (the throttle counts them in the database, so every gunicorn
worker sees the same count), sessions, one-time login links for expert accounts, and the claim
codes with which contestants claim their accounts (:mod:`app.auth.claims`).

A session is valid while its row is open and the user's ``session_version`` is the one it was
started under (:mod:`app.auth.sessions`): logging out closes one session, and logging out
everywhere, a new password or a disabled account bump the version, which ends every session at once.
"""
from __future__ import annotations

import enum
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from app import clock
from app.db import Moment, enum_column
from app.extensions import db


class Role(enum.StrEnum):
    ADMIN = "admin"
    ORGANIZER = "organizer"
    UNIT_ADMIN = "unit_admin"
    EXPERT = "expert"
    ARBITER = "arbiter"
    CONTESTANT = "contestant"


# Roles whose powers reach only their unit's tree.
UNIT_SCOPED_ROLES = frozenset({Role.ORGANIZER, Role.UNIT_ADMIN, Role.ARBITER})


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    display_name: Mapped[str] = mapped_column(String(100), default="")
    password_hash: Mapped[str | None] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(enum_column(Role))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"), unique=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    session_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(Moment, default=clock.now)

    unit = relationship("Unit")
    person = relationship("Person")

    @property
    def is_active(self) -> bool:  # Flask-Login
        return self.active

    def get_id(self) -> str:
        """What Flask-Login keeps in the session: the id and the session version it was issued under."""
        return f"{self.id}:{self.session_version}"

    def set_password(self, password: str) -> None:
        # werkzeug's default is scrypt, a memory-hard KDF.
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        return bool(self.password_hash) and check_password_hash(self.password_hash, password)

    @property
    def label(self) -> str:
        return self.display_name or self.username

    def __repr__(self) -> str:
        return f"<User {self.username} {self.role}>"


class LoginAttempt(db.Model):
    __tablename__ = "login_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), index=True)
    address: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[datetime] = mapped_column(Moment, index=True)
    succeeded: Mapped[bool] = mapped_column(Boolean)


class UserSession(db.Model):
    """One login (by password or link); only the SHA-256 of the key in the cookie is stored."""

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    started_at: Mapped[datetime] = mapped_column(Moment)
    ended_at: Mapped[datetime | None] = mapped_column(Moment)


class LoginLink(db.Model):
    """A one-time login link; only the SHA-256 of its token is stored."""

    __tablename__ = "login_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime] = mapped_column(Moment)
    used_at: Mapped[datetime | None] = mapped_column(Moment)

    user: Mapped[User] = relationship()


class ClaimCode(db.Model):
    """The claim code of one approved registration: a contestant types it with their bib and ID
    number at ``/claim`` to get their account (:mod:`app.auth.claims`).

    Only a random nonce is stored; the code is derived from it with the app's secret key, so a
    database dump alone cannot claim an account, while the admission ticket and the unit admin's
    page can print the same code again. Regenerating draws a new nonce (the old code stops working);
    a claim sets ``used_at`` (single use).
    """

    __tablename__ = "claim_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("registrations.id", ondelete="CASCADE"), unique=True)
    nonce: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(Moment, default=clock.now)
    used_at: Mapped[datetime | None] = mapped_column(Moment)

    registration = relationship("Registration")


class ClaimAttempt(db.Model):
    """One try at ``/claim``, counted per client address in the database (every worker sees it)."""

    __tablename__ = "claim_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    address: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[datetime] = mapped_column(Moment, index=True)
    succeeded: Mapped[bool] = mapped_column(Boolean)


class TokenScope(enum.StrEnum):
    """What an API token may do on top of its user's own powers: ``read`` (GET only) or ``write``."""

    READ = "read"
    WRITE = "write"


class ApiToken(db.Model):
    """A personal API token (:mod:`app.auth.tokens`); only the SHA-256 of its secret is stored.

    It authenticates as its user and can only narrow what the user may do (scope, one event). It works
    while unrevoked, unexpired, its user active and the user's ``session_version`` the one it was made
    under: logging out everywhere, a new password or a disabled account end it like a session.
    """

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    scope: Mapped[TokenScope] = mapped_column(enum_column(TokenScope))
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    hint: Mapped[str] = mapped_column(String(16))
    session_version: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(Moment)
    expires_at: Mapped[datetime] = mapped_column(Moment)
    last_used_at: Mapped[datetime | None] = mapped_column(Moment)
    revoked_at: Mapped[datetime | None] = mapped_column(Moment)

    user: Mapped[User] = relationship()
    event = relationship("Event")
