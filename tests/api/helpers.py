"""Tokens for API tests, made as a user makes them (the service the account page calls)."""
from __future__ import annotations

from app.auth import tokens
from app.auth.models import TokenScope, User
from app.extensions import db


def token_for(user: User, *, scope: TokenScope = TokenScope.WRITE, event=None, days: int = 30) -> str:
    _token, secret = tokens.create(user, f"test {user.username}", scope, event, days)
    db.session.commit()
    return secret


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}
