"""The proposals page (compute, filters, approve/reject selected, download) and a person's level
history, with the forbidden paths: unit admin, expert, another tree's organizer, anonymous."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from app.auth.models import Role
from app.extensions import db
from app.people.models import SkillLevelRecord
from app.promotion.models import PromotionProposal, ProposalStatus
from tests.conftest import login
from tests.events.helpers import login_en
from tests.promotion.world import promotion_world

URL = "/events/EV1/promotion"


def rows() -> dict[str, PromotionProposal]:
    db.session.expire_all()
    return {p.registration.contestant_no: p for p in db.session.scalars(select(PromotionProposal))}


@pytest.fixture()
def world(make):
    world = promotion_world(make)
    make.user("org", role=Role.ORGANIZER, unit=world.hrss)
    make.user("other-org", role=Role.ORGANIZER, unit=make.unit("ELSEWHERE"))
    make.user("uadmin", role=Role.UNIT_ADMIN, unit=world.units["NC-E1"])
    person = world.competitor("W-01").lead.person
    make.user("w01", role=Role.CONTESTANT, person=person)
    make.user("w02", role=Role.CONTESTANT, person=world.competitor("W-02").lead.person)
    db.session.commit()
    return world


def test_compute_filter_and_decide(client, world):
    login_en(client, "org")
    assert "Promotion proposals" in client.get("/events/EV1").get_data(as_text=True)   # linked
    page = client.get(URL).get_data(as_text=True)
    assert "No proposals" in page
    assert client.post(f"{URL}/compute").status_code == 302
    page = client.get(URL).get_data(as_text=True)
    assert "award gold → 技师 (hunan-2022)" in page and "技师 (level2)" in page
    only = client.get(f"{URL}?skill=WELD&status=proposed").get_data(as_text=True)
    assert "W-01" in only and "C-01" not in only
    found = rows()
    response = client.post(f"{URL}/decide?skill=WELD", data={"proposals": [found["W-01"].id, found["W-02"].id],
                                                             "decision": "approve"})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"{URL}?skill=WELD")
    found = rows()
    assert found["W-01"].status == ProposalStatus.APPROVED and found["W-01"].decided_by == "user:org"
    assert found["W-01"].level_record is not None
    client.post(f"{URL}/decide", data={"proposals": [found["W-03"].id], "decision": "reject", "reason": "already"})
    assert rows()["W-03"].decision_reason == "already"
    refused = client.post(f"{URL}/decide", data={"proposals": [found["W-04"].id], "decision": "approve"},
                          follow_redirects=True).get_data(as_text=True)
    assert "W-04 has no promotion to approve" in refused and rows()["W-04"].status == ProposalStatus.PROPOSED
    csv = client.get(f"{URL}/export.csv")
    assert csv.status_code == 200 and "W-01" in csv.get_data(as_text=True)


def test_compute_refused_before_final_is_shown(client, make):
    world = promotion_world(make, final=False)
    make.user("org", role=Role.ORGANIZER, unit=world.hrss)
    db.session.commit()
    login_en(client, "org")
    page = client.post(f"{URL}/compute", follow_redirects=True).get_data(as_text=True)
    assert page.count("not final yet: CARE, WELD") == 1 and "not final: CARE" not in page  # said once
    assert rows() == {}


@pytest.mark.parametrize("username", ["other-org", "uadmin", "chief", "w01"])
def test_others_do_not_reach_the_proposals(client, world, username):
    login(client, username)
    for method, url in (("GET", URL), ("POST", f"{URL}/compute"), ("POST", f"{URL}/decide"),
                        ("GET", f"{URL}/export.csv")):
        assert client.open(url, method=method).status_code in (403, 404), (username, url)
    assert rows() == {}


def test_anonymous_is_sent_to_login(client, world):
    assert client.get(URL).status_code == 302
    assert client.post(f"{URL}/compute").status_code in (302, 400)
    assert rows() == {}


def test_level_history_for_the_person_and_organizers_only(client, world):
    person = world.competitor("W-01").lead.person
    db.session.add(SkillLevelRecord(person_id=person.id, occupation_code="6-25-04-07", level="level3",
                                    source="import", certificate_no="C-123"))
    db.session.commit()
    url = f"/people/{person.id}/levels"
    login_en(client, "w01")
    page = client.get(url).get_data(as_text=True)
    assert "高级工 (level3)" in page and "C-123" in page and "import" in page
    client.get("/logout")
    login(client, "w02")
    assert client.get(url).status_code == 404              # another contestant
    client.get("/logout")
    login(client, "org")
    assert client.get(url).status_code == 200
    for username in ("other-org", "uadmin"):
        client.get("/logout")
        login(client, username)
        assert client.get(url).status_code in (403, 404)
