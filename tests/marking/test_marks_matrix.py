"""The chief expert's marks matrix: judge by judge, the flagged set highlighted, bibs under blind
marking; for the chief and the organizers only."""
from __future__ import annotations

import re

import pytest
from flask import current_app

from tests.conftest import login

URL = "/events/DEMO-PROV/skills/WELD-E/marking/B/marks"


@pytest.fixture()
def demo(ctx):
    assert current_app.test_cli_runner().invoke(args=["demo"]).exit_code == 0


def test_the_chief_sees_every_judges_scores_and_the_flagged_set(client, demo):
    login(client, "weld-chief", "jingsai-demo")
    client.get("/lang/en")
    page = client.get(URL).get_data(as_text=True)
    assert "1 open flag" in page and page.count('class="num flagged') == 1
    assert re.search(r'<th scope="row" class="nowrap">WELD-E-\d+</th>', page)  # bibs, not secret numbers
    assert "Judgement scores in the order of the judges" in page
    marking = client.get("/events/DEMO-PROV/skills/WELD-E/marking").get_data(as_text=True)
    assert 'href="/events/DEMO-PROV/skills/WELD-E/marking/B/marks"' in marking


@pytest.mark.parametrize(("username", "status"), [("organizer", 200), ("weld-j1", 404), ("jiujiang", 403)])
def test_only_the_chief_and_organizers_read_the_matrix(client, demo, username, status):
    login(client, username, "jingsai-demo")
    assert client.get(URL).status_code == status
