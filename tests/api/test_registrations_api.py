"""Registrations through the API: the registration service's rules and messages (the web form's and
the file's), all or nothing, for unit admins within their tree and window and organizers with their
powers; every forbidden path tried (another unit's admin, a read token, a token of another event,
another organizer, anonymous)."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app import clock
from app.audit import AuditEntry
from app.auth.models import TokenScope, User
from app.errors import InputRefused
from app.events.models import Registration, RegistrationStatus
from app.events.registration import register_rows
from app.extensions import db
from app.people.idcard import mask
from tests.api.helpers import bearer, token_for
from tests.events.contest import Contest, rows, values

URL = "/api/v1/events/EV1/registrations"


@pytest.fixture()
def contest(ctx, make) -> Contest:
    return Contest(make)


def token(username: str, **kwargs) -> dict[str, str]:
    return bearer(token_for(db.session.scalar(select(User).where(User.username == username)), **kwargs))


def count() -> int:
    return db.session.scalar(select(func.count()).select_from(Registration))


def test_a_unit_admin_registers_one_within_their_tree_as_submitted(client, contest):
    cells = values()
    made = client.post(URL, json=cells, headers=token("nc-admin"))
    assert made.status_code == 201, made.get_json()
    body = made.get_json()
    assert body["status"] == "submitted" and body["unit"] == "NC-E1" and body["contestant_no"] == cells["contestant_no"]
    assert body["id_number"] == mask(cells["id_number"]) and body["outside_window"] is False
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "registration.create"))
    assert entry.actor == "user:nc-admin"


def test_one_refused_registration_answers_the_forms_messages_by_field(client, contest):
    refused = client.post(URL, json=values(unit_code="OT-E1", birth_date="2012-01-01"), headers=token("nc-admin"))
    assert refused.status_code == 422
    assert refused.get_json() == {"error": "the registrations were refused; nothing was saved", "problems": [
        {"where": "unit_code", "message": "OT-E1 is outside your unit's tree"},
        {"where": "birth_date", "message": "is 14 on 2026-10-12; WELD requires at least 16"}]}
    assert count() == 0


def test_many_are_all_or_nothing_with_each_rows_problem_at_its_path(client, contest):
    good = values()
    bad = values()
    bad["id_number"] = bad["id_number"][:-1] + ("1" if bad["id_number"][-1] != "1" else "2")
    batch = {"registrations": [good, bad, values(contestant_no=good["contestant_no"], unit_code="NC-E2")]}
    refused = client.post(f"{URL}/batch", json=batch, headers=token("org"))
    assert refused.status_code == 422
    assert refused.get_json()["problems"] == [
        {"where": "registrations[1].id_number", "message": "check digit does not match"},
        {"where": "registrations[2].contestant_no",
         "message": f"{good['contestant_no']} is already on row 0"},
    ]
    assert count() == 0
    made = client.post(f"{URL}/batch", json={"registrations": [good]}, headers=token("org"))
    assert made.status_code == 201
    assert made.get_json()["registered"] == 1 and made.get_json()["items"][0]["status"] == "approved"


def test_the_same_rows_are_refused_with_the_files_messages(client, contest):
    """The file import and the API give one message per problem, word for word."""
    cells = values(unit_code="NOPE", gender="X", current_level="master")
    refused = client.post(f"{URL}/batch", json={"registrations": [cells]}, headers=token("org")).get_json()
    with pytest.raises(InputRefused) as caught:
        register_rows(contest.event, rows(cells), actor_is_organizer=True, unit_scope=None)
    db.session.rollback()
    from_file = [(p.where.split(", ", 1)[1], p.message) for p in caught.value.problems]
    assert len(from_file) == 3
    assert [(p["where"].split(".", 1)[1], p["message"]) for p in refused["problems"]] == from_file


def test_the_body_is_read_by_the_input_layer(client, contest):
    headers = token("org")
    wrong = client.post(f"{URL}/batch", json={"registrations": [{"name": 5, "colour": "red"}]}, headers=headers)
    assert wrong.status_code == 400
    assert wrong.get_json()["problems"] == [{"where": "registrations[0].name", "message": "must be text"},
                                            {"where": "registrations[0].colour", "message": "unknown key"}]
    assert client.post(f"{URL}/batch", json={"registrations": []}, headers=headers).status_code == 400
    assert client.post(URL, data="{", headers={**headers, "Content-Type": "application/json"}).status_code == 400
    assert count() == 0


def test_outside_the_window_a_unit_admin_is_refused_and_an_organizer_registers_late(client, contest):
    with clock.frozen(clock.now() + timedelta(days=30)):
        refused = client.post(URL, json=values(), headers=token("nc-admin"))
        assert refused.status_code == 422
        assert refused.get_json()["problems"] == [
            {"where": "registration",
             "message": "closed on 2026-09-15 (Asia/Shanghai); ask the organizer to register late entries"}]
        late = client.post(URL, json=values(), headers=token("org"))
        assert late.status_code == 201 and late.get_json()["outside_window"] is True


def test_forbidden_paths(client, contest, make):
    cells = values()
    other_event = make.event("EV2", organizers=[contest.hrss])
    db.session.commit()
    # another unit's admin registers in their own tree only
    refused = client.post(URL, json=cells, headers=token("other-admin"))
    assert refused.status_code == 422 and refused.get_json()["problems"][0]["where"] == "unit_code"
    # a read token cannot write; a token of another event cannot reach this one
    assert client.post(URL, json=cells, headers=token("nc-admin", scope=TokenScope.READ)).status_code == 403
    bound = client.post(URL, json=cells, headers=token("nc-admin", event=other_event))
    assert bound.status_code == 403 and bound.get_json()["error"] == "this token is for event EV2 only"
    # an organizer of another tree and an expert: the event's registration is out of reach
    assert client.post(URL, json=cells, headers=token("other-org")).status_code == 404
    assert client.post(URL, json=cells, headers=token("expert")).status_code == 403
    # anonymous
    assert client.post(URL, json=cells).status_code == 401
    assert client.get(URL).status_code == 401
    assert count() == 0


def test_the_list_is_what_the_web_shows_each_user(client, contest):
    cells = [values(contestant_no="W-01"), values(contestant_no="W-02", unit_code="JX-TC1"),
             values(contestant_no="W-03", unit_code="OT-E1")]
    register_rows(contest.event, rows(*cells), actor_is_organizer=False, unit_scope=None)
    db.session.commit()
    mine = client.get(URL, headers=token("nc-admin")).get_json()
    assert [r["contestant_no"] for r in mine["items"]] == ["W-01"] and mine["total"] == 1
    every = client.get(URL, headers=token("org"))
    assert [r["contestant_no"] for r in every.get_json()["items"]] == ["W-01", "W-02", "W-03"]
    assert client.get(URL, headers={**token("org"), "If-None-Match": every.headers["ETag"]}).status_code == 304
    filtered = client.get(f"{URL}?unit=OT-E1&status=submitted&skill=WELD&per_page=1", headers=token("org"))
    assert [r["contestant_no"] for r in filtered.get_json()["items"]] == ["W-03"]
    wrong = client.get(f"{URL}?status=lost&page=0", headers=token("org"))
    assert wrong.status_code == 400 and {p["where"] for p in wrong.get_json()["problems"]} == {"status", "page"}
    assert client.get(URL, headers=token("other-org")).status_code == 404
    first = every.get_json()["items"][0]
    assert first["id_number"] == mask(cells[0]["id_number"]) and "phone" not in first and "birth_date" not in first
    assert first["status"] == RegistrationStatus.SUBMITTED.value
