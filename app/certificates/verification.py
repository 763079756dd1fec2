"""What scanning a certificate's QR code shows: genuine, revoked, unknown, or a refused token.

The token is read with :func:`app.certificates.signing.read_token` (signature, key id, canonical
form); a token that passes names a number, and the certificate stored under that number must have
the content whose digest the token carries (:meth:`TokenClaims.matches`). The page then shows the
*server's* content, so a forged paper with a copied QR code shows different content from the
paper's. A well-signed token whose digest matches no stored content is refused, never shown as
genuine (it cannot come from this server's issuing, which never edits a certificate's content).

The page's rate limit (``VERIFY_RATE_LIMIT``) is the rate limiter's (:mod:`app.ratelimit`), not
the database's: the page is public and read-only, so a row per scan would turn every scan into a write.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from app.certificates.keyring import app_keyring
from app.certificates.models import Certificate, CertificateStatus
from app.certificates.signing import TokenRefused, read_token
from app.extensions import db
from app.messages import Message, msg

GENUINE, REVOKED, UNKNOWN, REFUSED = "genuine", "revoked", "unknown", "refused"


@dataclass(frozen=True)
class Verification:
    state: str
    certificate: Certificate | None = None
    number: str | None = None
    reason: Message | None = None


def verify(token: str) -> Verification:
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
