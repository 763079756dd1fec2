"""The check-in page (检录) of a skill: who sees it, statuses saved as one audited batch, a bad bib or
status refusing the whole form, and final results refusing any change with a message (not a 500)."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from app.auth.models import Role
from app.events.models import Attendance, Registration
from app.extensions import db
from app.marking.draw import make_draw
from app.results.publication import publish
from tests.events.helpers import login_en
from tests.marking.builders import World, audit_entries
from tests.results.builders import finished_world

PAGE = "/events/EV1/skills/WELD/check-in"


def organizers(world, make) -> World:
    world.users["org"] = make.user("org", role=Role.ORGANIZER, unit=world.hrss)
    db.session.commit()
    return world


@pytest.fixture()
def world(ctx, make):
    return organizers(World(make), make)


def status(bib: str) -> Attendance:
    db.session.expire_all()
    return db.session.scalar(select(Registration.attendance).where(Registration.contestant_no == bib))


def as_user(client, name: str) -> None:
    client.post("/logout")
    login_en(client, name)


def form(**statuses: str) -> dict[str, str]:
    """``W_01="absent"`` → ``{"status-W-01": "absent"}``."""
    return {f"status-{bib.replace('_', '-')}": value for bib, value in statuses.items()}


EVERYONE = form(W_01="competed", W_02="competed", W_03="competed", W_04="absent")


@pytest.mark.parametrize("name", ["chief", "org"])
def test_the_list_shows_who_to_check_in(client, world, name):
    registration = db.session.scalar(select(Registration).where(Registration.contestant_no == "W-02"))
    registration.person.name = "张三丰"
    db.session.commit()
    as_user(client, name)
    page = client.get(PAGE)
    assert page.status_code == 200
    for bib in ("W-01", "W-02", "W-03", "W-04"):
        assert f'name="status-{bib}"' in page.text
    assert "张三丰" in page.text and registration.unit.name in page.text
    assert registration.person.id_number[-4:] in page.text and registration.person.id_number not in page.text
    assert "Competed 3" in page.text and "Absent 1" in page.text


def test_team_skills_show_the_team(client, world):
    as_user(client, "chief")
    page = client.get("/events/EV1/skills/CARE/check-in")
    assert "<th>Team</th>" in page.text and ">T1<" in page.text and ">T2<" in page.text


def test_statuses_are_saved_as_one_audited_batch(client, world):
    as_user(client, "chief")
    done = client.post(PAGE, data={**EVERYONE, **form(W_01="absent", W_04="competed", W_03="disqualified")},
                       follow_redirects=True)
    assert "Check-in saved: 3 statuses changed." in done.text
    assert (status("W-01"), status("W-03"), status("W-04")) == (Attendance.ABSENT, Attendance.DISQUALIFIED,
                                                                Attendance.COMPETED)
    [entry] = audit_entries("attendance.change")
    assert entry.actor == "user:chief"
    assert entry.before == {"W-01": "competed", "W-03": "competed", "W-04": "absent"}
    assert entry.after == {"W-01": "absent", "W-03": "disqualified", "W-04": "competed"}
    again = client.post(PAGE, data={**EVERYONE, **form(W_01="absent", W_04="competed", W_03="disqualified")},
                        follow_redirects=True)
    assert "nothing changed" in again.text and len(audit_entries("attendance.change")) == 1


def test_chinese_status_words_are_accepted(client, world):
    as_user(client, "org")
    client.post(PAGE, data=form(W_02="缺考"))
    assert status("W-02") == Attendance.ABSENT


@pytest.mark.parametrize(("data", "problem"), [
    (form(W_01="absent", W_99="absent"), "no approved contestant W-99 in WELD"),
    (form(W_01="absent", C_01="absent"), "no approved contestant C-01 in WELD"),
    (form(W_01="absent", W_02="gone"),
     "&#39;gone&#39; is not one of competed, absent, withdrawn, disqualified"),
])
def test_a_bad_bib_or_status_saves_nothing(client, world, data, problem):
    as_user(client, "chief")
    page = client.post(PAGE, data=data)
    assert page.status_code == 422 and "Nothing was saved" in page.text and problem in page.text
    assert status("W-01") == Attendance.COMPETED and status("C-01") == Attendance.COMPETED
    assert audit_entries("attendance.change") == []


def test_the_draw_tells_of_late_check_ins(client, world):
    make_draw(world.weld)
    db.session.commit()
    as_user(client, "chief")
    page = client.post(PAGE, data=form(W_04="competed"), follow_redirects=True)
    assert "1 competed contestant is not drawn yet." in page.text and "Draw the late check-ins" in page.text


def test_final_results_refuse_a_check_in_with_a_message(client, make, ctx):
    world = organizers(finished_world(make), make)
    publish(world.event, skill=world.weld, final=True)
    db.session.commit()
    as_user(client, "org")
    refused = client.post(PAGE, data=form(W_01="absent"), follow_redirects=True)
    assert refused.status_code == 200
    assert "the results of WELD are final: change them with an amendment" in refused.text
    assert status("W-01") == Attendance.COMPETED and audit_entries("attendance.change") == []


@pytest.mark.parametrize("name", ["j1", "nc2", "res", "sup", "outsider"])
def test_panel_members_but_the_chief_get_404(client, world, name):
    as_user(client, name)
    assert client.get(PAGE).status_code == 404
    assert client.post(PAGE, data=form(W_01="absent")).status_code == 404
    assert status("W-01") == Attendance.COMPETED
