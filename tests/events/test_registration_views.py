"""The registration pages: unit administrators register within their tree and window, organizers
review; every forbidden path is tried."""
from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from app.events.models import Attendance, Registration, RegistrationStatus
from app.events.registration import CONTESTANT_COLUMNS, register_rows
from app.extensions import db
from tests.conftest import login
from tests.events.contest import Contest, csv_text, rows, values


@pytest.fixture()
def contest(ctx, make) -> Contest:
    return Contest(make)


def as_user(client, username: str):
    """Logged in, reading the pages in English."""
    login(client, username)
    client.get("/lang/en")
    return client


def registrations() -> list[Registration]:
    return list(db.session.scalars(select(Registration).order_by(Registration.contestant_no)))


def form_data(**overrides: str) -> dict[str, str]:
    cells = values(**overrides)
    cells["id_type"] = cells["id_type"] or "resident"
    return cells


def upload(client, *cells: dict[str, str]):
    data = {"file": (io.BytesIO(csv_text(*cells).encode()), "c.csv")}
    return client.post("/registrations/EV1/upload", data=data, content_type="multipart/form-data")


def seeded(contest: Contest) -> list[Registration]:
    """NC-E1 and JX-TC1 entries (submitted) and one OT-E1 entry."""
    cells = rows(values(contestant_no="W-01"), values(contestant_no="W-02", unit_code="JX-TC1"),
                 values(contestant_no="W-03", unit_code="OT-E1"))
    saved = register_rows(contest.event, cells, actor_is_organizer=False, unit_scope=None)
    db.session.commit()
    return saved


# --- unit administrators ------------------------------------------------------------------------

def test_unit_admin_finds_the_open_event_from_home(client, contest):
    as_user(client, "nc-admin")
    assert "/registrations/" in client.get("/").get_data(as_text=True)
    page = client.get("/registrations/").get_data(as_text=True)
    assert "EV1" in page and "/registrations/EV1/new" in page


def test_unit_admin_registers_one_contestant_for_approval(client, contest):
    as_user(client, "nc-admin")
    page = client.get("/registrations/EV1/new").get_data(as_text=True)
    assert "NC-E2" in page and "OT-E1" not in page and "JX-TC1" not in page
    response = client.post("/registrations/EV1/new", data=form_data(unit_code="NC-E2", contestant_no="N-1"))
    assert response.status_code == 302 and response.headers["Location"].endswith("/registrations/EV1/entries")
    [saved] = registrations()
    assert saved.contestant_no == "N-1" and saved.unit.code == "NC-E2"
    assert saved.status == RegistrationStatus.SUBMITTED


def test_the_form_shows_problems_under_their_fields_and_saves_nothing(client, contest):
    as_user(client, "nc-admin")
    response = client.post("/registrations/EV1/new", data=form_data(birth_date="2012-01-01"))
    assert response.status_code == 422  # a page showing a refusal: the request rolls back
    assert "is 14 on 2026-10-12; WELD requires at least 16" in response.get_data(as_text=True)
    assert registrations() == []


def test_unit_admin_cannot_register_outside_their_tree(client, contest):
    as_user(client, "nc-admin")
    response = client.post("/registrations/EV1/new", data=form_data(unit_code="OT-E1"))
    assert "OT-E1 is outside your unit&#39;s tree" in response.get_data(as_text=True)
    assert registrations() == []


def test_unit_admin_uploads_a_file(client, contest):
    as_user(client, "nc-admin")
    assert upload(client, values(), values(unit_code="NC-E2")).status_code == 302
    assert [r.status for r in registrations()] == [RegistrationStatus.SUBMITTED] * 2


def test_a_refused_upload_lists_every_problem(client, contest):
    as_user(client, "nc-admin")
    page = upload(client, values(unit_code="OT-E1"), values(skill_code="NOPE")).get_data(as_text=True)
    assert "row 2, unit_code" in page and "row 3, skill_code" in page and "no skill NOPE in event EV1" in page
    assert registrations() == []


def test_the_upload_is_refused_when_the_window_is_closed(client, contest):
    contest.event.registration_closes = contest.event.registration_opens
    db.session.commit()
    as_user(client, "nc-admin")
    page = upload(client, values()).get_data(as_text=True)
    assert "closed on 2026-08-01" in page
    assert registrations() == []


def test_the_template_has_the_thirteen_columns_as_text(client, contest):
    as_user(client, "nc-admin")
    response = client.get("/registrations/template.xlsx")
    sheet = load_workbook(io.BytesIO(response.data)).active
    assert [c.value for c in sheet[1]] == CONTESTANT_COLUMNS and len(CONTESTANT_COLUMNS) == 13
    assert sheet["F2"].number_format == "@"


def test_unit_admins_see_only_their_tree(client, contest):
    seeded(contest)
    page = as_user(client, "nc-admin").get("/registrations/EV1/entries").get_data(as_text=True)
    assert "W-01" in page and "W-02" not in page and "W-03" not in page
    client.post("/logout")
    page = as_user(client, "other-admin").get("/registrations/EV1/entries").get_data(as_text=True)
    assert "W-03" in page and "W-01" not in page


# --- organizers ---------------------------------------------------------------------------------

def test_event_page_links_to_registrations(client, contest):
    as_user(client, "org")
    assert "/registrations/EV1" in client.get("/events/EV1").get_data(as_text=True)


def test_organizer_filters_by_skill_and_status(client, contest):
    seeded(contest)
    register_rows(contest.event, rows(values(contestant_no="C-01", skill_code="CARE", team="A"),
                                      values(contestant_no="C-02", skill_code="CARE", team="A")),
                  actor_is_organizer=True, unit_scope=None)
    db.session.commit()
    as_user(client, "org")
    page = client.get("/registrations/EV1").get_data(as_text=True)
    assert all(bib in page for bib in ("W-01", "W-02", "W-03", "C-01"))
    page = client.get("/registrations/EV1?skill=CARE").get_data(as_text=True)
    assert "C-01" in page and "W-01" not in page
    page = client.get("/registrations/EV1?status=submitted").get_data(as_text=True)
    assert "W-01" in page and "C-01" not in page


def test_organizer_list_is_paged_and_keeps_its_filters(client, contest, monkeypatch):
    from app.events import registration_views
    monkeypatch.setattr(registration_views, "PAGE_SIZE", 2)
    seeded(contest)
    as_user(client, "org")
    first = client.get("/registrations/EV1").get_data(as_text=True)
    assert "W-01" in first and "W-02" in first and "W-03" not in first
    assert "Page 1 of 2 (3 registrations)" in first and "page=2" in first
    second = client.get("/registrations/EV1?page=2&status=submitted").get_data(as_text=True)
    assert "W-03" in second and "W-01" not in second and "status=submitted" in second
    beyond = client.get("/registrations/EV1?page=9").get_data(as_text=True)
    assert "Page 2 of 2" in beyond


def test_organizer_approves_in_bulk_and_rejects_with_a_reason(client, contest):
    w1, w2, w3 = seeded(contest)
    as_user(client, "org")
    response = client.post("/registrations/EV1/review?status=submitted",
                           data={"action": "approve", "registrations": [w1.id, w2.id]})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/registrations/EV1?status=submitted")
    page = client.post("/registrations/EV1/review", data={"action": "reject", "registrations": [w3.id]},
                       follow_redirects=True).get_data(as_text=True)
    assert "give a reason for the rejection" in page
    client.post("/registrations/EV1/review", data={"action": "reject", "reason": "no certificate",
                                                   "registrations": [w3.id]})
    db.session.expire_all()
    assert [(r.status, r.rejection_reason) for r in registrations()] == [
        (RegistrationStatus.APPROVED, None), (RegistrationStatus.APPROVED, None),
        (RegistrationStatus.REJECTED, "no certificate")]


def test_organizer_sets_attendance(client, contest):
    w1, *_ = seeded(contest)
    as_user(client, "org")
    client.post("/registrations/EV1/review", data={"action": "approve", "registrations": [w1.id]})
    assert client.post("/registrations/EV1/attendance",
                       data={"registration": w1.id, "status": "absent"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Registration, w1.id).attendance == Attendance.ABSENT


def test_organizer_registers_approved_at_once_for_any_unit(client, contest):
    as_user(client, "org")
    response = client.post("/registrations/EV1/new", data=form_data(unit_code="OT-E1"))
    assert response.headers["Location"].endswith("/registrations/EV1")
    assert [r.status for r in registrations()] == [RegistrationStatus.APPROVED]


# --- forbidden paths ----------------------------------------------------------------------------

def test_organizer_of_another_tree_gets_404(client, contest):
    w1, *_ = seeded(contest)
    as_user(client, "other-org")
    for url in ("/registrations/EV1", "/registrations/EV1/new", "/registrations/EV1/upload"):
        assert client.get(url).status_code == 404, url
    assert client.post("/registrations/EV1/review", data={"action": "approve", "registrations": [w1.id]}
                       ).status_code == 404
    assert client.post("/registrations/EV1/attendance", data={"registration": w1.id, "status": "absent"}
                       ).status_code == 404
    assert db.session.scalar(select(func.count()).select_from(Registration).where(
        Registration.status == RegistrationStatus.APPROVED)) == 0


def test_unit_admin_cannot_review(client, contest):
    w1, *_ = seeded(contest)
    as_user(client, "nc-admin")
    assert client.get("/registrations/EV1").status_code == 403
    assert client.post("/registrations/EV1/review", data={"action": "approve", "registrations": [w1.id]}
                       ).status_code == 403
    assert client.post("/registrations/EV1/attendance", data={"registration": w1.id, "status": "absent"}
                       ).status_code == 403


def test_registrations_of_another_event_are_ignored(client, contest, make):
    w1, *_ = seeded(contest)
    make.event("EV2", organizers=[contest.hrss])
    db.session.commit()
    as_user(client, "org")
    client.post("/registrations/EV2/review", data={"action": "approve", "registrations": [w1.id]})
    db.session.expire_all()
    assert db.session.get(Registration, w1.id).status == RegistrationStatus.SUBMITTED


def test_an_expert_is_refused_everywhere(client, contest):
    as_user(client, "expert")
    for url in ("/registrations/", "/registrations/EV1/entries", "/registrations/EV1/new",
                "/registrations/EV1/upload", "/registrations/template.xlsx", "/registrations/EV1"):
        assert client.get(url).status_code == 403, url
    for url in ("/registrations/EV1/review", "/registrations/EV1/attendance"):
        assert client.post(url, data={}).status_code == 403, url
