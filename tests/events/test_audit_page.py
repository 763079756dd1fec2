"""An event's audit log page: the event's organizers only, its own entries only, filters by actor,
action and dates, pages of 50, and query parameters that are not well formed ignored (never a 500)."""
from __future__ import annotations

from datetime import datetime

import pytest

from app import audit, clock
from app.auth.models import Role
from app.extensions import db
from tests.events.helpers import login_en


@pytest.fixture()
def world(ctx, make):
    root, other = make.unit("ROOT"), make.unit("OTHER")
    event = make.event("EV1", organizers=[root])
    elsewhere = make.event("EV2", organizers=[other])
    make.user("org", role=Role.ORGANIZER, unit=root)
    make.user("other-org", role=Role.ORGANIZER, unit=other)
    make.user("unit-admin", role=Role.UNIT_ADMIN, unit=root)
    with audit.acting_as("user:alice"):
        for n in range(60):
            audit.record("registration.approve", "registration", n, event_id=event.id, note=f"WELD W-{n:02d}")
    with audit.acting_as("user:bob"), clock.frozen(datetime(2026, 9, 3, 9, 0, tzinfo=clock.SHANGHAI)):
        audit.record("results.publish", "event", "EV1", event_id=event.id, after={"final": True, "技能": "焊工"})
    audit.record("results.publish", "event", "EV2", event_id=elsewhere.id, note="the other event's")
    db.session.commit()
    return event


def page(client, **query) -> str:
    response = client.get("/events/EV1/audit", query_string=query)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_organizers_page_through_their_events_log(world, client):
    login_en(client, "org")
    first = page(client)
    assert "Page 1 of 2 (61 entries)" in first
    rows = listed(first)
    assert rows.index("results.publish") < rows.index("registration.approve")  # newest first
    assert "WELD W-59" in first and "WELD W-10" not in first and "the other event&#39;s" not in first
    assert "焊工" in first  # before/after as readable JSON
    second = page(client, page="2")
    assert "WELD W-10" in second and "WELD W-00" in second and "WELD W-59" not in second
    board = client.get("/events/EV1/board").get_data(as_text=True)
    detail = client.get("/events/EV1").get_data(as_text=True)
    assert "/events/EV1/audit" in board and "/events/EV1/audit" in detail


def listed(html: str) -> str:
    """The page below the filter form (the form's choices name every actor and action)."""
    return html.split('class="list stack audit-log"', 1)[1]


def test_filters_by_actor_action_and_dates(world, client):
    login_en(client, "org")
    bob = listed(page(client, actor="user:bob"))
    assert "results.publish" in bob and "WELD W-" not in bob
    assert "Page 1 of 2 (60 entries)" in page(client, action="registration.approve")
    later = listed(page(client, **{"from": "2026-09-02"}))
    assert "user:bob" in later and "WELD W-" not in later
    first_day = listed(page(client, **{"from": "2026-09-01", "to": "2026-09-01"}))
    assert "user:bob" not in first_day and "WELD W-59" in first_day
    assert "No audit entries match." in page(client, to="2026-08-31")


@pytest.mark.parametrize("query", [{"page": "²"}, {"page": "99999999999"}, {"page": "-1"}, {"from": "2026-13-45"},
                                   {"to": "２０２６-09-01"}, {"actor": "user:nobody"}, {"action": "x" * 5000}])
def test_malformed_filters_are_ignored(world, client, query):
    login_en(client, "org")
    assert "(61 entries)" in page(client, **query)


def test_a_nul_in_a_filter_is_refused_at_the_edge(world, client):
    login_en(client, "org")
    assert client.get("/events/EV1/audit", query_string={"from": "\x00"}).status_code == 400


def test_no_one_else_reads_an_events_log(world, client):
    login_en(client, "other-org")
    assert client.get("/events/EV1/audit").status_code == 404
    client.get("/logout")
    login_en(client, "unit-admin")
    assert client.get("/events/EV1/audit").status_code == 403
