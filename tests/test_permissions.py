"""The role × route matrix, generated from ``app.url_map``.

Every route must have an entry in the permission table (a view decorated with ``allow…``); a route
without one fails here. For every role a route does not admit, the route must answer 403/404
(logged in) or send an anonymous visitor to the login page (401 for JSON), never 200.
"""
from __future__ import annotations

import pytest

from app.auth.models import Role
from app.auth.permissions import permission_table
from app.extensions import db
from app.people.models import Person
from tests.conftest import login

# Sample values for URL arguments; a new argument name must be added here.
SAMPLE_ARGS = {
    "code": "EV1", "skill_code": "SK1", "token": "not-a-token", "filename": "css/app.css",
    "criterion": "A", "penalty_id": 1, "appeal_id": 1, "reopening_id": 1, "fmt": "csv",
    "policy": "jiangxi-2019", "line_id": 1, "person_id": 1, "certificate_id": 1, "job_id": 1,
    "hook_id": 1, "delivery_uuid": "00000000-0000-0000-0000-000000000000",
}
# Where an endpoint's ``code`` is not an event code.
ENDPOINT_ARGS = {
    "units.edit": {"code": "ROOT"},
    "auth.set_language": {"code": "en"},
    "wellknown.issuer": {"code": "ROOT"},
}
ROLES = [None, *Role]


def _url(app, rule) -> str:
    values = {}
    for arg in rule.arguments:
        overrides = ENDPOINT_ARGS.get(rule.endpoint, {})
        assert arg in overrides or arg in SAMPLE_ARGS, f"{rule.rule}: add a sample value for <{arg}> to SAMPLE_ARGS"
        values[arg] = overrides.get(arg, SAMPLE_ARGS.get(arg))
    with app.test_request_context():
        from flask import url_for
        return url_for(rule.endpoint, **values)


def test_every_route_is_in_the_permission_table(app):
    missing = [endpoint for endpoint, access in permission_table(app).items() if access is None]
    assert missing == [], f"routes without an entry in the permission table: {missing}"


@pytest.fixture()
def world(ctx, make):
    root = make.unit("ROOT")
    other = make.unit("OTHER")
    event = make.event("EV1", organizers=[root])
    make.skill(event, "SK1")
    person = Person(id_type="resident", id_number="11010120000101001X", name="选手")
    db.session.add(person)
    db.session.flush()
    for role in Role:
        make.user(f"as-{role.value}", role=role, unit=None if role in (Role.ADMIN, Role.EXPERT, Role.CONTESTANT)
                  else root, person=person if role == Role.CONTESTANT else None)
    make.user("other-organizer", role=Role.ORGANIZER, unit=other)
    db.session.commit()
    return event


@pytest.mark.parametrize("role", ROLES, ids=lambda r: r.value if r else "anonymous")
def test_forbidden_routes_are_refused(app, client, world, role):
    if role is not None:
        login(client, f"as-{role.value}")
    table = permission_table(app)
    checked = 0
    for rule in app.url_map.iter_rules():
        access = table[rule.endpoint]
        if access.public or (role is not None and access.admits(role)):
            continue
        url = _url(app, rule)
        for method in sorted((rule.methods or set()) & {"GET", "POST"}):
            response = client.open(url, method=method)
            checked += 1
            if role is None:
                assert response.status_code in (302, 401), f"{method} {url} as anonymous: {response.status_code}"
                if response.status_code == 302:
                    assert "/login" in response.headers["Location"]
            else:
                assert response.status_code in (403, 404), f"{method} {url} as {role}: {response.status_code}"
    if role not in (Role.ADMIN,):
        assert checked > 0


def test_organizer_of_another_tree_cannot_open_an_event(client, world):
    login(client, "other-organizer")
    for url in ("/events/EV1", "/events/EV1/edit", "/events/EV1/skills/SK1/edit", "/units/ROOT/edit"):
        assert client.get(url).status_code == 404, url


def test_organizer_of_the_tree_can(client, world):
    login(client, "as-organizer")
    for url in ("/events/EV1", "/events/EV1/edit", "/events/EV1/skills/SK1/edit", "/units/ROOT/edit"):
        assert client.get(url).status_code == 200, url
