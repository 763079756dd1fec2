"""Each role's home page lists that role's work on the demo, and every link on it opens (no 404,
no 403): the start of a day that is clicked through, not typed into the address bar."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from flask import current_app

from app import clock
from app.events.services import event_by_code
from app.extensions import db
from app.results.standings import results_of
from tests.conftest import FROZEN_NOW, login

PASSWORD = "jingsai-demo"


@pytest.fixture()
def demo(ctx):
    result = current_app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    return event_by_code("DEMO-PROV")


def _home(client, username: str) -> str:
    login(client, username, PASSWORD)
    client.get("/lang/en")
    response = client.get("/")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _links(page: str) -> set[str]:
    return {href for href in re.findall(r'href="(/[^"]*)"', page)
            if not href.startswith(("/static/", "/lang/"))}


def _all_links_open(client, page: str) -> None:
    broken = {href: client.get(href).status_code for href in _links(page)}
    assert {href: code for href, code in broken.items() if code >= 400} == {}


def test_judge_home_has_a_tablet_button_per_marking_seat(client, demo):
    page = _home(client, "weld-j1")
    assert "Mark on tablet" in page and "/events/DEMO-PROV/skills/WELD-E/tablet" in page
    assert "1 of 4 criteria locked" in page
    _all_links_open(client, page)


def test_unit_admin_home_leads_to_the_open_appeals_window_and_results(client, demo):
    page = _home(client, "jiujiang")
    assert "/events/DEMO-PROV/skills/CARE-E/appeals" in page
    assert "/registrations/DEMO-PROV/entries" in page
    assert "Results of my contestants" in page and "/results/DEMO-PROV/CNC-S" in page
    _all_links_open(client, page)


def test_unit_admin_without_contestants_in_a_skill_is_not_sent_to_its_appeals(client, demo):
    page = _home(client, "nanchang")
    assert "/skills/CARE-E/appeals" not in page


def test_arbiter_home_lists_the_appeals_window_with_its_deadline(client, demo):
    page = _home(client, "arbiter")
    closes = results_of(demo.skill("CARE-E")).appeals_close_at
    assert "/events/DEMO-PROV/skills/CARE-E/appeals" in page
    assert closes.strftime("%Y-%m-%d %H:%M") in page
    _all_links_open(client, page)


def test_arbiter_home_drops_a_closed_window_without_pending_appeals(client, demo):
    with clock.frozen(FROZEN_NOW + timedelta(hours=3)):
        page = _home(client, "arbiter")
    assert "/skills/CARE-E/appeals" not in page and "No appeals are waiting" in page


def test_contestant_home_shows_the_entry_its_rank_and_the_results_page(client, demo):
    page = _home(client, "contestant")
    assert "CNC-S" in page or "数控铣" in page
    assert "Rank 1" in page and "/results/DEMO-PROV/me" in page
    _all_links_open(client, page)


def test_demo_if_absent_opens_the_appeals_window_again(ctx, demo):
    care = results_of(demo.skill("CARE-E"))
    care.appeals_close_at = FROZEN_NOW - timedelta(days=1)
    db.session.commit()
    result = current_app.test_cli_runner().invoke(args=["demo", "--if-absent"])
    assert result.exit_code == 0 and "appeals open again in CARE-E" in result.output
    db.session.expire_all()
    assert results_of(event_by_code("DEMO-PROV").skill("CARE-E")).appeals_close_at == FROZEN_NOW + timedelta(hours=2)


def test_organizer_home_counts_what_waits_and_links_each_board(client, demo):
    page = _home(client, "organizer")
    assert "/events/DEMO-PROV/board" in page
    assert "1 open flags" in page or "open flags" in page
    assert "1 skills without certificates" in page
    _all_links_open(client, page)


def test_the_board_names_each_skills_stage_and_its_next_action(client, demo):
    login(client, "organizer", PASSWORD)
    client.get("/lang/en")
    page = client.get("/events/DEMO-PROV/board").get_data(as_text=True)
    stages = dict(re.findall(r'data-skill="([^"]+)" data-stage="([^"]+)"', page))
    assert stages == {"WELD-E": "marking", "CNC-S": "certificates", "CARE-E": "appeals"}
    assert 'href="/events/DEMO-PROV/certificates"' in page
    assert 'href="/events/DEMO-PROV/skills/CARE-E/appeals"' in page
    _all_links_open(client, page)


def test_the_board_is_for_the_events_organizers_only(client, demo):
    login(client, "nanchang", PASSWORD)
    assert client.get("/events/DEMO-PROV/board").status_code == 403
