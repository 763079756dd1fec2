"""The public certificate keys at ``/.well-known/jingsai-keys.json``, so anyone can check a token
offline (certificates.md)::

    {"keys": [{"kid": 1, "alg": "Ed25519", "public_key": "<base64url, no padding, of the raw 32
    bytes>", "not_after": null}]}

Every key is listed, old ones included: a certificate printed years ago still carries a token
signed by the key current then. ``not_after`` stays ``null`` for a rotated-out key, on purpose:
a token carries no signing time, so an offline checker given a date could only refuse genuine old
certificates with it. A withdrawn (compromised) key is removed from the key directory instead, and
so from this list. The field is kept for the contract's shape.

Public, cached publicly for a short time (a new key after a rotation is seen within
:data:`MAX_AGE_SECONDS`), and open to other origins: these are public keys, and a checker may run
in a browser on another site.
"""
from __future__ import annotations

import base64

from flask import Blueprint, Response, jsonify

from app.auth.permissions import allow_public
from app.certificates.keyring import Keyring, app_keyring

MAX_AGE_SECONDS = 300

bp = Blueprint("certificate_keys", __name__)


def published_keys(keyring: Keyring) -> dict[str, list[dict[str, object]]]:
    """The key list of the keyring in the published shape (module docstring): public keys only, old ones included."""
    keys = []
    for key_id in keyring.key_ids():
        public_key = keyring.public_key(key_id)
        if public_key is None:  # removed between the listing and the lookup
            continue
        raw = public_key.public_bytes_raw()
        keys.append({"kid": key_id, "alg": "Ed25519",
                     "public_key": base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii"),
                     "not_after": None})
    return {"keys": keys}


@bp.route("/.well-known/jingsai-keys.json")
@allow_public
def keys() -> Response:
    """The published key list, public and cross-origin, so anyone can check a certificate's token offline."""
    response = jsonify(published_keys(app_keyring()))
    response.cache_control.public = True
    response.cache_control.max_age = MAX_AGE_SECONDS
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response
