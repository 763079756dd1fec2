"""The accounts page: who may create, disable, enable and send a link to which account, every
change audited, and the forbidden paths answering 403/404 with nothing changed."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from app.auth.models import LoginLink, Role, User
from app.events.models import Registration
from app.extensions import db
from tests.events.helpers import login_en
from tests.marking.builders import World, audit_entries

LINK = re.compile(r'value="(http[^"]+/login/link/[^"]+)"')


@pytest.fixture()
def world(ctx, make):
    world = World(make, scheme=False)
    world.users["org"] = make.user("org", role=Role.ORGANIZER, unit=world.hrss.parent)  # JX: the whole tree
    world.users["other-org"] = make.user("other-org", role=Role.ORGANIZER, unit=make.unit("ELSEWHERE"))
    world.users["nc-admin"] = make.user("nc-admin", role=Role.UNIT_ADMIN, unit=world.units["JX-NC"])
    world.users["admin"] = make.user("admin", role=Role.ADMIN)
    db.session.add(User(username="new-judge", display_name="新裁判", role=Role.EXPERT, unit=world.hrss))
    db.session.commit()
    return world


def user(name: str) -> User:
    db.session.expire_all()
    return db.session.scalar(select(User).where(User.username == name))


def shown_link(page) -> str:
    found = LINK.findall(page.text)
    assert len(found) == 1, page.text[:2000]
    return found[0]


def test_an_organizer_creates_an_account_in_their_tree_and_its_link_logs_in_once(client, world):
    login_en(client, "org")
    page = client.get("/accounts")
    assert page.status_code == 200 and 'name="unit_code"' in page.text
    assert "<option value=\"JX-JJ\">" in page.text and "ELSEWHERE" not in page.text  # the tree only
    created = client.post("/accounts/new", data={"username": "jj-lead", "display_name": "九江领队",
                                                 "role": "unit_admin", "unit_code": "JX-JJ"})
    assert created.status_code == 200 and 'data-copy="one-time-link"' in created.text
    link = shown_link(created)
    assert user("jj-lead").role == Role.UNIT_ADMIN and user("jj-lead").unit.code == "JX-JJ"
    assert [e.entity_id for e in audit_entries("user.create")] == ["jj-lead"]
    client.post("/logout")
    path = link.split("localhost:5000", 1)[-1] if "localhost" in link else "/" + link.split("/", 3)[3]
    assert client.get(path).headers["Location"].endswith("/password")
    client.post("/logout")
    assert client.get(path).status_code == 404  # once only


@pytest.mark.parametrize("data", [
    {"username": "x-admin", "display_name": "X", "role": "admin", "unit_code": "JX-JJ"},
    {"username": "x-lead", "display_name": "X", "role": "unit_admin", "unit_code": "ELSEWHERE"},
    {"username": "x-lead", "display_name": "X", "role": "contestant", "unit_code": "JX-JJ"},
    {"username": "bad name!", "display_name": "X", "role": "unit_admin", "unit_code": "JX-JJ"},
])
def test_an_organizer_cannot_create_outside_their_powers(client, world, data):
    login_en(client, "org")
    assert client.post("/accounts/new", data=data).status_code == 400
    assert user(data["username"]) is None and audit_entries("user.create") == []


def test_an_existing_username_is_refused_with_a_message(client, world):
    login_en(client, "org")
    page = client.post("/accounts/new", data={"username": "nc-admin", "display_name": "X", "role": "unit_admin",
                                              "unit_code": "JX-NC"})
    assert page.status_code == 400 and "user nc-admin exists already" in page.text


def test_disable_and_enable_are_audited_and_a_disabled_account_cannot_log_in(client, world):
    login_en(client, "org")
    target = world.users["nc-admin"].id
    assert client.post("/accounts/disable", data={"target": target}).status_code == 302
    assert not user("nc-admin").active
    client.post("/logout")
    assert client.post("/login", data={"username": "nc-admin", "password": "correct-horse-42"}).status_code == 401
    login_en(client, "org")
    assert client.post("/accounts/link", data={"target": target}).status_code == 302  # refused: disabled
    assert db.session.scalar(select(func.count(LoginLink.id))) == 0
    client.post("/accounts/enable", data={"target": target})
    assert user("nc-admin").active
    assert [e.action for e in audit_entries("user.disable") + audit_entries("user.enable")] == \
        ["user.disable", "user.enable"]


def test_a_new_link_replaces_the_unused_one(client, world):
    login_en(client, "org")
    target = user("new-judge").id
    first = shown_link(client.post("/accounts/link", data={"target": target}))
    second = shown_link(client.post("/accounts/link", data={"target": target}))
    client.post("/logout")
    assert client.get("/" + first.split("/", 3)[3]).status_code == 404
    assert client.get("/" + second.split("/", 3)[3]).status_code == 302
    assert len(audit_entries("user.link")) == 2


def test_experts_who_never_logged_in_and_entries_without_account_wait_on_the_page(client, world):
    login_en(client, "org")
    page = client.get("/accounts")
    assert "Experts who have never logged in" not in page.text  # new-judge has no panel seat yet
    from app.events.models import PanelMember, PanelRole
    db.session.add(PanelMember(skill_id=world.weld.id, user_id=user("new-judge").id,
                               role=PanelRole.JUDGE))
    db.session.commit()
    page = client.get("/accounts")
    assert "新裁判" in page.text and "Experts who have never logged in" in page.text
    assert page.text.count('action="/accounts/from-entry"') == 8  # every approved entry of EV1


def test_an_account_from_an_approved_entry_is_the_contestants(client, world):
    login_en(client, "org")
    entry = db.session.scalar(select(Registration).where(Registration.contestant_no == "W-02"))
    page = client.post("/accounts/from-entry", data={"target": entry.id})
    assert page.status_code == 200
    shown_link(page)
    made = user("ev1-w-02")
    assert made.role == Role.CONTESTANT and made.person_id == entry.person_id
    again = client.post("/accounts/from-entry", data={"target": entry.id})
    assert again.status_code == 302 and db.session.scalar(select(func.count(User.id)).where(
        User.person_id == entry.person_id)) == 1


@pytest.mark.parametrize("path", ["/accounts/disable", "/accounts/enable", "/accounts/link"])
def test_an_organizer_of_another_tree_cannot_touch_the_accounts(client, world, path):
    login_en(client, "other-org")
    assert client.post(path, data={"target": world.users["nc-admin"].id}).status_code == 404
    assert client.post(path, data={"target": world.users["admin"].id}).status_code == 404
    assert "nc-admin" not in client.get("/accounts").text
    assert audit_entries("user.disable") == audit_entries("user.link") == []


def test_an_organizer_of_another_tree_cannot_make_an_entrys_account(client, world):
    login_en(client, "other-org")
    entry = db.session.scalar(select(Registration).where(Registration.contestant_no == "W-02"))
    assert client.post("/accounts/from-entry", data={"target": entry.id}).status_code == 404
    assert user("ev1-w-02") is None


def test_an_organizer_cannot_disable_an_admin_or_themselves(client, world):
    login_en(client, "org")
    for target in (world.users["admin"].id, world.users["org"].id):
        assert client.post("/accounts/disable", data={"target": target}).status_code == 404
    assert user("admin").active and user("org").active


@pytest.mark.parametrize("name", ["nc-admin", "chief"])
def test_other_roles_have_no_accounts_page(client, world, name):
    login_en(client, name)
    assert client.get("/accounts").status_code == 403
    assert client.post("/accounts/new", data={"username": "zz", "display_name": "z", "role": "expert",
                                               "unit_code": "JX-NC"}).status_code == 403
    assert user("zz") is None


def test_the_organizers_home_page_links_the_accounts_page(client, world):
    login_en(client, "org")
    assert 'href="/accounts"' in client.get("/").text
