"""Certificates as Open Badges 3.0 credentials (VC-JWT), checked as a stranger would.

The credentials are signed with joserfc (app code); every check here uses PyJWT instead, with the
keys fetched from the published JWKS, so the tests do not vouch for our signing with our own code.
A tampered credential must fail; a revoked one still verifies cryptographically, and its status URL
says revoked. Every forbidden path of the download is tried.
"""
from __future__ import annotations

import base64
import json
from urllib.parse import urlsplit

import jwt
import pytest

from app.certificates.credentials import OB_CONTEXT, VC_CONTEXT
from app.certificates.issuing import issue_level_certificate, revoke
from app.certificates.keyring import app_keyring
from app.certificates.models import Certificate
from app.extensions import db
from scoring.tiers import TIERS
from tests.certificates.world import REFUSED, answer, certificate_of, issued_world, level_record
from tests.events.helpers import login_en

BASE = "http://localhost:5000"
JWKS = "/.well-known/jwks.json"


@pytest.fixture()
def keys_dir(app, tmp_path, monkeypatch):
    """The app signs with keys in a temporary directory, never the developer's instance/keys."""
    monkeypatch.setitem(app.config, "CERTIFICATE_KEYS_DIR", str(tmp_path / "keys"))
    return tmp_path / "keys"


@pytest.fixture()
def world(ctx, make, keys_dir):
    return issued_world(make)


def jwt_path(certificate: Certificate) -> str:
    return f"/events/EV1/certificates/{certificate.id}.jwt"


def local(url: str) -> str:
    """The path of one of our absolute URLs, to fetch it with the test client."""
    assert url.startswith(BASE + "/"), url
    return urlsplit(url).path


def download(client, certificate: Certificate, who: str = "cont-W-01") -> str:
    login_en(client, who)
    response = client.get(jwt_path(certificate))
    assert response.status_code == 200
    return response.get_data(as_text=True)


def verified(client, token: str) -> dict:
    """PyJWT's verification with the key the header names, taken from the published JWKS."""
    keys = jwt.PyJWKSet.from_dict(client.get(JWKS).get_json())
    kid = jwt.get_unverified_header(token)["kid"]
    key = next(k for k in keys.keys if k.key_id == kid)
    return jwt.decode(token, key=key, algorithms=["EdDSA"], options={"require": ["iss", "nbf", "jti"]})


def test_the_holder_downloads_a_credential_that_an_independent_library_verifies(world, client):
    mine = certificate_of("W-01")
    login_en(client, "cont-W-01")
    response = client.get(jwt_path(mine))
    assert response.status_code == 200 and response.mimetype == "application/vc+jwt"
    assert response.headers["Cache-Control"] == "private, no-store"
    assert f'filename="{mine.number}.jwt"' in response.headers["Content-Disposition"]
    token = response.get_data(as_text=True)
    header = jwt.get_unverified_header(token)
    assert header == {"alg": "EdDSA", "typ": "vc+jwt", "cty": "vc", "kid": f"{BASE}{JWKS}#key-1"}
    claims = verified(client, token)

    assert claims["@context"] == [VC_CONTEXT, OB_CONTEXT]
    assert claims["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert claims["id"].startswith("urn:uuid:") and claims["jti"] == claims["id"]
    assert claims["issuer"]["type"] == ["Profile"] and claims["iss"] == claims["issuer"]["id"]
    assert claims["issuer"]["id"] == f"{BASE}/.well-known/jingsai-issuers/JX-HRSS.json"
    assert claims["issuer"]["name"] == world.hrss.name
    assert claims["validFrom"].endswith("Z") and "validUntil" not in claims and "exp" not in claims
    subject = claims["credentialSubject"]
    assert subject["type"] == ["AchievementSubject"] and "id" not in subject and "sub" not in claims
    assert {"type": "IdentityObject", "identityType": "name", "hashed": False,
            "identityHash": mine.content["holder"]} in subject["identifier"]
    achievement = subject["achievement"]
    assert achievement["type"] == ["Achievement"] and achievement["achievementType"] == "Award"
    assert "金牌" in achievement["name"] and mine.content["skill"] in achievement["name"]
    narrative = achievement["criteria"]["narrative"]
    for part in (TIERS[world.event.tier].name_zh, mine.content["event"], mine.content["skill"], "金牌"):
        assert part in narrative
    assert "gold" in achievement["tag"] and "EV1" in achievement["tag"]

    # The issuer's id resolves to its profile; the status answers "genuine" for this certificate.
    profile = client.get(local(claims["issuer"]["id"]))
    assert profile.status_code == 200 and profile.headers["Access-Control-Allow-Origin"] == "*"
    assert {k: v for k, v in profile.get_json().items() if k != "@context"} == claims["issuer"]
    status = claims["credentialStatus"]
    assert status["type"] == "JingsaiCertificateStatus"
    answer = client.get(local(status["id"])).get_json()
    assert answer["state"] == "genuine" and answer["valid"] is True
    assert answer["number"] == mine.number and answer["credential_id"] == claims["id"]


def test_the_credential_does_not_carry_the_id_number(world, client):
    mine = certificate_of("W-01")
    id_number = world.competitor("W-01").lead.person.id_number
    payload = json.loads(base64.urlsafe_b64decode(download(client, mine).split(".")[1] + "=="))
    text = json.dumps(payload, ensure_ascii=False)
    assert id_number not in text and id_number[6:14] not in text  # not even the birth date
    masked = [i for i in payload["credentialSubject"]["identifier"]
              if i["identityType"] == "ext:maskedNationalIdentityNumber"]
    assert masked == [{"type": "IdentityObject", "identityType": "ext:maskedNationalIdentityNumber",
                       "hashed": False, "identityHash": mine.content["id_masked"]}]


def _reencoded_payload(token: str, change) -> str:
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    change(claims)
    forged = base64.urlsafe_b64encode(json.dumps(claims, ensure_ascii=False).encode()).rstrip(b"=").decode()
    return f"{header}.{forged}.{signature}"


def test_a_tampered_credential_fails_verification(world, client):
    token = download(client, certificate_of("W-02"), "cont-W-02")
    verified(client, token)

    def gold(claims):
        achievement = claims["credentialSubject"]["achievement"]
        assert "银牌" in achievement["name"]
        achievement["name"] = achievement["name"].replace("银牌", "金牌")

    with pytest.raises(jwt.InvalidSignatureError):
        verified(client, _reencoded_payload(token, gold))
    signature = token.rsplit(".", 1)[1]
    flipped = ("A" if signature[0] != "A" else "B") + signature[1:]
    with pytest.raises(jwt.InvalidSignatureError):
        verified(client, f"{token.rsplit('.', 1)[0]}.{flipped}")


def test_revocation_shows_in_the_status_while_the_signature_still_holds(world, client):
    mine = certificate_of("W-01")
    token = download(client, mine)
    revoke(mine, "wrong name")
    db.session.commit()
    claims = verified(client, token)
    response = client.get(local(claims["credentialStatus"]["id"]))
    answer = response.get_json()
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    assert answer["state"] == "revoked" and answer["valid"] is False
    assert answer["revocation_reason"] == "wrong name" and answer["revoked_at"]
    assert client.get(jwt_path(mine)).status_code == 404  # not handed out again


def test_an_old_credential_still_verifies_after_a_key_rotation(world, client):
    old = download(client, certificate_of("W-01"))
    app_keyring().rotate()
    new = client.get(jwt_path(certificate_of("W-01"))).get_data(as_text=True)
    assert jwt.get_unverified_header(new)["kid"] == f"{BASE}{JWKS}#key-2"
    assert verified(client, old)["id"] == verified(client, new)["id"]  # same credential, stable id


def test_the_jwks_holds_every_key_and_public_parts_only(world, client):
    app_keyring().rotate()
    response = client.get(JWKS)
    assert response.status_code == 200 and response.mimetype == "application/jwk-set+json"
    assert response.headers["Access-Control-Allow-Origin"] == "*" and "public" in response.headers["Cache-Control"]
    keys = response.get_json()["keys"]
    assert [k["kid"] for k in keys] == [f"{BASE}{JWKS}#key-1", f"{BASE}{JWKS}#key-2"]
    for key in keys:
        assert set(key) == {"kty", "crv", "x", "kid", "alg", "use"}
        assert (key["kty"], key["crv"], key["alg"], key["use"]) == ("OKP", "Ed25519", "EdDSA", "sig")
        assert len(base64.urlsafe_b64decode(key["x"] + "=")) == 32
    assert all(jwt.PyJWK(key).key_type == "OKP" for key in keys)


def test_the_status_of_unknown_and_forged_tokens(world, client):
    assert client.get("/verify/not-a-token.json").get_json()["state"] == "refused"
    response = client.get("/verify/not-a-token.json")
    assert response.status_code == 400 and response.get_json()["valid"] is False and response.get_json()["reason"]


def test_a_unit_that_issued_nothing_has_no_public_profile(world, client):
    assert client.get("/.well-known/jingsai-issuers/JX-NC.json").status_code == 404
    assert client.get("/.well-known/jingsai-issuers/NOSUCH.json").status_code == 404
    assert client.get("/.well-known/jingsai-issuers/JX-HRSS.json").status_code == 200


def test_the_holders_page_links_the_credential(world, client):
    login_en(client, "cont-W-01")
    page = client.get("/results/EV1/me").get_data(as_text=True)
    assert jwt_path(certificate_of("W-01")) in page and jwt_path(certificate_of("W-02")) not in page


@pytest.mark.parametrize("who", ["org", "admin"])
def test_organizers_and_admins_download_any_credential_of_the_event(world, client, who):
    verified(client, download(client, certificate_of("W-03"), who))


@pytest.mark.parametrize("who, expected", REFUSED)
def test_someone_elses_credential_is_refused(world, client, who, expected):
    assert answer(client, who, jwt_path(certificate_of("W-01"))) == expected


def test_a_level_certificate_is_a_certification(world, client):
    level = issue_level_certificate(level_record(world), world.event, world.weld)
    db.session.commit()
    achievement = verified(client, download(client, level))["credentialSubject"]["achievement"]
    assert achievement["achievementType"] == "Certification"
    assert "三级/高级工" in achievement["name"] and "三级/高级工" in achievement["criteria"]["narrative"]
