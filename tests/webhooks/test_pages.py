"""The webhooks pages: the event's organizers (and admins) add, change, disable, rotate and remove
hooks, each audited without the secret; nobody else reaches them (another event's organizer, a unit
admin, an expert, anonymous); URLs that are not http(s), too long, carry credentials or (unless
allowed) name an inside address are refused with the reason and nothing is saved."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.audit import AuditEntry
from app.auth.models import Role
from app.extensions import db
from app.webhooks import services
from app.webhooks.addresses import url_problem
from app.webhooks.models import EVENT_TYPES, Webhook
from tests.conftest import login
from tests.events.helpers import login_en

URL = "http://127.0.0.1:5799/hook"


@pytest.fixture()
def world(ctx, make):
    home = make.unit("HOME")
    event = make.event("EV1", organizers=[home])
    make.user("org", role=Role.ORGANIZER, unit=home)
    make.user("boss", role=Role.ADMIN)
    make.user("other-org", role=Role.ORGANIZER, unit=make.unit("ELSEWHERE"))
    make.user("unit-admin", role=Role.UNIT_ADMIN, unit=home)
    make.user("expert", role=Role.EXPERT, unit=home)
    db.session.commit()
    return event


def hooks() -> list[Webhook]:
    db.session.expire_all()
    return list(db.session.scalars(select(Webhook).order_by(Webhook.id)))


def actions() -> list[str]:
    return list(db.session.scalars(select(AuditEntry.action).where(AuditEntry.entity == "webhook")
                                   .order_by(AuditEntry.id)))


def add(client, url: str = URL, types=("results.published", "certificate.issued")):
    return client.post("/events/EV1/webhooks", data={"url": url, "types": list(types)}, follow_redirects=True)


def test_an_organizer_manages_the_events_hooks_and_every_change_is_audited(world, client):
    login_en(client, "org")
    assert "Webhooks" in client.get("/events/EV1").get_data(as_text=True)
    page = add(client).get_data(as_text=True)
    [hook] = hooks()
    assert "Webhook added." in page and hook.secret in page and URL in page
    assert hook.types == ["results.published", "certificate.issued"] and hook.enabled and len(hook.secret) >= 40
    client.post(f"/events/EV1/webhooks/{hook.id}/types", data={"types": ["promotion.approved"]})
    client.post(f"/events/EV1/webhooks/{hook.id}/enabled", data={"enabled": "off"})
    old_secret = hook.secret
    client.post(f"/events/EV1/webhooks/{hook.id}/secret")
    [hook] = hooks()
    assert hook.types == ["promotion.approved"] and not hook.enabled and hook.secret != old_secret
    client.post(f"/events/EV1/webhooks/{hook.id}/enabled", data={"enabled": "on"})
    client.post(f"/events/EV1/webhooks/{hook.id}/remove")
    assert hooks() == []
    assert actions() == ["webhook.add", "webhook.change", "webhook.change", "webhook.rotate_secret",
                         "webhook.change", "webhook.remove"]
    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.entity == "webhook")).all()
    assert {e.actor for e in entries} == {"user:org"}
    assert not any(old_secret in str(e.before) + str(e.after) + str(e.note) for e in entries)


def test_an_admin_may_too(world, client):
    login(client, "boss")
    add(client)
    assert len(hooks()) == 1


@pytest.mark.parametrize("who", ["other-org", "unit-admin", "expert", None])
def test_nobody_else_reaches_the_hooks(world, client, who):
    services.add_hook(world, URL, ["results.published"])
    db.session.commit()
    [hook] = hooks()
    if who:
        login(client, who)
    for method, path, data in (
            ("get", "/events/EV1/webhooks", None), ("post", "/events/EV1/webhooks", {"url": URL, "types": ["x"]}),
            ("get", "/events/EV1/webhooks/deliveries", None),
            ("post", f"/events/EV1/webhooks/{hook.id}/types", {"types": ["results.amended"]}),
            ("post", f"/events/EV1/webhooks/{hook.id}/enabled", {"enabled": "off"}),
            ("post", f"/events/EV1/webhooks/{hook.id}/secret", None),
            ("post", f"/events/EV1/webhooks/{hook.id}/remove", None),
            ("post", "/events/EV1/webhooks/deliveries/00000000-0000-0000-0000-000000000000/again", None)):
        response = getattr(client, method)(path, data=data)
        if who is None:
            assert response.status_code == 302 and "/login" in response.headers["Location"], path
        else:
            assert response.status_code in (403, 404), (who, path, response.status_code)
        assert hook.secret not in response.get_data(as_text=True)
    [unchanged] = hooks()
    assert (unchanged.types, unchanged.enabled, unchanged.secret) == (hook.types, True, hook.secret)
    assert actions() == ["webhook.add"]


def test_a_hook_of_another_event_is_not_found_through_this_one(world, client, make):
    login(client, "boss")
    make.event("EV2", organizers=[make.unit("THIRD")])
    db.session.commit()
    client.post("/events/EV2/webhooks", data={"url": URL, "types": ["results.published"]})
    [other] = hooks()
    assert client.post(f"/events/EV1/webhooks/{other.id}/remove").status_code == 404
    assert len(hooks()) == 1


@pytest.mark.parametrize(("url", "reason"), [
    ("ftp://example.com/hook", "only http and https URLs receive webhooks"),
    ("javascript:alert(1)", "only http and https URLs receive webhooks"),
    ("file:///etc/passwd", "only http and https URLs receive webhooks"),
    ("http:///hook", "the URL has no host"),
    ("https://user:pw@example.com/hook", "must not carry a user name or password"),
    ("http://example.com:99999/hook", "not a valid URL"),
    ("https://example.com/" + "a" * 500, "longer than 500 characters"),
])
def test_urls_that_cannot_receive_are_refused(world, client, url, reason):
    login_en(client, "org")
    page = add(client, url).get_data(as_text=True)
    assert reason in page and hooks() == [] and actions() == []


def test_a_hook_needs_a_known_type(world, client):
    login_en(client, "org")
    assert "choose at least one event type" in add(client, types=()).get_data(as_text=True)
    assert "not a valid choice" in add(client, types=("results.deleted",)).get_data(as_text=True)
    assert hooks() == []


@pytest.mark.parametrize("url", ["http://127.0.0.1/h", "http://localhost:8080/h", "http://10.1.2.3/h",
                                 "http://192.168.0.1/h", "http://169.254.169.254/latest", "http://[::1]/h",
                                 "http://api.localhost/h", "http://0.0.0.0/h", "http://224.0.0.1/h"])
def test_inside_addresses_are_refused_unless_allowed(url):
    assert "not a public address" in url_problem(url, allow_private=False)
    assert url_problem(url, allow_private=True) is None


def test_public_addresses_and_names_are_accepted():
    for url in ("https://hr.example.cn/jingsai/hook", "http://1.1.1.1:8080/h", "https://[2606:4700:4700::1111]/h"):
        assert url_problem(url, allow_private=False) is None, url


def test_the_setting_decides_on_the_page_too(app, world, client):
    login_en(client, "org")
    app.config["WEBHOOK_ALLOW_PRIVATE_ADDRESSES"] = False
    try:
        page = add(client).get_data(as_text=True)
    finally:
        app.config["WEBHOOK_ALLOW_PRIVATE_ADDRESSES"] = True
    assert "127.0.0.1 is not a public address" in page and hooks() == []


def test_every_type_is_offered(world, client):
    login_en(client, "org")
    page = client.get("/events/EV1/webhooks").get_data(as_text=True)
    assert all(f'value="{t}"' in page for t in EVENT_TYPES)
    assert db.session.scalar(select(func.count(Webhook.id))) == 0
