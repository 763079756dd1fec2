"""The request boundary (app.transaction): a request commits once after a success, and leaves
nothing written when it crashes or is refused; a refusal is a flash and a redirect on pages, 422
JSON under /api; a refused try that must count (a failed login) is kept."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app import audit
from app.audit import AuditEntry
from app.auth.models import LoginAttempt, Role
from app.errors import DomainError, InputRefused, Problem
from app.extensions import db
from app.messages import msg
from tests.events.helpers import login_en

REFUSAL = InputRefused([Problem("row 2, unit_code", msg("unknown unit %(code)s", code="X9")),
                        Problem("", msg("the file names no skill"))])


@pytest.fixture()
def people(ctx, make):
    people = {"boss": make.user("boss", role=Role.ADMIN),
              "judge": make.user("judge", role=Role.EXPERT, unit=make.unit("U1"))}
    db.session.commit()
    return people


def _writes_then_raises(error: Exception):
    """A service that writes (an audit entry) and then fails."""
    def operation(*args, **kwargs):
        audit.record("test.written", "user", "judge")
        db.session.flush()
        raise error
    return operation


def _written(*, committed_only: bool = True) -> int:
    if committed_only:
        db.session.rollback()
    return db.session.scalar(select(func.count(AuditEntry.id)).where(AuditEntry.action == "test.written"))


def _flashes(client) -> list[tuple[str, str]]:
    with client.session_transaction() as session:
        return list(session.get("_flashes", []))


def test_a_view_that_crashes_after_writing_leaves_nothing_written(client, people, monkeypatch):
    login_en(client, "boss")
    monkeypatch.setattr("app.accounts.services.issue_link", _writes_then_raises(RuntimeError("boom")))
    with pytest.raises(RuntimeError):  # tests propagate exceptions
        client.post("/accounts/link", data={"target": people["judge"].id})
    assert _written(committed_only=False) == 0  # not even left pending in the session the test shares
    monkeypatch.setitem(client.application.config, "PROPAGATE_EXCEPTIONS", False)  # as in production
    assert client.post("/accounts/link", data={"target": people["judge"].id}).status_code == 500
    assert _written() == 0


def test_a_success_is_committed(client, people, monkeypatch):
    login_en(client, "boss")
    assert client.post("/accounts/disable", data={"target": people["judge"].id}).status_code == 302
    db.session.rollback()
    assert db.session.get(type(people["judge"]), people["judge"].id).is_active is False


def test_a_refusal_on_a_page_rolls_back_and_flashes_every_problem_where_the_form_came_from(
        client, people, monkeypatch):
    login_en(client, "boss")
    monkeypatch.setattr("app.accounts.services.issue_link", _writes_then_raises(REFUSAL))
    response = client.post("/accounts/link", data={"target": people["judge"].id})
    assert response.status_code == 302 and response.location == "/accounts"
    assert [m for c, m in _flashes(client) if c == "error"] == ["row 2, unit_code: unknown unit X9",
                                                                 "the file names no skill"]
    assert _written() == 0


@pytest.mark.parametrize(("referrer", "back"), [("http://localhost/accounts?page=2", "/accounts?page=2"),
                                                ("https://elsewhere.example/accounts", "/"), (None, "/")])
def test_without_a_target_a_refusal_returns_to_the_referring_page_of_this_site_only(
        client, people, monkeypatch, referrer, back):
    login_en(client, "boss")
    monkeypatch.setattr("app.accounts.services.set_active", _writes_then_raises(DomainError(msg("not now"))))
    headers = {"Referer": referrer} if referrer else {}
    response = client.post("/accounts/disable", data={"target": people["judge"].id}, headers=headers)
    assert response.status_code == 302 and response.location == back
    assert ("error", "not now") in _flashes(client)
    assert _written() == 0


def test_a_refusal_under_the_api_is_422_json_with_every_located_problem(client, people, monkeypatch):
    login_en(client, "judge")
    monkeypatch.setattr("app.api.marks.desk_for", _writes_then_raises(REFUSAL))
    response = client.get("/api/v1/tablet/EV1/WELD")
    assert response.status_code == 422
    assert response.json == {"error": "row 2, unit_code: unknown unit X9; the file names no skill",
                             "problems": [{"where": "row 2, unit_code", "message": "unknown unit X9"},
                                          {"where": "", "message": "the file names no skill"}]}
    assert _written() == 0


def test_a_failed_login_is_refused_and_its_attempt_is_kept(client, people):
    response = client.post("/login", data={"username": "boss", "password": "not the password"})
    assert response.status_code == 401
    db.session.rollback()  # only what was committed counts
    attempts = db.session.scalars(select(LoginAttempt).where(LoginAttempt.username == "boss")).all()
    assert [a.succeeded for a in attempts] == [False]
