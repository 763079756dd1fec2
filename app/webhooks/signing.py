"""What a receiver checks: the signature scheme of every delivery (the README shows the check).

Headers of a delivery (``POST``, ``Content-Type: application/json``):

- ``X-Jingsai-Event``: the type (``results.published`` …);
- ``X-Jingsai-Delivery``: this delivery's id (the same across its retries; "send again" makes a new one);
- ``X-Jingsai-Timestamp``: Unix seconds when this attempt was signed;
- ``X-Jingsai-Signature``: ``sha256=`` and the lowercase hex HMAC-SHA256, keyed with the hook's secret
  (its UTF-8 bytes), of ``f"{timestamp}.{body}"`` — the timestamp header, a dot, the raw body bytes.

Signing the timestamp with the body lets a receiver refuse a replayed old delivery (say, older than
five minutes); the body's ``id`` is the same for every retry of an occurrence, to drop duplicates.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets

SIGNATURE_PREFIX = "sha256="


def new_secret() -> str:
    """256 random bits, URL-safe: short enough to copy from the page, too long to guess."""
    return secrets.token_urlsafe(32)


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """The ``X-Jingsai-Signature`` value of ``body`` signed at ``timestamp``."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return SIGNATURE_PREFIX + mac.hexdigest()


def headers(secret: str, timestamp: int, body: bytes, *, event_type: str, delivery_id: str) -> dict[str, str]:
    """Every header of one attempt: what a receiver needs to route, deduplicate and verify it."""
    return {"Content-Type": "application/json", "User-Agent": "Jingsai-Webhooks/1",
            "X-Jingsai-Event": event_type, "X-Jingsai-Delivery": delivery_id,
            "X-Jingsai-Timestamp": str(timestamp), "X-Jingsai-Signature": signature(secret, timestamp, body)}
