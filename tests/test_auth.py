"""Login, throttle, CSRF, one-time links and the open-redirect guard."""
from __future__ import annotations

from datetime import timedelta

from app import clock
from app.auth.models import Role
from app.extensions import db
from tests.conftest import FROZEN_NOW, csrf_token, login


def test_wrong_password_is_refused(client, make):
    make.user("alice")
    db.session.commit()
    response = client.post("/login", data={"username": "alice", "password": "nope"})
    assert response.status_code == 401
    assert client.get("/").status_code == 302


def test_login_is_throttled_after_five_failures_and_recovers(client, make):
    make.user("alice")
    db.session.commit()
    for _ in range(5):
        assert client.post("/login", data={"username": "alice", "password": "wrong"}).status_code == 401
    # Even the right password is refused while throttled: guessing gains nothing.
    assert client.post("/login", data={"username": "alice", "password": "correct-horse-42"}).status_code == 429
    with clock.frozen(FROZEN_NOW + timedelta(minutes=16)):
        assert client.post("/login", data={"username": "alice", "password": "correct-horse-42"}).status_code == 302


def test_twenty_failures_from_a_venue_address_lock_nobody_else_out(client, make):
    """Issue 14 row 6: a venue's Wi-Fi puts everyone behind one address."""
    make.user("alice")
    db.session.commit()
    for i in range(20):
        assert client.post("/login", data={"username": f"guess{i}", "password": "wrong"}).status_code == 401
    assert client.post("/login", data={"username": "alice", "password": "correct-horse-42"}).status_code == 302


def test_failures_per_address_have_their_own_higher_limit(client, make, monkeypatch, app):
    make.user("alice")
    db.session.commit()
    monkeypatch.setitem(app.config, "LOGIN_FAILURES_PER_ADDRESS", "8 per 15 minutes")
    for _ in range(3):
        assert client.get("/login").status_code == 200  # visiting the form costs nothing
    for i in range(8):
        assert client.post("/login", data={"username": f"guess{i}", "password": "wrong"}).status_code == 401
    refused = client.post("/login", data={"username": "alice", "password": "correct-horse-42"})
    assert refused.status_code == 429 and "Retry-After" in refused.headers
    elsewhere = client.post("/login", data={"username": "alice", "password": "correct-horse-42"},
                            environ_base={"REMOTE_ADDR": "10.1.2.3"})
    assert elsewhere.status_code == 302
    # The attempts are on record, with their address, as before.
    from app.auth.models import LoginAttempt
    assert db.session.query(LoginAttempt).filter_by(address="127.0.0.1", succeeded=False).count() == 8


def test_next_parameter_cannot_leave_the_site(client, make):
    make.user("alice")
    db.session.commit()
    response = client.post("/login?next=//evil.example/x", data={"username": "alice", "password": "correct-horse-42"})
    assert response.headers["Location"] == "/"


def test_csrf_token_is_required(csrf_app, make):
    app = csrf_app
    client = app.test_client()
    with app.app_context():
        make.user("alice")
        db.session.commit()
    response = client.post("/login", data={"username": "alice", "password": "correct-horse-42"})
    assert response.status_code == 400
    assert "token" in response.get_data(as_text=True).lower() or "令牌" in response.get_data(as_text=True)
    token = csrf_token(client.get("/login").get_data(as_text=True))
    response = client.post("/login", data={"username": "alice", "password": "correct-horse-42", "csrf_token": token})
    assert response.status_code == 302
    assert app.config["WTF_CSRF_TIME_LIMIT"] >= 24 * 3600, "a token must last a whole competition day"


def test_one_time_link_logs_in_once(client, ctx):
    from app.auth.services import create_user
    user, link = create_user("judge1", Role.EXPERT)
    db.session.commit()
    path = link.split("localhost:5000", 1)[1]
    assert client.get(path).status_code == 302
    assert client.get("/").status_code == 200
    client.post("/logout")
    assert client.get(path).status_code == 404


def test_passwords_are_stored_with_a_modern_kdf(ctx, make):
    user = make.user("alice")
    user.set_password("correct-horse-42")  # the factory stores a cheaper hash made once for the suite
    assert user.password_hash.startswith("scrypt:")
    assert user.check_password("correct-horse-42") and not user.check_password("correct-horse-43")


def test_language_switch(client, make):
    make.user("alice")
    db.session.commit()
    login(client, "alice")
    client.get("/lang/en")
    assert "Log out" in client.get("/").get_data(as_text=True)
    client.get("/lang/zh_CN")
    assert "退出" in client.get("/").get_data(as_text=True)
