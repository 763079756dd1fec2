"""Admission tickets: who downloads which, what a ticket prints (its QR code is the check-in URL
with a signed token), and the check-in desk's scan: a genuine ticket checks its contestant in, a
forged, altered, cut or other skill's ticket is refused, a typed bib still works."""
from __future__ import annotations

import base64

import pypdfium2 as pdfium
import pytest
import zxingcpp
from sqlalchemy import select

from app.accounts import claims
from app.auth.models import Role
from app.certificates.keyring import app_keyring
from app.certificates.signing import TokenRefused, read_token
from app.events.models import Attendance, Registration
from app.extensions import db
from app.marking.draw import make_draw
from app.tickets.token import TOKEN_LENGTH, make_check_in_token, read_check_in_token
from tests.events.helpers import login_en
from tests.marking.builders import World, audit_entries

SCAN = "/events/EV1/skills/WELD/check-in/scan"
DPI = 100


@pytest.fixture(autouse=True)
def _keys(app, tmp_path):
    before = app.config["CERTIFICATE_KEYS_DIR"]
    app.config["CERTIFICATE_KEYS_DIR"] = str(tmp_path / "keys")
    yield
    app.config["CERTIFICATE_KEYS_DIR"] = before


@pytest.fixture()
def world(ctx, make):
    world = World(make, scheme=False)
    world.users["org"] = make.user("org", role=Role.ORGANIZER, unit=world.hrss)
    world.users["other-org"] = make.user("other-org", role=Role.ORGANIZER, unit=make.unit("ELSEWHERE"))
    world.users["nc-admin"] = make.user("nc-admin", role=Role.UNIT_ADMIN, unit=world.units["JX-NC"])
    world.users["w01"] = make.user("w01", role=Role.CONTESTANT, person=entry("W-01").person)
    db.session.commit()
    return world


def entry(bib: str) -> Registration:
    return db.session.scalar(select(Registration).where(Registration.contestant_no == bib))


def pages(pdf: bytes) -> list[tuple[str, str]]:
    """(text, QR content) of each page."""
    document = pdfium.PdfDocument(pdf)
    out = []
    for page in document:
        text = page.get_textpage().get_text_range()
        image = page.render(scale=DPI / 72).to_pil()
        codes = zxingcpp.read_barcodes(image)
        out.append((text, codes[0].text if codes else ""))
    return out


def token_of(bib: str) -> str:
    return make_check_in_token(entry(bib).id, app_keyring())


def test_an_organizer_downloads_a_skills_tickets(client, world):
    make_draw(world.weld)
    db.session.commit()
    login_en(client, "org")
    response = client.get("/events/EV1/skills/WELD/tickets.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    found = pages(response.data)
    assert len(found) == 4  # W-01 … W-04, approved
    text, qr = found[1]  # W-02
    assert "准考证" in text and "W-02" in text and "工位号" in text and "抽签后公布" not in text
    db.session.expire_all()
    assert claims.code_of(claims.claim_code(entry("W-02"))) in text
    assert "已开通账号" in found[0][0]  # W-01 has an account: no code
    assert qr.startswith("http://localhost:5000/check-in/")
    assert read_check_in_token(qr.rsplit("/", 1)[1], app_keyring()) == entry("W-02").id
    assert len(audit_entries("claim_code.issue")) == 3
    # Printing again prints the same codes.
    assert pages(client.get("/events/EV1/skills/WELD/tickets.pdf").data)[1][0] == text


def test_before_the_draw_the_workstation_waits(client, world):
    login_en(client, "org")
    assert "抽签后公布" in pages(client.get("/events/EV1/skills/WELD/tickets.pdf").data)[0][0]


def test_a_unit_admin_downloads_their_units_tickets_and_a_contestant_their_own(client, world):
    login_en(client, "nc-admin")
    texts = [t for t, _ in pages(client.get("/events/EV1/tickets.pdf").data)]
    bibs = sorted(b for b in ("W-01", "W-02", "W-03", "W-04", "C-01", "C-02", "C-03", "C-04")
                  if any(b in t for t in texts))
    assert bibs == ["C-01", "C-02", "W-01", "W-03", "W-04"]  # Nanchang's, not Jiujiang's
    assert client.get("/events/EV1/skills/WELD/tickets.pdf").status_code == 403
    client.post("/logout")
    login_en(client, "w01")
    own = pages(client.get("/events/EV1/ticket.pdf").data)
    assert len(own) == 1 and "W-01" in own[0][0]
    assert client.get("/events/EV1/tickets.pdf").status_code == 403


def test_an_organizer_of_another_tree_gets_no_tickets(client, world):
    login_en(client, "other-org")
    assert client.get("/events/EV1/skills/WELD/tickets.pdf").status_code == 404


def test_scanning_a_ticket_checks_the_contestant_in(client, world):
    assert entry("W-04").attendance == Attendance.ABSENT
    login_en(client, "org")
    response = client.post(SCAN, data={"ticket": f"http://localhost:5000/check-in/{token_of('W-04')}"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/check-in#scan")
    db.session.expire_all()
    w04 = entry("W-04")
    assert w04.checked_in_at is not None and w04.attendance == Attendance.COMPETED
    assert [e.entity_id for e in audit_entries("attendance.arrive")] == ["EV1/W-04"]
    page = client.get("/events/EV1/skills/WELD/check-in")
    assert "at the desk</span>" in page.text and "1 of 4 checked in at the desk" in page.text
    again = client.post(SCAN, data={"ticket": token_of("W-04")}, follow_redirects=True)
    assert "was checked in already" in again.text and len(audit_entries("attendance.arrive")) == 1


def test_typing_the_bib_checks_in_too(client, world):
    login_en(client, "org")
    client.post(SCAN, data={"ticket": "W-02"})
    db.session.expire_all()
    assert entry("W-02").checked_in_at is not None
    page = client.post(SCAN, data={"ticket": "W-99"}, follow_redirects=True)
    assert "no approved contestant W-99 in WELD" in page.text


def _flip(token: str, index: int) -> str:
    return token[:index] + ("A" if token[index] != "A" else "B") + token[index + 1:]


@pytest.mark.parametrize("mangle, reason", [
    (lambda t: _flip(t, 40), "altered or forged"),        # a byte of the signature
    (lambda t: _flip(t, 3), "altered or forged"),         # the registration id
    (lambda t: t[:-10], "cut short"),
    (lambda t: t + "AAAA", "not the code of an admission ticket"),
])
def test_a_forged_altered_or_cut_ticket_is_refused(client, world, mangle, reason):
    login_en(client, "org")
    page = client.post(SCAN, data={"ticket": mangle(token_of("W-02"))}, follow_redirects=True)
    assert reason in page.text
    db.session.expire_all()
    assert entry("W-02").checked_in_at is None


def test_a_token_signed_by_another_key_is_refused(client, world, tmp_path):
    from app.certificates.keyring import Keyring
    forged = make_check_in_token(entry("W-02").id, Keyring(tmp_path / "forger"))
    assert isinstance(read_check_in_token(forged, app_keyring()), TokenRefused)


def test_a_ticket_of_another_skill_is_refused_naming_it(client, world):
    login_en(client, "org")
    page = client.post(SCAN, data={"ticket": token_of("C-01")}, follow_redirects=True)
    assert "C-01 is registered in CARE, not WELD" in page.text


def test_tickets_and_certificates_never_stand_for_each_other(world):
    token = token_of("W-01")
    assert len(token) == TOKEN_LENGTH
    assert isinstance(read_token(token, app_keyring()), TokenRefused)
    raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    assert isinstance(read_check_in_token(base64.urlsafe_b64encode(raw[:5] + bytes(64)).decode().rstrip("="),
                                          app_keyring()), TokenRefused)


@pytest.mark.parametrize("name, status", [("j1", 404), ("nc-admin", 403), ("w01", 403)])
def test_only_the_desk_scans(client, world, name, status):
    login_en(client, name)
    assert client.post(SCAN, data={"ticket": token_of("W-02")}).status_code == status
    db.session.expire_all()
    assert entry("W-02").checked_in_at is None


def test_the_chief_expert_scans(client, world):
    login_en(client, "chief")
    assert client.post(SCAN, data={"ticket": token_of("W-02")}).status_code == 302
    db.session.expire_all()
    assert entry("W-02").checked_in_at is not None


def test_a_phone_camera_opens_the_ticket_page(client, world):
    login_en(client, "org")
    page = client.get(f"/check-in/{token_of('W-03')}")
    assert page.status_code == 200 and "W-03" in page.text and f'action="{SCAN}"' in page.text
    assert client.get(f"/check-in/{_flip(token_of('W-03'), 40)}").status_code == 404
    client.post("/logout")
    login_en(client, "other-org")
    assert client.get(f"/check-in/{token_of('W-03')}").status_code == 404


def test_the_check_in_page_loads_the_scanner_from_the_app(client, world):
    login_en(client, "org")
    page = client.get("/events/EV1/skills/WELD/check-in")
    assert '/static/vendor/jsqr/jsQR.js' in page.text and '/static/js/check-in-scan.js' in page.text
    assert "<script>" not in page.text and " onclick=" not in page.text
    assert client.get("/static/vendor/jsqr/jsQR.js").status_code == 200
