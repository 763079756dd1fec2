"""The signed token in a certificate's QR code, and the canonical content it vouches for.

The layout is a contract (certificates.md): people verify tokens offline with the published keys,
so a change here breaks every printed certificate. ::

    token = base64url, no padding, of:
            key_id (1 byte) ‖ certificate number (ASCII) ‖ SHA-256(canonical content)[:16]
            ‖ Ed25519 signature (64 bytes) over all the preceding bytes

There is no separator: the number is what lies between the key id and the last 80 bytes.

**Canonical content** is the UTF-8 JSON of exactly the ten :data:`CONTENT_FIELDS`, keys sorted, no
spaces (``json.dumps(..., ensure_ascii=False, sort_keys=True, separators=(",", ":"))``). Where
certificates.md is silent, this module decides:

- a missing value (``occupation`` of an award certificate, say) is JSON ``null``, and every field
  must be present: a forgotten field is an error, not a ``null``;
- ``issue_date`` is a :class:`datetime.date` written ISO 8601 (``"2026-09-01"``); a string is
  taken as written, so a caller holding ``"2026-09-01"`` gets the same bytes;
- every other value is a ``str``, written as stored (no Unicode normalization, non-ASCII as UTF-8,
  not ``\\u`` escapes); numbers, datetimes and booleans are refused, so the bytes never depend on
  how a number or a time zone happens to be formatted.

**Reading** a token refuses, each with its own reason: an empty or over-long token, whitespace,
a character outside base64url (padding ``=`` included), a length no bytes encode to, a token that
does not re-encode to itself exactly (base64 has spare bits in its last character: without this
check a changed last character could still verify), too few bytes, an empty or non-printable-ASCII
number, an unknown key id, a bad signature. A token that passes yields :class:`TokenClaims`; the
caller then compares the digest with the stored certificate's content (:meth:`TokenClaims.matches`).

Certificate numbers are printable ASCII without spaces, at most :data:`MAX_NUMBER_LENGTH`
characters: the default templates give at most 31 (a 20-character issuer code, year, letter or
level digit, six-digit sequence), and the cap keeps the token at most 151 characters, so the
verification URL fits a version-10 QR code at error correction M with a base URL up to 54
characters.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from app.errors import DomainError
from app.messages import Message, msg

CONTENT_FIELDS = ("number", "kind", "holder", "id_masked", "event", "skill", "award_or_level",
                  "occupation", "issue_date", "issuer")
DIGEST_LENGTH = 16
SIGNATURE_LENGTH = 64
KEY_ID_LENGTH = 1
MAX_NUMBER_LENGTH = 32
MIN_TOKEN_BYTES = KEY_ID_LENGTH + DIGEST_LENGTH + SIGNATURE_LENGTH  # 81: everything but the number
MAX_TOKEN_LENGTH = math.ceil((MIN_TOKEN_BYTES + MAX_NUMBER_LENGTH) * 4 / 3)  # 151 characters
BASE64URL = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")

ContentValue = str | date | None


class SigningError(DomainError):
    """A token cannot be made from these values; the message says which and why."""


class Signer(Protocol):
    """What making a token needs of a keyring (:class:`app.certificates.keyring.Keyring`)."""

    def current_id(self) -> int: ...

    def sign(self, key_id: int, data: bytes) -> bytes: ...


class PublicKeys(Protocol):
    """What reading a token needs of a keyring."""

    def public_key(self, key_id: int) -> Ed25519PublicKey | None: ...


# -- canonical content --------------------------------------------------------------------------

def canonical_content(content: Mapping[str, ContentValue]) -> bytes:
    """The canonical bytes of a certificate's content (see the module docstring)."""
    missing = [f for f in CONTENT_FIELDS if f not in content]
    extra = sorted(set(content) - set(CONTENT_FIELDS))
    if missing or extra:
        # The caller's bug, not a person's input: plain English, like the rest of the log.
        raise SigningError(f"certificate content must have exactly the fields {', '.join(CONTENT_FIELDS)} "
                           f"(missing: {', '.join(missing) or '-'}; unexpected: {', '.join(extra) or '-'})")
    return json.dumps({field: _canonical_value(field, content[field]) for field in CONTENT_FIELDS},
                      ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def _canonical_value(field: str, value: ContentValue) -> str | None:
    if value is None or isinstance(value, str):
        return value
    if field == "issue_date" and isinstance(value, date) and not isinstance(value, datetime):
        return value.isoformat()
    or_date = " or a date" if field == "issue_date" else ""
    raise SigningError(f"certificate field {field} must be text{or_date} or None, not {type(value).__name__}")


def content_digest(content: Mapping[str, ContentValue]) -> bytes:
    """SHA-256 of the canonical content, first 16 bytes: what the token carries."""
    return hashlib.sha256(canonical_content(content)).digest()[:DIGEST_LENGTH]


# -- tokens -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class TokenClaims:
    """What a verified token says: this key signed this certificate number with this content."""

    key_id: int
    number: str
    digest: bytes

    def matches(self, content: Mapping[str, ContentValue]) -> bool:
        """Whether ``content`` (the stored certificate's) is what the token was signed for."""
        return content.get("number") == self.number and hmac.compare_digest(
            content_digest(content), self.digest)


@dataclass(frozen=True)
class TokenRefused:
    """A token that is not genuine, or not a token at all; ``reason`` is for people."""

    reason: Message


def make_token(number: str, content: Mapping[str, ContentValue], keyring: Signer) -> str:
    """The token for certificate ``number`` with ``content``, signed by the current key."""
    if content.get("number") != number:
        raise SigningError(f"certificate content is for number {content.get('number')}, not {number}")
    problem = _number_problem(number)
    if problem:
        raise SigningError(problem)
    key_id = keyring.current_id()
    signed = bytes([key_id]) + number.encode("ascii") + content_digest(content)
    signature = keyring.sign(key_id, signed)
    if len(signature) != SIGNATURE_LENGTH:  # a keyring of another algorithm would break the layout
        raise SigningError(f"signature of {len(signature)} bytes; tokens need Ed25519's 64")
    return _encode(signed + signature)


def read_token(token: str, keyring: PublicKeys) -> TokenClaims | TokenRefused:
    """The claims of a genuine token, or why it is refused. Never raises for any input text."""
    raw = _decode(token)
    if isinstance(raw, TokenRefused):
        return raw
    if len(raw) < MIN_TOKEN_BYTES:
        return _refused(msg("the token is too short to hold a certificate number, digest and signature: "
                            "was it cut short when the link was copied?"))
    if len(raw) == MIN_TOKEN_BYTES:
        return _refused(msg("the token holds no certificate number"))
    key_id = raw[0]
    number_bytes = raw[KEY_ID_LENGTH:len(raw) - DIGEST_LENGTH - SIGNATURE_LENGTH]
    digest = raw[len(raw) - DIGEST_LENGTH - SIGNATURE_LENGTH:len(raw) - SIGNATURE_LENGTH]
    signature = raw[len(raw) - SIGNATURE_LENGTH:]
    if not all(0x21 <= byte <= 0x7E for byte in number_bytes):
        return _refused(msg("the certificate number in the token is not printable ASCII"))
    public_key = keyring.public_key(key_id)
    if public_key is None:
        return _refused(msg("the token was signed with key %(key_id)s, which this server does not know",
                            key_id=key_id))
    try:
        public_key.verify(signature, raw[:len(raw) - SIGNATURE_LENGTH])
    except InvalidSignature:
        return _refused(msg("the token's signature does not match: it was altered or forged"))
    return TokenClaims(key_id=key_id, number=number_bytes.decode("ascii"), digest=digest)


def _number_problem(number: str) -> Message | None:
    if not number:
        return msg("a certificate number is needed")
    if not all(0x21 <= ord(char) <= 0x7E for char in number):
        return msg("certificate number %(number)s must be printable ASCII without spaces", number=number)
    if len(number) > MAX_NUMBER_LENGTH:
        return msg("certificate number %(number)s is longer than %(max)s characters", number=number,
                   max=MAX_NUMBER_LENGTH)
    return None


def _encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _decode(token: str) -> bytes | TokenRefused:
    if not token:
        return _refused(msg("the token is empty"))
    if len(token) > MAX_TOKEN_LENGTH:
        return _refused(msg("the token is longer than any certificate token (%(max)s characters)",
                            max=MAX_TOKEN_LENGTH))
    if any(char.isspace() for char in token):
        return _refused(msg("the token contains whitespace"))
    position = next((i for i, char in enumerate(token) if char not in BASE64URL), None)
    if position is not None:
        return _refused(msg("the token has a character that is not base64url at position %(position)s",
                            position=position + 1))
    if len(token) % 4 == 1:
        return _refused(msg("the token is cut short or has one character too many: no bytes encode to "
                            "%(length)s characters", length=len(token)))
    # Cannot fail: the alphabet and the length are checked above.
    raw = base64.b64decode(token + "=" * (-len(token) % 4), altchars=b"-_", validate=True)
    if _encode(raw) != token:
        # Either the token lost its tail (copied from a message, say) or its last character changed:
        # both leave spare bits that no whole token has, and the token alone cannot tell which.
        return _refused(msg("the token does not end where a whole token ends: it was cut short when "
                            "copied, or its last character was changed"))
    return raw


def _refused(reason: Message) -> TokenRefused:
    return TokenRefused(reason=reason)
