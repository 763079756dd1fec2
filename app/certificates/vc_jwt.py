"""Securing a certificate's Open Badges credential as a VC-JWT, and the public keys as a JWKS.

The JWT's payload is the credential itself (VC 2.0 with JOSE; Open Badges 3.0 section 8.2), plus the
registered claims an OB 3.0 verifier reads: ``iss`` (the issuer profile's id), ``jti`` (the
credential's id) and ``nbf`` (``validFrom``). There is no ``sub``: the subject has no id (see
:mod:`app.certificates.credentials`) and no ``exp``: a certificate does not expire, and revocation is
answered by the status URL. The header: ``alg`` ``EdDSA``, ``typ`` ``vc+jwt``, ``cty`` ``vc`` and a
``kid`` that is the URL of the signing key's entry in the published JWKS
(``PUBLIC_BASE_URL/.well-known/jwks.json#key-<n>``, the same ``kid`` string inside the set).

The signing key is the keyring's current one, the same Ed25519 key ring that signs the QR tokens,
so one published set of keys checks both; every key of the ring stays in the JWKS after a rotation,
so a credential downloaded years ago still verifies.
"""
from __future__ import annotations

import base64
import json
from datetime import datetime
from typing import Any

from flask import current_app

from app.certificates.credentials import open_badge_credential
from app.certificates.issuing import verify_url
from app.certificates.keyring import Keyring, app_keyring
from app.certificates.models import Certificate

MEDIA_TYPE = "application/vc+jwt"
JWKS_PATH = "/.well-known/jwks.json"


def key_url(base_url: str, key_id: int) -> str:
    """The ``kid`` of a key: its entry's URL in the published JWKS."""
    return f"{base_url}{JWKS_PATH}#key-{key_id}"


def sign_credential(credential: dict[str, Any], keyring: Keyring, base_url: str) -> str:
    """The compact VC-JWT of ``credential``, signed with the keyring's current key."""
    key_id = keyring.current_id()
    claims = {**credential, "iss": credential["issuer"]["id"], "jti": credential["id"],
              "nbf": int(datetime.fromisoformat(credential["validFrom"]).timestamp())}
    header = {"typ": "vc+jwt", "cty": "vc", "kid": key_url(base_url, key_id)}
    payload = json.dumps(claims, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return keyring.sign_jws(key_id, header, payload)


def certificate_credential(certificate: Certificate) -> str:
    """The signed credential of a certificate, its status at the JSON twin of its QR code's URL
    (what the holder downloads, and what the API hands out)."""
    base_url = current_app.config["PUBLIC_BASE_URL"]
    credential = open_badge_credential(certificate, base_url, f"{verify_url(certificate)}.json")
    return sign_credential(credential, app_keyring(), base_url)


def jwks(keyring: Keyring, base_url: str) -> dict[str, list[dict[str, str]]]:
    """Every key of the ring as a public JWK (RFC 8037), retired ones included: public parts only."""
    keys = []
    for key_id in keyring.key_ids():
        public_key = keyring.public_key(key_id)
        if public_key is None:  # removed between the listing and the lookup
            continue
        x = base64.urlsafe_b64encode(public_key.public_bytes_raw()).rstrip(b"=").decode("ascii")
        keys.append({"kty": "OKP", "crv": "Ed25519", "x": x, "kid": key_url(base_url, key_id), "alg": "EdDSA",
                     "use": "sig"})
    return {"keys": keys}
