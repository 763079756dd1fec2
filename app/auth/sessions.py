"""Sessions that can be revoked, checked on every request.

The session cookie is signed, not stored, so a copy of it works wherever it is replayed. Two
things in the database decide whether it still does (:func:`load`, Flask-Login's user loader):

- the row of this login (:class:`UserSession`, keyed by a random key kept in the cookie), closed by
  logging out (:func:`end`): a cookie copied before logout is refused afterwards;
- the user's ``session_version``, which Flask-Login's id in the cookie carries (``User.get_id``):
  :func:`end_all` bumps it (logout everywhere, a new password, a disabled account), which ends every
  session of the account in one write.

Logging in starts from an empty cookie (:func:`begin`): nothing planted in the session before the
login survives it, and the new key replaces any old one.
"""
from __future__ import annotations

import hashlib
import re
import secrets

from flask import current_app, g, session
from flask_login import login_user, logout_user
from sqlalchemy import select, update

from app import clock
from app.api.bearer import uses_bearer
from app.auth.models import User, UserSession
from app.extensions import db

SESSION_KEY = "sid"
_USER_ID = re.compile(r"([0-9]{1,18}):([0-9]{1,18})")


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def begin(user: User) -> None:
    """Log ``user`` in on a fresh session (the caller commits). Nothing from before the login is
    kept; the language lives in a cookie of its own (app.i18n). The CSRF token Flask-WTF cached for
    this request belonged to the cleared session: forget it too."""
    session.clear()
    g.pop(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"), None)
    key = secrets.token_urlsafe(32)
    db.session.add(UserSession(user_id=user.id, key_hash=_hash(key), started_at=clock.now()))
    db.session.flush()
    session[SESSION_KEY] = key
    session.permanent = True
    login_user(user)


def end() -> None:
    """Log out this session; its row is closed, so a copy of the cookie is refused too (the caller commits)."""
    key = session.get(SESSION_KEY)
    if isinstance(key, str):
        db.session.execute(update(UserSession).where(UserSession.key_hash == _hash(key),
                                                     UserSession.ended_at.is_(None))
                           .values(ended_at=clock.now()))
    logout_user()
    session.pop(SESSION_KEY, None)


def end_all(user: User) -> None:
    """Every session of ``user`` is refused from its next request on (the caller commits)."""
    db.session.execute(update(User).where(User.id == user.id)
                       .values(session_version=User.session_version + 1))
    db.session.refresh(user)


def load(user_id: str) -> User | None:
    """The user of this request's session, or None (anonymous) if the session was ended."""
    if uses_bearer():
        return None  # an API request with a token is that token's alone (app.api.bearer), never the cookie's
    match = _USER_ID.fullmatch(user_id or "")
    key = session.get(SESSION_KEY)
    if match is None or not isinstance(key, str):
        return None
    return db.session.scalar(
        select(User).join(UserSession, UserSession.user_id == User.id)
        .where(User.id == int(match[1]), User.session_version == int(match[2]), User.active.is_(True),
               UserSession.key_hash == _hash(key), UserSession.ended_at.is_(None)))
