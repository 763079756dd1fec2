"""The check-in token in an admission ticket's QR code.

::

    token = base64url, no padding, of:
            key_id (1 byte) ‖ registration id (4 bytes, big-endian)
            ‖ Ed25519 signature (64 bytes) over CONTEXT ‖ the 5 preceding bytes

Signed with the certificate keys (:mod:`app.certificates.keyring`), which already live outside the
database and rotate without breaking what was printed. The signed bytes start with
:data:`CONTEXT`, which no certificate token signs, so a ticket's signature never verifies as a
certificate's, nor the reverse. Every token is exactly :data:`TOKEN_LENGTH` characters, so a token
cut short is told apart from one that was altered.
"""
from __future__ import annotations

import base64

from cryptography.exceptions import InvalidSignature

from app.certificates.signing import BASE64URL, SIGNATURE_LENGTH, PublicKeys, Signer, TokenRefused
from app.messages import msg

CONTEXT = b"jingsai-check-in\0"
ID_BYTES = 4
RAW_LENGTH = 1 + ID_BYTES + SIGNATURE_LENGTH
TOKEN_LENGTH = 92  # 69 bytes in base64url, no padding


def make_check_in_token(registration_id: int, keyring: Signer) -> str:
    """The signed token a ticket's QR code carries, naming the registration, so check-in can trust a scan."""
    key_id = keyring.current_id()
    payload = bytes([key_id]) + registration_id.to_bytes(ID_BYTES, "big")
    raw = payload + keyring.sign(key_id, CONTEXT + payload)
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def read_check_in_token(token: str, keyring: PublicKeys) -> int | TokenRefused:
    """The registration id a genuine token names, or why it is refused. Never raises."""
    token = (token or "").strip()
    if not token:
        return TokenRefused(msg("the ticket code is empty"))
    if any(char not in BASE64URL for char in token):
        return TokenRefused(msg("this is not the code of an admission ticket"))
    if len(token) < TOKEN_LENGTH:
        return TokenRefused(msg("the ticket code is cut short: scan the whole QR code again"))
    if len(token) > TOKEN_LENGTH:
        return TokenRefused(msg("this is not the code of an admission ticket"))
    raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    if base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii") != token:
        return TokenRefused(msg("the ticket code was altered or forged"))
    payload, signature = raw[:1 + ID_BYTES], raw[1 + ID_BYTES:]
    public_key = keyring.public_key(payload[0])
    if public_key is None:
        return TokenRefused(msg("the ticket was signed with a key this server does not know"))
    try:
        public_key.verify(signature, CONTEXT + payload)
    except InvalidSignature:
        return TokenRefused(msg("the ticket code was altered or forged"))
    return int.from_bytes(payload[1:], "big")
