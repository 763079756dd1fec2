"""What scanning a certificate's QR code shows: genuine, revoked, unknown, or a refused token.

The token is read with :func:`app.certificates.signing.read_token` (signature, key id, canonical
form); a token that passes names a number, and the certificate stored under that number must have
the content whose digest the token carries (:meth:`TokenClaims.matches`). The page then shows the
*server's* content, so a forged paper with a copied QR code shows different content from the
paper's. A well-signed token whose digest matches no stored content is refused, never shown as
genuine (it cannot come from this server's issuing, which never edits a certificate's content).

:func:`verification` is the same answer as a JSON-ready dictionary: the target of an Open Badges
credential's ``credentialStatus`` (``/verify/<token>.json``) and of the integration API. ``state``
is one of the four below; ``valid`` is true for ``genuine`` alone, so a verifier that reads one key
cannot take a revoked certificate for a valid one.

The page a genuine or revoked verdict renders is cached per *status version* of its certificate
(:func:`verdict_key`): the row is read on every scan, and the key holds everything the page shows
that can change (status, revocation date, reason and replacement) with the content's digest and the
language, so a revocation or an amendment (which revokes and reissues) makes a new key at the very
next scan in every worker, with no invalidation to forget; old entries expire. Only the rendering is
saved, never the reading of the verdict.

The page's rate limit (``VERIFY_RATE_LIMIT``) is the rate limiter's (:mod:`app.ratelimit`), not
the database's: the page is public and read-only, so a row per scan would turn every scan into a write.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from app.certificates.credentials import credential_id
from app.certificates.keyring import app_keyring
from app.certificates.models import Certificate, CertificateStatus
from app.certificates.signing import TokenRefused, content_digest, read_token
from app.extensions import db
from app.messages import Message, msg, translated

GENUINE, REVOKED, UNKNOWN, REFUSED = "genuine", "revoked", "unknown", "refused"


@dataclass(frozen=True)
class Verification:
    state: str
    certificate: Certificate | None = None
    number: str | None = None
    reason: Message | None = None


def verify(token: str) -> Verification:
    """The verdict on a scanned token, from the stored row (never from the token alone)."""
    claims = read_token(token, app_keyring())
    if isinstance(claims, TokenRefused):
        return Verification(REFUSED, reason=claims.reason)
    found = db.session.scalars(select(Certificate).where(Certificate.number == claims.number)).all()
    if not found:
        return Verification(UNKNOWN, number=claims.number)
    for certificate in found:
        if claims.matches(certificate.content):
            state = REVOKED if certificate.status == CertificateStatus.REVOKED else GENUINE
            return Verification(state, certificate, claims.number)
    return Verification(REFUSED, number=claims.number,
                        reason=msg("the token does not match the content on file for certificate %(number)s",
                                   number=claims.number))


def verification(token: str) -> dict[str, Any]:
    """What :func:`verify` finds, as JSON: the certificate's content and credential id when genuine
    or revoked, the revocation's date, reason and replacement when revoked, the reason when refused."""
    result = verify(token)
    answer: dict[str, Any] = {"state": result.state, "valid": result.state == GENUINE, "number": result.number}
    if result.reason is not None:
        answer["reason"] = translated(result.reason)
    certificate = result.certificate
    if certificate is not None:
        answer["credential_id"] = credential_id(certificate)
        answer["certificate"] = dict(certificate.content)
    if result.state == REVOKED and certificate is not None:
        answer["revoked_at"] = certificate.revoked_at.isoformat() if certificate.revoked_at else None
        answer["revocation_reason"] = certificate.revoked_reason
        answer["replaced_by"] = certificate.replaced_by.number if certificate.replaced_by else None
    return answer


def verdict_key(result: Verification, language: str) -> str | None:
    """The cache key of a genuine or revoked verdict's page, ``None`` for the others (cheap to
    render, and not worth a key each for made-up tokens). It changes with every field the page
    shows that can change, so a cached page is never older than the row just read."""
    certificate = result.certificate
    if result.state not in (GENUINE, REVOKED) or certificate is None:
        return None
    version = (certificate.id, result.state, certificate.revoked_at.isoformat() if certificate.revoked_at else "",
               certificate.revoked_reason or "", certificate.replaced_by_id or "", language)
    stamp = "\x1f".join(map(str, version)).encode() + content_digest(certificate.content)
    return f"verify:{hashlib.sha256(stamp).hexdigest()}"
