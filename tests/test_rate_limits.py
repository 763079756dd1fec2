"""Rate limits that fit venues (issue 14 row 6): limits count per account when logged in and per
address otherwise; behind a reverse proxy listed in ``TRUSTED_PROXIES`` the forwarded address and
scheme are used, and nobody else's forwarded headers are believed."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from app.auth.models import LoginAttempt
from app.events.models import SelfRegistrationTry
from app.extensions import db
from app.proxies import TrustedProxyFix, parse_networks
from tests.conftest import login
from tests.events.test_self_registration import URL as SELF_REGISTER
from tests.events.test_self_registration import (
    company,  # noqa: F401  (a fixture)
    form,
)

PROXY = "10.0.0.2"
VERIFY = "/verify/not-a-token"   # refused (400): each look-up still counts
LIMIT = 4


@pytest.fixture()
def behind_proxy(app):
    """The app as deployed behind a reverse proxy at ``PROXY`` (and a network of two more)."""
    plain = app.wsgi_app
    app.wsgi_app = TrustedProxyFix(plain, [PROXY, "192.168.7.0/24"])
    yield app
    app.wsgi_app = plain


@pytest.fixture()
def verify_limit(app, monkeypatch):
    monkeypatch.setitem(app.config, "VERIFY_RATE_LIMIT", f"{LIMIT} per minute")


def _via_proxy(client, path, client_address, method="get", peer=PROXY, **kwargs):
    return getattr(client, method)(path, environ_base={"REMOTE_ADDR": peer},
                                   headers={"X-Forwarded-For": client_address}, **kwargs)


def _use_up(client, **kwargs) -> list[int]:
    return [client.get(VERIFY, **kwargs).status_code for _ in range(LIMIT + 1)]


def test_a_limit_counts_per_address_when_anonymous(client, verify_limit):
    assert _use_up(client) == [400] * LIMIT + [429]
    assert client.get(VERIFY, environ_base={"REMOTE_ADDR": "10.9.9.9"}).status_code == 400


def test_a_limit_counts_per_account_when_logged_in(app, client, make, verify_limit):
    """Two people behind one venue address each have their own budget."""
    make.user("alice")
    make.user("bob")
    db.session.commit()
    assert _use_up(client) == [400] * LIMIT + [429]
    for name in ("alice", "bob"):
        browser = app.test_client()
        login(browser, name)
        assert _use_up(browser) == [400] * LIMIT + [429], name


def test_behind_a_trusted_proxy_each_client_address_has_its_own_limit(client, behind_proxy, verify_limit):
    for _ in range(LIMIT):
        assert _via_proxy(client, VERIFY, "203.0.113.7").status_code == 400
    assert _via_proxy(client, VERIFY, "203.0.113.7").status_code == 429
    assert _via_proxy(client, VERIFY, "203.0.113.8").status_code == 400
    # A proxy in a trusted network counts too.
    assert _via_proxy(client, VERIFY, "203.0.113.9", peer="192.168.7.40").status_code == 400


def test_forwarded_headers_from_anyone_else_are_ignored(client, behind_proxy, verify_limit):
    """A client reaching the app directly cannot dodge its limit by naming another address."""
    for n in range(LIMIT):
        assert _via_proxy(client, VERIFY, f"198.51.100.{n}", peer="172.16.0.9").status_code == 400
    assert _via_proxy(client, VERIFY, "198.51.100.99", peer="172.16.0.9").status_code == 429


def test_failed_logins_are_recorded_with_the_forwarded_address(client, make, behind_proxy):
    make.user("alice")
    db.session.commit()
    data = {"username": "alice", "password": "wrong"}
    assert _via_proxy(client, "/login", "203.0.113.7", method="post", data=data).status_code == 401
    assert _via_proxy(client, "/login", "203.0.113.7", method="post", data=data, peer="172.16.0.9").status_code == 401
    addresses = db.session.scalars(select(LoginAttempt.address).order_by(LoginAttempt.id)).all()
    assert addresses == ["203.0.113.7", "172.16.0.9"]


def test_self_registration_counts_the_forwarded_address(app, client, company, behind_proxy, monkeypatch):  # noqa: F811
    """One school's students behind the campus proxy are not one address to the throttle."""
    monkeypatch.setitem(app.config, "SELF_REGISTRATION_MAX_PER_HOUR", 1)
    first = _via_proxy(client, SELF_REGISTER, "203.0.113.7", method="post", data=form())
    assert first.status_code == 302
    second = _via_proxy(client, SELF_REGISTER, "203.0.113.8", method="post",
                        data=form(name="乙", unit_code="ACME-D2"))
    assert second.status_code == 302
    assert sorted(db.session.scalars(select(SelfRegistrationTry.address))) == ["203.0.113.7", "203.0.113.8"]


def test_the_scheme_is_the_trusted_proxys(client, behind_proxy, monkeypatch):
    """Row 10: ``X-Forwarded-Proto: https`` changed nothing; from the proxy it now makes the request
    HTTPS (HSTS is sent, links are https), from anyone else it is ignored."""
    monkeypatch.setitem(behind_proxy.config, "HSTS", "max-age=31536000")
    headers = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.7"}
    proxied = client.get("/login", environ_base={"REMOTE_ADDR": PROXY}, headers=headers)
    assert proxied.headers["Strict-Transport-Security"] == "max-age=31536000"
    direct = client.get("/login", environ_base={"REMOTE_ADDR": "172.16.0.9"}, headers=headers)
    assert "Strict-Transport-Security" not in direct.headers


def test_the_proxy_fix_rewrites_address_and_scheme_for_a_trusted_peer_only():
    fixed = {}

    def capture(environ, start_response):
        fixed.update(scheme=environ["wsgi.url_scheme"], address=environ["REMOTE_ADDR"])
        start_response("204 No Content", [])
        return [b""]

    middleware = TrustedProxyFix(capture, [PROXY])
    for peer, seen in ((PROXY, {"scheme": "https", "address": "203.0.113.7"}),
                       ("172.16.0.9", {"scheme": "http", "address": "172.16.0.9"})):
        environ = {"REMOTE_ADDR": peer, "wsgi.url_scheme": "http", "HTTP_X_FORWARDED_PROTO": "https",
                   "HTTP_X_FORWARDED_FOR": "203.0.113.7", "REQUEST_METHOD": "GET", "PATH_INFO": "/"}
        middleware(environ, lambda *a: None)
        assert fixed == seen, peer


def test_a_malformed_proxy_entry_is_named():
    with pytest.raises(ValueError, match="'10.0.0.300'"):
        parse_networks(["10.0.0.1", "10.0.0.300"])
