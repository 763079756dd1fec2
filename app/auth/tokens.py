"""Personal API tokens: made, listed and revoked by their own user, checked on every bearer request.

A token is ``jst_`` and 43 URL-safe characters of ``secrets`` randomness (256 bits), shown once when
made; the database keeps its SHA-256 (a fast hash suffices for a secret that cannot be guessed) and
its first characters as a hint to tell tokens apart. It lives ``DEFAULT_LIFETIME_DAYS`` unless the user
chooses between 1 and ``MAX_LIFETIME_DAYS`` days: a forgotten token on an HR system's server stops by
itself.

A token authenticates as its user, so every role and unit-tree check applies as on the web; its
scope only narrows that (:mod:`app.api.bearer`). It stops working when revoked, expired, when its user
is disabled, or when the user's sessions all end (logout everywhere, a new password): the token holds
the ``session_version`` it was made under. Making and revoking are audited (``token.create``,
``token.revoke``), and so is every use (``token.use``, with the method and path).
"""
from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import select

from app import audit, clock
from app.auth.models import ApiToken, TokenScope, User
from app.events.models import Event
from app.extensions import db

PREFIX = "jst_"
DEFAULT_LIFETIME_DAYS = 90
MAX_LIFETIME_DAYS = 365
MAX_TOKENS_PER_USER = 50
_HINT_LENGTH = 10


def digest(secret: str) -> str:
    """The stored form of a token: its SHA-256, hex."""
    return hashlib.sha256(secret.encode()).hexdigest()


def create(user: User, name: str, scope: TokenScope, event: Event | None, days: int) -> tuple[ApiToken, str]:
    """A new token of ``user`` and its secret, which is never stored nor shown again (the caller commits)."""
    if not 1 <= days <= MAX_LIFETIME_DAYS:
        raise ValueError(f"a token lives 1 to {MAX_LIFETIME_DAYS} days")
    secret = PREFIX + secrets.token_urlsafe(32)
    now = clock.now()
    token = ApiToken(user_id=user.id, name=name, scope=scope, event_id=event.id if event else None,
                     token_hash=digest(secret), hint=secret[:_HINT_LENGTH], session_version=user.session_version,
                     created_at=now, expires_at=now + timedelta(days=days))
    db.session.add(token)
    db.session.flush()
    audit.record("token.create", "api_token", token.id, event_id=token.event_id,
                 after={"user": user.username, "name": name, "scope": scope, "event": event.code if event else None,
                        "expires_at": token.expires_at})
    return token, secret


def tokens_of(user: User) -> list[ApiToken]:
    """The user's tokens, newest first, revoked and expired ones included (their history)."""
    return list(db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id)
                                   .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())))


def count_live(user: User) -> int:
    """Tokens of ``user`` that still work: a user may hold at most ``MAX_TOKENS_PER_USER`` of them."""
    return sum(1 for token in tokens_of(user) if works(token, token.user))


def revoke(user: User, token_id: int) -> ApiToken | None:
    """Revoke one of ``user``'s own tokens; ``None`` when it is not theirs (the caller commits)."""
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id:
        return None
    if token.revoked_at is None:
        token.revoked_at = clock.now()
        audit.record("token.revoke", "api_token", token.id, event_id=token.event_id,
                     after={"user": user.username, "name": token.name})
    return token


def works(token: ApiToken, user: User) -> bool:
    """Whether the token authenticates now (see the module docstring for what ends it)."""
    return (token.revoked_at is None and token.expires_at > clock.now() and user.active
            and token.session_version == user.session_version)


def authenticate(secret: str) -> ApiToken | None:
    """The working token with this secret, or ``None``."""
    if not secret.startswith(PREFIX) or len(secret) > 100:
        return None
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == digest(secret)))
    if token is None or not works(token, token.user):
        return None
    return token


def record_use(token: ApiToken, method: str, path: str) -> None:
    """Every use is on record, as its user, with the method and path (the caller commits)."""
    token.last_used_at = clock.now()
    with audit.acting_as(f"user:{token.user.username}"):
        audit.record("token.use", "api_token", token.id, event_id=token.event_id, note=f"{method} {path}"[:500])
