"""The certificate token (certificates.md): canonical content, layout, and refusal of any change.

Pure: a keyring in a temporary directory, no app and no database. The mutation tests are
exhaustive where it is cheap: every position of the token with every other base64url character,
every byte of the decoded token with every single-bit flip and more.
"""
from __future__ import annotations

import base64
import hashlib
from datetime import date, datetime

import pytest
import qrcode
from qrcode.constants import ERROR_CORRECT_M

from app.certificates.keyring import Keyring
from app.certificates.signing import (
    BASE64URL,
    CONTENT_FIELDS,
    MAX_NUMBER_LENGTH,
    MAX_TOKEN_LENGTH,
    SigningError,
    TokenClaims,
    TokenRefused,
    canonical_content,
    content_digest,
    make_token,
    read_token,
)

NUMBER = "JXHRSS2026A000123"
ALPHABET = sorted(BASE64URL)
# A production-like base URL, longer than most.
BASE_URL = "https://jingsai.hrss.jiangxi.gov.cn"


def content(number: str = NUMBER, **changes) -> dict:
    values = {"number": number, "kind": "award", "holder": "张伟", "id_masked": "3601**********123X",
              "event": "2026年江西省职业技能大赛", "skill": "焊工（职工组）", "award_or_level": "金牌",
              "occupation": None, "issue_date": date(2026, 10, 20), "issuer": "JXHRSS"}
    values.update(changes)
    return values


@pytest.fixture()
def keyring(tmp_path) -> Keyring:
    return Keyring(tmp_path / "keys")


@pytest.fixture()
def token(keyring) -> str:
    return make_token(NUMBER, content(), keyring)


def b64decode(token: str) -> bytes:
    return base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))


def b64encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def refused(result) -> str:
    assert isinstance(result, TokenRefused), result
    return str(result.reason)


# -- canonical content --------------------------------------------------------------------------

def test_canonical_content_is_sorted_compact_utf8_json():
    expected = ('{"award_or_level":"金牌","event":"2026年江西省职业技能大赛","holder":"张伟",'
                '"id_masked":"3601**********123X","issue_date":"2026-10-20","issuer":"JXHRSS",'
                '"kind":"award","number":"JXHRSS2026A000123","occupation":null,"skill":"焊工（职工组）"}')
    assert canonical_content(content()) == expected.encode("utf-8")


def test_digest_is_the_first_16_bytes_of_sha256():
    digest = content_digest(content())
    assert digest == hashlib.sha256(canonical_content(content())).digest()[:16]
    assert len(digest) == 16


def test_a_date_and_its_iso_text_give_the_same_bytes():
    assert canonical_content(content(issue_date="2026-10-20")) == canonical_content(content())


def test_quotes_and_backslashes_are_escaped_so_fields_cannot_run_into_each_other():
    tricky = content(holder='张伟","kind":"level')
    assert canonical_content(tricky) != canonical_content(content(kind="level"))
    assert b'"holder":"\xe5\xbc\xa0\xe4\xbc\x9f\\",\\"kind\\":\\"level"' in canonical_content(tricky)


def test_every_field_changes_the_digest():
    base = content_digest(content())
    for field in CONTENT_FIELDS:
        if field == "issue_date":
            changed = content(issue_date=date(2026, 10, 21))
        else:
            changed = content(**{field: (content()[field] or "") + "x"})
        assert content_digest(changed) != base, field
    assert content_digest(content(occupation="")) != base  # empty text is not "none"


@pytest.mark.parametrize("bad", [
    {"issue_date": datetime(2026, 10, 20, 9, 0)},
    {"issue_date": 20261020},
    {"holder": 1},
    {"kind": True},
    {"skill": date(2026, 1, 1)},
])
def test_values_other_than_text_date_or_none_are_refused(bad):
    with pytest.raises(SigningError, match="must be text"):
        canonical_content(content(**bad))


def test_missing_and_unexpected_fields_are_refused():
    values = content()
    del values["occupation"]
    with pytest.raises(SigningError, match="missing: occupation"):
        canonical_content(values)
    with pytest.raises(SigningError, match="unexpected: photo"):
        canonical_content({**content(), "photo": "x.png"})


# -- the token ----------------------------------------------------------------------------------

def test_a_token_verifies_and_gives_number_and_digest(keyring, token):
    claims = read_token(token, keyring)
    assert claims == TokenClaims(key_id=1, number=NUMBER, digest=content_digest(content()))
    assert claims.matches(content())
    assert not claims.matches(content(holder="李伟"))
    assert not claims.matches(content(number="JXHRSS2026A000124"))


def test_the_layout_is_key_id_number_digest_signature(keyring, token):
    raw = b64decode(token)
    assert raw[0] == 1
    assert raw[1:1 + len(NUMBER)] == NUMBER.encode("ascii")
    assert raw[1 + len(NUMBER):-64] == content_digest(content())
    assert len(raw) == 1 + len(NUMBER) + 16 + 64
    keyring.public_key(1).verify(raw[-64:], raw[:-64])  # raises if not
    assert "=" not in token and token == b64encode(raw)


def test_a_typical_token_is_short(token):
    assert len(token) <= 150
    assert len(token) == 131  # 98 bytes


@pytest.mark.parametrize("number", [NUMBER, "JX-HRSS-ABCDEFGH-IJKL2026A000123", "X" * MAX_NUMBER_LENGTH])
def test_the_verification_url_fits_a_version_10_qr_code_at_level_m(keyring, number):
    token = make_token(number, content(number), keyring)
    assert len(token) <= MAX_TOKEN_LENGTH
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M)
    code.add_data(f"{BASE_URL}/verify/{token}")
    code.make(fit=True)
    assert code.version <= 10


def test_numbers_of_any_allowed_length_round_trip(keyring):
    for length in range(1, MAX_NUMBER_LENGTH + 1):
        number = ("A1-" * length)[:length]
        claims = read_token(make_token(number, content(number), keyring), keyring)
        assert isinstance(claims, TokenClaims) and claims.number == number


@pytest.mark.parametrize(("number", "reason"), [
    ("", "a certificate number is needed"),
    ("JX 2026A000123", "printable ASCII"),
    ("JX2026A00012\u0663", "printable ASCII"),
    ("江西2026A000123", "printable ASCII"),
    ("X" * (MAX_NUMBER_LENGTH + 1), "longer than 32 characters"),
])
def test_numbers_a_token_cannot_carry_are_refused(keyring, number, reason):
    with pytest.raises(SigningError, match=reason):
        make_token(number, content(number), keyring)


def test_a_token_is_only_made_for_the_content_of_its_own_number(keyring):
    with pytest.raises(SigningError, match="is for number JXHRSS2026A000124"):
        make_token(NUMBER, content("JXHRSS2026A000124"), keyring)


# -- mutations: nothing but the exact token verifies --------------------------------------------

def test_every_single_character_change_is_refused(keyring, token):
    """Every position (the last included) × every other base64url character: 131 × 63 tokens."""
    tried = 0
    for position, original in enumerate(token):
        for char in ALPHABET:
            if char != original:
                changed = token[:position] + char + token[position + 1:]
                assert isinstance(read_token(changed, keyring), TokenRefused), (position, char)
                tried += 1
    assert tried == len(token) * 63


def test_a_changed_last_character_is_refused_even_where_it_decodes_to_the_same_bytes(keyring, token):
    # 98 bytes → 131 characters: the last one carries 4 data bits and 2 spare ones, so 3 other
    # characters decode to exactly the same bytes. Only the re-encoding check refuses them.
    raw = b64decode(token)
    same_bytes = [c for c in ALPHABET if c != token[-1] and b64decode(token[:-1] + c) == raw]
    assert len(same_bytes) == 3
    for char in same_bytes:
        assert "last character was changed" in refused(read_token(token[:-1] + char, keyring))


def test_deleting_or_adding_a_character_is_refused(keyring, token):
    for position in range(len(token)):
        assert isinstance(read_token(token[:position] + token[position + 1:], keyring), TokenRefused)
    for char in ALPHABET:
        assert isinstance(read_token(token + char, keyring), TokenRefused)
        assert isinstance(read_token(char + token, keyring), TokenRefused)


def test_every_single_byte_change_of_the_decoded_token_is_refused(keyring, token):
    """Every byte × every single-bit flip, 0x00, 0xFF and a neighbouring value, re-encoded."""
    raw = b64decode(token)
    for position, original in enumerate(raw):
        values = {original ^ (1 << bit) for bit in range(8)} | {0x00, 0xFF, (original + 1) % 256}
        for value in values - {original}:
            changed = raw[:position] + bytes([value]) + raw[position + 1:]
            assert isinstance(read_token(b64encode(changed), keyring), TokenRefused), (position, value)


def test_every_other_key_id_is_refused(keyring, token):
    raw = b64decode(token)
    for key_id in range(256):
        if key_id != raw[0]:
            reason = refused(read_token(b64encode(bytes([key_id]) + raw[1:]), keyring))
            assert f"signed with key {key_id}, which this server does not know" in reason


def test_a_number_changed_within_ascii_fails_the_signature(keyring, token):
    raw = b64decode(token)
    changed = raw[:-81] + b"4" + raw[-80:]  # …000123 → …000124
    assert "signature does not match" in refused(read_token(b64encode(changed), keyring))


def test_a_spliced_certificate_number_is_refused(keyring, token):
    other_number = "JXHRSS2026A000124"
    other = b64decode(make_token(other_number, content(other_number), keyring))
    raw = b64decode(token)
    # Another genuine certificate's number with this token's digest and signature; this number
    # with the other's digest and signature; this token with the other's signature alone.
    for spliced in (raw[:1] + other_number.encode() + raw[-80:], raw[:-80] + other[-80:],
                    raw[:-64] + other[-64:]):
        assert "signature does not match" in refused(read_token(b64encode(spliced), keyring))
    # A longer or shorter number moves the boundaries: still refused.
    for number in ("JXHRSS2026A0001234", "JXHRSS2026A00012"):
        spliced = raw[:1] + number.encode() + raw[-80:]
        assert isinstance(read_token(b64encode(spliced), keyring), TokenRefused), number


def test_a_token_signed_by_an_unknown_key_is_refused(tmp_path, keyring, token):
    stranger = Keyring(tmp_path / "elsewhere")
    assert "signature does not match" in refused(read_token(make_token(NUMBER, content(), stranger), keyring))
    stranger.rotate()
    foreign = make_token(NUMBER, content(), stranger)
    assert b64decode(foreign)[0] == 2
    assert "signed with key 2, which this server does not know" in refused(read_token(foreign, keyring))


# -- malformed input: refused with a reason, never an exception ---------------------------------

@pytest.mark.parametrize(("change", "reason"), [
    (lambda t: "", "the token is empty"),
    (lambda t: t + " ", "whitespace"),
    (lambda t: " " + t, "whitespace"),
    (lambda t: t[:40] + "\n" + t[40:], "whitespace"),
    (lambda t: t[:40] + "\u3000" + t[40:], "whitespace"),
    (lambda t: t + "=", "not base64url at position 132"),
    (lambda t: t[:-1] + "+", "not base64url at position 131"),
    (lambda t: t[:5] + "/" + t[6:], "not base64url at position 6"),
    (lambda t: t[:10] + "é" + t[11:], "not base64url at position 11"),
    (lambda t: t[:10] + "." + t[11:], "not base64url at position 11"),
    (lambda t: t[:129], "no bytes encode to 129 characters"),
    (lambda t: t + "A" * 40, "longer than any certificate token"),
    (lambda t: t[:100], "too short"),
    (lambda t: "QQ", "too short"),
])
def test_malformed_tokens_are_refused_with_a_reason(keyring, token, change, reason):
    assert reason in refused(read_token(change(token), keyring))


def test_a_token_without_a_number_is_refused(keyring, token):
    raw = b64decode(token)
    assert "holds no certificate number" in refused(read_token(b64encode(raw[:1] + raw[-80:]), keyring))


@pytest.mark.parametrize("number", ["JX 2026", "JX\x002026", "江西".encode().decode("latin-1"), "JX\x7f"])
def test_a_number_outside_printable_ascii_is_refused(keyring, token, number):
    raw = b64decode(token)
    spliced = raw[:1] + number.encode("latin-1") + raw[-80:]
    assert "not printable ASCII" in refused(read_token(b64encode(spliced), keyring))


@pytest.mark.parametrize("keep", range(110, 131))
def test_a_token_cut_short_is_never_said_to_be_only_a_changed_character(keyring, token, keep):
    reason = refused(read_token(token[:keep], keyring))
    assert "cut short" in reason or "signature does not match" in reason
