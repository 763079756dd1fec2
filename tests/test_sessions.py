"""Sessions that end when they should (issue 14 rows 7, 8 and 10): a cookie copied before logout,
a new password, a logout everywhere or a disabled account is refused; a login starts from an empty
session; a one-time link logs in once however many use it at the same moment; the session cookie is
``Secure`` when the settings say so."""
from __future__ import annotations

import threading

import pytest
from flask import g
from sqlalchemy import func, select

from app.auth.models import LoginLink, Role, UserSession
from app.config import session_cookie_secure
from app.extensions import db
from tests.conftest import login
from tests.factories import PASSWORD

HOME = "/"


def _forget_user():
    g.pop("_login_user", None)


@pytest.fixture(autouse=True)
def _user_loaded_per_request(app):
    """The suite keeps one app context open across requests, where Flask-Login would keep the
    first request's user; a server loads it for each request, as here."""
    app.before_request_funcs.setdefault(None, []).insert(0, _forget_user)
    yield
    app.before_request_funcs[None].remove(_forget_user)


def _copy_of_cookie(app, client):
    """Another browser holding the same session cookie (as if copied off the first)."""
    thief = app.test_client()
    thief.set_cookie("session", client.get_cookie("session").value, domain="localhost")
    return thief


def _logged_in(client) -> bool:
    return client.get(HOME).status_code == 200


@pytest.fixture()
def alice(client, make):
    make.user("alice")
    db.session.commit()
    login(client, "alice")
    return client


def test_a_cookie_copied_before_logout_is_refused_after_it(app, alice):
    thief = _copy_of_cookie(app, alice)
    assert _logged_in(thief)
    alice.post("/logout")
    assert not _logged_in(alice)
    assert not _logged_in(thief)


def test_logout_ends_only_its_own_session(app, client, make):
    make.user("alice")
    db.session.commit()
    tablet, laptop = app.test_client(), app.test_client()
    login(tablet, "alice")
    login(laptop, "alice")
    laptop.post("/logout")
    assert _logged_in(tablet) and not _logged_in(laptop)


def test_a_cookie_copied_before_a_password_change_is_refused_after_it(app, alice):
    thief = _copy_of_cookie(app, alice)
    response = alice.post("/password", data={"password": "a-new-password-9", "confirm": "a-new-password-9"})
    assert response.status_code == 302
    assert _logged_in(alice), "the one who changed the password stays logged in"
    assert not _logged_in(thief)


def test_logout_everywhere_from_the_account_page(app, client, make):
    make.user("alice")
    db.session.commit()
    tablet, laptop = app.test_client(), app.test_client()
    login(tablet, "alice")
    login(laptop, "alice")
    copied = _copy_of_cookie(app, laptop)
    page = laptop.get("/password").get_data(as_text=True)
    assert 'action="/logout/everywhere"' in page
    assert laptop.post("/logout/everywhere").status_code == 302
    assert not any(_logged_in(c) for c in (tablet, laptop, copied))
    from app.audit import AuditEntry
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)
                             .where(AuditEntry.action == "user.logout_everywhere")) == 1
    login(tablet, "alice")  # the password still works
    assert _logged_in(tablet)


def test_logout_everywhere_needs_a_login(client):
    response = client.post("/logout/everywhere")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_a_disabled_account_is_logged_out_everywhere(app, alice):
    result = app.test_cli_runner().invoke(args=["users", "disable", "alice"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert not _logged_in(alice)
    assert alice.post("/login", data={"username": "alice", "password": PASSWORD}).status_code == 401


def test_login_starts_a_new_session(app, client, make):
    """Nothing planted in the cookie before the login survives it; each login gets its own key."""
    make.user("alice")
    db.session.commit()
    client.get("/lang/en")
    with client.session_transaction() as session:
        session["planted"] = "by someone else"
    login(client, "alice")
    with client.session_transaction() as session:
        assert "planted" not in session
        first = session["sid"]
    assert client.get_cookie("lang").value == "en"   # the language is a cookie of its own
    client.post("/logout")
    login(client, "alice")
    with client.session_transaction() as session:
        assert session["sid"] != first
    assert db.session.scalar(select(func.count()).select_from(UserSession)) == 2


def test_a_session_without_its_key_is_anonymous(app, alice):
    with alice.session_transaction() as session:
        del session["sid"]
    assert not _logged_in(alice)


def test_a_one_time_link_logs_in_once_among_eight_concurrent_uses(app, ctx):
    """Row 8: read-then-mark let 4 of 8 in on PostgreSQL; the conditional UPDATE lets one."""
    from app.auth.services import create_user
    _user, link = create_user("judge1", Role.EXPERT)
    db.session.commit()
    path = link.split("localhost:5000", 1)[1]
    start = threading.Barrier(8)
    statuses: list[int] = []

    def use_link():
        browser = app.test_client()
        start.wait()
        statuses.append(browser.get(path).status_code)

    threads = [threading.Thread(target=use_link) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(statuses) == [302] + [404] * 7
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(UserSession)) == 1
    assert db.session.scalar(select(LoginLink.used_at)) is not None


@pytest.mark.parametrize("env, production, secure", [
    ({}, True, True),                                               # production fails safe
    ({"PUBLIC_BASE_URL": "https://jingsai.example.cn"}, False, True),  # derived from the public address
    ({"PUBLIC_BASE_URL": "http://10.0.0.5:8000"}, True, False),      # an intranet install without TLS
    ({}, False, False),                                             # development on http://localhost
    ({"SESSION_COOKIE_SECURE": "1"}, False, True),                  # set from the environment
    ({"SESSION_COOKIE_SECURE": "0", "PUBLIC_BASE_URL": "https://x.cn"}, True, False),
])
def test_session_cookie_secure_setting(monkeypatch, env, production, secure):
    for name in ("SESSION_COOKIE_SECURE", "PUBLIC_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert session_cookie_secure(production=production) is secure


def test_a_malformed_secure_setting_is_refused(monkeypatch):
    monkeypatch.setenv("SESSION_COOKIE_SECURE", "maybe")
    with pytest.raises(RuntimeError, match="SESSION_COOKIE_SECURE"):
        session_cookie_secure(production=True)


def test_the_session_cookie_is_secure_when_set(app, client, make, monkeypatch):
    """Row 10: the cookie was never ``Secure``."""
    make.user("alice")
    db.session.commit()
    monkeypatch.setitem(app.config, "SESSION_COOKIE_SECURE", True)
    response = login(client, "alice")
    cookie = response.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
