"""What a verifier of an Open Badges credential fetches: the keys as a JWKS and the issuers' profiles.

- ``/.well-known/jwks.json``: every key of the certificate key ring as a public JWK, retired ones
  included (:func:`app.certificates.vc_jwt.jwks`); a credential's ``kid`` is its key's URL here.
- ``/.well-known/jingsai-issuers/<code>.json``: the OB 3.0 ``Profile`` of an issuing unit, the
  ``issuer.id`` of its credentials. Only units that issued a certificate have one (anything else is
  404): the page is public, and a unit that never issued anything is no issuer.

Public, cached publicly for a short time (a new key after a rotation is seen within
:data:`MAX_AGE_SECONDS`), and open to other origins, like ``/.well-known/jingsai-keys.json``.
"""
from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, jsonify
from sqlalchemy import select

from app.auth.permissions import allow_public
from app.certificates.credentials import CONTEXTS, ISSUERS_PATH, issuer_profile
from app.certificates.keyring import app_keyring
from app.certificates.models import Certificate
from app.certificates.vc_jwt import JWKS_PATH, jwks
from app.extensions import db
from app.units.models import Unit

MAX_AGE_SECONDS = 300

bp = Blueprint("wellknown", __name__)


def _public(document: dict, mimetype: str = "application/json") -> Response:
    response = jsonify(document)
    response.mimetype = mimetype
    response.cache_control.public = True
    response.cache_control.max_age = MAX_AGE_SECONDS
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@bp.route(JWKS_PATH)
@allow_public
def jwks_document() -> Response:
    """The public keys that check credentials (RFC 7517 JWK set)."""
    return _public(jwks(app_keyring(), current_app.config["PUBLIC_BASE_URL"]), "application/jwk-set+json")


@bp.route(f"{ISSUERS_PATH}/<code>.json")
@allow_public
def issuer(code: str) -> Response:
    """An issuing unit's profile, so a credential's ``issuer.id`` resolves to a document."""
    unit = db.session.scalar(select(Unit).where(Unit.code == code))
    if unit is None or db.session.scalar(select(Certificate.id).where(Certificate.issuer_id == unit.id)
                                         .limit(1)) is None:
        abort(404)
    return _public({"@context": CONTEXTS, **issuer_profile(current_app.config["PUBLIC_BASE_URL"], unit)})
