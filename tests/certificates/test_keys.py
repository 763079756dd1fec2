"""The signing keys: files outside the database, rotation, and the published public keys.

The offline test checks a token with the published JSON and ``cryptography`` alone, as a stranger
would: it decodes the layout of certificates.md itself rather than calling :mod:`app.certificates`.
"""
from __future__ import annotations

import base64
import json
import shutil
import stat
from datetime import date

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from app.certificates.keyring import Keyring, KeyringError, app_keyring
from app.certificates.signing import TokenClaims, TokenRefused, make_token, read_token

NUMBER = "JXHRSS2026A000123"
KEYS_URL = "/.well-known/jingsai-keys.json"
CONTENT = {"number": NUMBER, "kind": "award", "holder": "张伟", "id_masked": "3601**********123X",
           "event": "2026年江西省职业技能大赛", "skill": "焊工（职工组）", "award_or_level": "金牌",
           "occupation": None, "issue_date": date(2026, 10, 20), "issuer": "JXHRSS"}


def content(number: str) -> dict:
    return {**CONTENT, "number": number}


@pytest.fixture()
def directory(tmp_path):
    return tmp_path / "keys"


@pytest.fixture()
def keys_dir(app, directory, monkeypatch):
    """The app signs with keys in a temporary directory, never the developer's instance/keys."""
    monkeypatch.setitem(app.config, "CERTIFICATE_KEYS_DIR", str(directory))
    return directory


# -- the key files ------------------------------------------------------------------------------

def test_first_use_creates_key_1_readable_by_the_server_alone(directory):
    keyring = Keyring(directory)
    assert not directory.exists()
    assert keyring.current_id() == 1
    assert sorted(p.name for p in directory.iterdir()) == ["001.key", "current"]
    assert len((directory / "001.key").read_bytes()) == 32
    assert stat.S_IMODE((directory / "001.key").stat().st_mode) == 0o600
    assert stat.S_IMODE(directory.stat().st_mode) == 0o700
    assert (directory / "current").read_text() == "1\n"


def test_keys_persist_across_keyrings_and_processes(directory):
    token = make_token(NUMBER, CONTENT, Keyring(directory))
    assert isinstance(read_token(token, Keyring(directory)), TokenClaims)
    assert Keyring(directory).current_id() == 1  # not a second key


def test_a_rotated_key_still_verifies_old_tokens_and_new_tokens_use_the_new_key(directory):
    keyring = Keyring(directory)
    old = make_token(NUMBER, CONTENT, keyring)
    assert keyring.rotate() == 2
    new = make_token("JXHRSS2026A000124", content("JXHRSS2026A000124"), keyring)
    assert base64.urlsafe_b64decode(new + "=" * (-len(new) % 4))[0] == 2
    assert read_token(old, keyring).key_id == 1
    assert read_token(new, keyring).key_id == 2
    assert keyring.key_ids() == [1, 2]
    assert keyring.rotate() == 3
    assert read_token(old, keyring).key_id == 1


def test_a_rotation_by_another_process_is_seen_at_once(directory):
    server = Keyring(directory)
    old = make_token(NUMBER, CONTENT, server)
    assert isinstance(read_token(old, server), TokenClaims)  # key 1 now cached in the server
    assert Keyring(directory).rotate() == 2                   # e.g. an operator's command
    new = make_token(NUMBER, CONTENT, server)
    assert read_token(new, server).key_id == 2
    assert read_token(new, Keyring(directory)).key_id == 2


def test_a_withdrawn_key_no_longer_verifies(directory):
    keyring = Keyring(directory)
    old = make_token(NUMBER, CONTENT, keyring)
    keyring.rotate()
    (directory / "001.key").rename(directory.parent / "withdrawn-001.key")
    reason = str(read_token(old, Keyring(directory)).reason)
    assert "signed with key 1, which this server does not know" in reason


def test_no_key_id_beyond_255(directory):
    keyring = Keyring(directory)
    keyring.current_id()
    shutil.copy(directory / "001.key", directory / "255.key")
    with pytest.raises(KeyringError, match="all key ids up to 255 are used"):
        keyring.rotate()


def test_a_lost_current_file_means_the_newest_key(directory):
    keyring = Keyring(directory)
    keyring.rotate()
    (directory / "current").unlink()
    assert Keyring(directory).current_id() == 2


@pytest.mark.parametrize(("current", "reason"), [("7\n", "names key 7, but"), ("0\n", "must hold a key id"),
                                                 ("two\n", "must hold a key id")])
def test_a_broken_current_file_is_a_clear_error(directory, current, reason):
    Keyring(directory).current_id()
    (directory / "current").write_text(current)
    with pytest.raises(KeyringError, match=reason):
        Keyring(directory).current_id()


def test_a_corrupt_key_file_is_a_clear_error(directory):
    Keyring(directory).current_id()
    (directory / "001.key").write_bytes(b"not a key")
    with pytest.raises(KeyringError, match="001.key is not a raw 32-byte Ed25519 private key"):
        Keyring(directory).current_id()


# -- the published keys -------------------------------------------------------------------------

def test_the_keys_are_published_publicly_with_every_key(client, keys_dir):
    response = client.get(KEYS_URL)  # anonymous
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert response.cache_control.public and 0 < response.cache_control.max_age <= 3600
    keys = response.get_json()["keys"]
    assert [k["kid"] for k in keys] == [1]
    assert keys[0]["alg"] == "Ed25519" and keys[0]["not_after"] is None
    assert "=" not in keys[0]["public_key"]

    Keyring(keys_dir).rotate()
    keys = client.get(KEYS_URL).get_json()["keys"]
    assert [(k["kid"], k["not_after"]) for k in keys] == [(1, None), (2, None)]


def test_the_published_keys_are_public_keys_only(client, keys_dir):
    body = client.get(KEYS_URL).get_data()
    private = (keys_dir / "001.key").read_bytes()
    for encoding in (base64.urlsafe_b64encode, base64.b64encode, base64.b16encode):
        assert encoding(private).rstrip(b"=") not in body
    assert private.hex().encode() not in body


def _verify_offline(token: str, keys_json: bytes) -> str:
    """A stranger's checker: the published JSON, the token, certificates.md, ``cryptography``."""
    raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    assert base64.urlsafe_b64encode(raw).rstrip(b"=").decode() == token
    keys = {k["kid"]: k for k in json.loads(keys_json)["keys"]}
    key = keys[raw[0]]
    assert key["alg"] == "Ed25519"
    public_bytes = base64.urlsafe_b64decode(key["public_key"] + "=" * (-len(key["public_key"]) % 4))
    Ed25519PublicKey.from_public_bytes(public_bytes).verify(raw[-64:], raw[:-64])  # raises if forged
    return raw[1:-80].decode("ascii")


def test_the_published_keys_verify_a_token_offline(app, client, keys_dir):
    old = make_token(NUMBER, CONTENT, app_keyring())
    Keyring(keys_dir).rotate()
    new = make_token("JXHRSS2026A000124", content("JXHRSS2026A000124"), app_keyring())
    keys_json = client.get(KEYS_URL).get_data()
    assert _verify_offline(old, keys_json) == NUMBER
    assert _verify_offline(new, keys_json) == "JXHRSS2026A000124"
    raw = bytearray(base64.urlsafe_b64decode(new + "=" * (-len(new) % 4)))
    raw[5] ^= 1
    with pytest.raises(InvalidSignature):
        _verify_offline(base64.urlsafe_b64encode(bytes(raw)).rstrip(b"=").decode(), keys_json)


def test_the_app_keyring_follows_the_setting(app, keys_dir):
    with app.app_context():
        token = make_token(NUMBER, CONTENT, app_keyring())
    assert (keys_dir / "001.key").exists()
    assert isinstance(read_token(token, Keyring(keys_dir)), TokenClaims)
    assert isinstance(read_token(token, Keyring(keys_dir.parent / "other")), TokenRefused)


def test_rotate_key_command_makes_a_new_key_current_audited_and_old_tokens_still_verify(app, ctx, keys_dir):
    from sqlalchemy import select

    from app.audit import AuditEntry
    from app.certificates.keyring import app_keyring
    from app.extensions import db

    old = make_token(NUMBER, CONTENT, app_keyring())
    result = app.test_cli_runner().invoke(args=["certificates", "rotate-key"])
    assert result.exit_code == 0, result.output
    assert result.stdout == "signing key 2 is current; keys 1, 2 verify\n"
    assert isinstance(read_token(old, app_keyring()), TokenClaims)
    assert read_token(make_token(NUMBER, CONTENT, app_keyring()), app_keyring()).key_id == 2
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "certificate_keys.rotate"))
    assert entry.before == {"current": 1} and entry.after == {"current": 2, "keys": [1, 2]}
