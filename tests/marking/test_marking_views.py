"""The marking page: who sees it and who may act (every forbidden path tried), sign-off, lock and
unlock, penalties, marking teams and the paper-marks upload, each one transaction with a flash."""
from __future__ import annotations

import io
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.auth.models import Role, User
from app.extensions import db
from app.marking.locking import criterion_states, lock, sign_off
from app.marking.marksheet import Marksheet
from app.marking.models import CriterionSignoff, MarkingTeamMember, Penalty
from app.marking.paper import import_marks
from app.marking.penalties import add_penalty
from tests.conftest import csrf_token
from tests.events.helpers import login_en
from tests.factories import PASSWORD
from tests.marking.builders import HEADER, World, audit_entries, complete, judged, mark_count, measured, rows

PAGE = "/events/EV1/skills/WELD/marking"
SKILL = "/events/EV1/skills/WELD"


@pytest.fixture()
def world(ctx, make):
    world = World(make)
    world.users["org"] = make.user("org", role=Role.ORGANIZER, unit=world.hrss)
    world.users["org-nc"] = make.user("org-nc", role=Role.ORGANIZER, unit=world.units["JX-NC"])
    db.session.commit()
    return world


def store(world, *cells) -> None:
    import_marks(world.weld, rows(*cells))
    db.session.commit()


def state_of(world, code: str):
    return next(s for s in criterion_states(Marksheet(world.weld)) if s.criterion.code == code)


def sign_all(world, code: str) -> None:
    state = state_of(world, code)
    for user_id in sorted(state.markers):
        sign_off(state.criterion, db.session.get(User, user_id), state)
    db.session.commit()


def as_user(client, name: str) -> None:
    client.post("/logout")
    login_en(client, name)


def post(client, path: str, data: dict | None = None):
    """A post followed to the page it redirects to; ``.text`` holds the flash."""
    return client.post(f"{SKILL}/{path}", data=data or {}, follow_redirects=True)


def upload(client, lines: list[tuple[str, ...]], name: str = "marks.csv"):
    body = "\n".join([HEADER, *(",".join(cells) for cells in lines)]) + "\n"
    return client.post(f"{SKILL}/marks/upload", data={"file": (io.BytesIO(body.encode()), name)},
                       content_type="multipart/form-data")


# --------------------------------------------------------------------------- who sees, who acts

POSTS = ["marking/A/sign-off", "marking/A/lock", "marking/A/unlock", "marking/A/team", "penalties",
         "penalties/1/withdraw", "marks/upload"]


def test_supervisor_sees_the_page_but_every_post_is_forbidden(client, world):
    store(world, *complete())
    store_penalty(world)
    as_user(client, "sup")
    page = client.get(PAGE)
    assert page.status_code == 200
    assert "Sign off" not in page.text and "Lock A" not in page.text and "Add a penalty" not in page.text
    assert "Paper marks" not in page.text
    for path in POSTS:
        assert client.post(f"{SKILL}/{path}", data={"reason": "x"}).status_code == 403, path
    assert client.get(f"{SKILL}/marks/template.xlsx").status_code == 403


def test_an_expert_off_the_panel_gets_404(client, world):
    as_user(client, "outsider")
    assert client.get(PAGE).status_code == 404
    for path in POSTS:
        assert client.post(f"{SKILL}/{path}").status_code == 404, path


def test_an_organizer_of_another_tree_gets_404(client, world):
    as_user(client, "org-nc")
    for response in (client.get(PAGE), client.get(f"{SKILL}/marks/template.xlsx"),
                     client.post(f"{SKILL}/marks/upload")):
        assert response.status_code == 404


def test_unknown_skill_criterion_and_penalty_are_404(client, world):
    as_user(client, "chief")
    assert client.get("/events/EV1/skills/NOPE/marking").status_code == 404
    assert client.post(f"{SKILL}/marking/Z/lock").status_code == 404
    assert client.post(f"{SKILL}/penalties/999/withdraw", data={"reason": "x"}).status_code == 404


def test_organizer_sees_but_cannot_act_as_chief(client, world):
    store(world, *complete())
    as_user(client, "org")
    page = client.get(PAGE)
    assert page.status_code == 200 and "Back to the event" in page.text and "Lock B" not in page.text
    for path in POSTS[:-1]:
        assert client.post(f"{SKILL}/{path}", data={"reason": "x"}).status_code == 403, path
    assert state_of(world, "B").criterion.locked is False


# --------------------------------------------------------------------------- sign-off and locking


def test_chief_sees_states_and_locks_a_complete_criterion(client, world):
    store(world, *complete())
    as_user(client, "chief")
    page = client.get(PAGE).text
    assert page.count("Complete") == 2
    assert "Waiting for the sign-off of" in page and "j1" in page
    assert "Lock B" in page and "Lock A" not in page  # A's markers have not signed yet
    response = post(client, "marking/B/lock")
    assert "Criterion B is locked." in response.text
    criterion = state_of(world, "B").criterion
    assert criterion.locked and criterion.locked_by == "user:chief"
    [entry] = audit_entries("criterion.lock")
    assert entry.actor == "user:chief" and entry.after["criterion"] == "B"
    assert "Unlock B" in response.text and "Locked" in response.text


def test_states_name_missing_marks_and_open_flags(client, world):
    store(world, *judged("2", judges=("j1", "j2")), ("W-01", "A1.1", "j3", "0"), *measured(("W-01",)))
    as_user(client, "chief")
    page = client.get(PAGE).text
    assert "2 marks missing" in page and "A1.1 W-02: 2 of 3 scores" in page
    assert "1 open flag" in page and "A1.1 W-01 scores 2,2,0" in page
    assert "6 marks missing" in page and "and 3 more" in page


def test_judge_cannot_lock_but_signs_off_after_marking(client, world):
    as_user(client, "j1")
    assert client.post(f"{SKILL}/marking/A/lock").status_code == 403
    refused = post(client, "marking/A/sign-off")
    assert "only judges who marked criterion A sign it off" in refused.text
    store(world, *complete())
    assert "Sign off A" in client.get(PAGE).text
    response = post(client, "marking/A/sign-off")
    assert "You signed off criterion A." in response.text and "You signed off" in response.text
    assert db.session.scalars(select(CriterionSignoff.user_id)).all() == [world.users["j1"].id]
    assert len(audit_entries("criterion.sign_off")) == 1


def test_chief_locks_after_every_marker_signed(client, world):
    store(world, *complete())
    as_user(client, "chief")
    refused = post(client, "marking/A/lock")
    assert "still needs the sign-off of j1, j2, j3" in refused.text
    assert not state_of(world, "A").criterion.locked
    sign_all(world, "A")
    assert "Lock A" in client.get(PAGE).text
    assert "Criterion A is locked." in post(client, "marking/A/lock").text


def test_reduced_sets_need_the_confirmation(client, world, make):
    world.event.marking_team_size = 7  # more than the six marking members: every set is reduced
    db.session.commit()
    marking = ("chief", "j1", "j2", "j3", "res")
    store(world, *judged("2", bibs=("W-01", "W-02"), judges=(*marking, "nc2")),
          *judged("2", bibs=("W-03",), judges=marking), *measured())
    sign_all(world, "A")
    as_user(client, "chief")
    page = client.get(PAGE).text
    assert "3 reduced judgement sets" in page and 'name="confirm_reduced"' in page
    refused = post(client, "marking/A/lock")
    assert "cannot be locked" in refused.text and not state_of(world, "A").criterion.locked
    assert "Criterion A is locked." in post(client, "marking/A/lock", {"confirm_reduced": "y"}).text
    [entry] = audit_entries("criterion.lock")
    assert entry.after["reduced_sets_confirmed"] == ["A1.1 W-01", "A1.1 W-02", "A1.1 W-03"]


def test_unlock_needs_a_reason(client, world):
    store(world, *complete())
    lock(state_of(world, "B").criterion, state_of(world, "B"), confirm_reduced=False)
    db.session.commit()
    as_user(client, "chief")
    refused = post(client, "marking/B/unlock", {"reason": "  "})
    assert "Reason: This field is required." in refused.text
    assert state_of(world, "B").criterion.locked
    response = post(client, "marking/B/unlock", {"reason": "B1.2 re-measured after appeal"})
    assert "Criterion B is unlocked" in response.text
    assert not state_of(world, "B").criterion.locked
    [entry] = audit_entries("criterion.unlock")
    assert entry.note == "B1.2 re-measured after appeal"


# --------------------------------------------------------------------------- penalties


def store_penalty(world) -> Penalty:
    penalty = add_penalty(world.weld, world.competitor("W-02"), Decimal("2.50"), "safety glasses off")
    db.session.commit()
    return penalty


def test_penalty_add_validates_and_withdraw_needs_a_reason(client, world):
    as_user(client, "chief")
    page = client.get(PAGE).text
    assert '<option value="W-01">' in page and "W-04" not in page  # only competed contestants
    zero = post(client, "penalties", {"bib": "W-02", "points": "0", "reason": "late"})
    assert "a penalty is more than 0 and at most 100 points" in zero.text
    empty = post(client, "penalties", {"bib": "W-02", "points": "2", "reason": ""})
    assert "Reason: This field is required." in empty.text
    assert "Contestant: Not a valid choice" in post(client, "penalties", {"bib": "W-04", "points": "2",
                                                                          "reason": "x"}).text
    assert db.session.scalars(select(Penalty)).all() == []
    added = post(client, "penalties", {"bib": "W-02", "points": "2.5", "reason": "safety glasses off"})
    assert "Penalty of 2.50 for W-02 recorded." in added.text and "safety glasses off" in added.text
    penalty = db.session.scalar(select(Penalty))
    assert post(client, f"penalties/{penalty.id}/withdraw", {"reason": ""}).status_code == 200
    assert penalty.withdrawn_at is None
    withdrawn = post(client, f"penalties/{penalty.id}/withdraw", {"reason": "video shows glasses on"})
    assert "Penalty for W-02 withdrawn." in withdrawn.text and "safety glasses off" not in withdrawn.text
    db.session.refresh(penalty)
    assert penalty.withdrawn_reason == "video shows glasses on"
    assert [e.action for e in audit_entries("penalty.add") + audit_entries("penalty.withdraw")] == [
        "penalty.add", "penalty.withdraw"]


# --------------------------------------------------------------------------- marking teams


def team_of(world, code: str) -> set[str]:
    criterion = state_of(world, code).criterion
    ids = set(db.session.scalars(select(MarkingTeamMember.user_id)
                                 .where(MarkingTeamMember.criterion_id == criterion.id)))
    return {name for name, user in world.users.items() if user.id in ids}


def test_team_set_then_a_judge_outside_it_is_refused_by_the_upload(client, world):
    as_user(client, "chief")
    assert "Whole panel" in client.get(PAGE).text
    ids = [world.users[name].id for name in ("chief", "j1", "j2")]
    response = post(client, "marking/A/team", {"members": ids})
    assert "Marking team of criterion A saved." in response.text
    assert team_of(world, "A") == {"chief", "j1", "j2"}
    [entry] = audit_entries("marking_team.set")
    assert entry.before == [] and entry.after == ["chief", "j1", "j2"]
    refused = upload(client, [("W-01", "A1.1", "j3", "2"), ("W-01", "A1.1", "j1", "2")])
    assert refused.status_code == 422
    assert "Nothing was saved" in refused.text and "j3 is not on the marking team of criterion A" in refused.text
    assert mark_count() == 0
    assert "Marking team of criterion A saved." in post(client, "marking/A/team", {}).text
    assert team_of(world, "A") == set()


def test_team_refusals(client, world):
    as_user(client, "chief")
    too_small = post(client, "marking/A/team", {"members": [world.users["j1"].id]})
    assert "its team needs at least 3 members" in too_small.text
    not_marking = post(client, "marking/B/team", {"members": [world.users["sup"].id]})
    assert "Marking team: " in not_marking.text  # not one of the offered choices
    store(world, *complete())
    lock(state_of(world, "B").criterion, state_of(world, "B"), confirm_reduced=False)
    db.session.commit()
    locked = post(client, "marking/B/team", {"members": [world.users["j1"].id]})
    assert "criterion B is locked: its marking team cannot change" in locked.text
    assert team_of(world, "A") == team_of(world, "B") == set()
    assert audit_entries("marking_team.set") == []


# --------------------------------------------------------------------------- paper marks


def test_upload_with_a_spread_breach_shows_the_warning(client, world):
    as_user(client, "chief")
    response = upload(client, [("W-01", "A1.1", "j1", "1"), ("W-01", "A1.1", "j2", "3"),
                               ("W-01", "A1.1", "j3", "3")])
    assert response.status_code == 200
    assert "Imported 3 marks: 3 new, 0 changed, 0 unchanged." in response.text
    assert "warning row 4: A1.1 W-01 scores 1,3,3 differ by 2" in response.text
    assert "1 open flag" in response.text
    assert mark_count() == 3


def test_organizer_uploads_paper_marks_and_gets_the_template(client, world):
    as_user(client, "org")
    response = upload(client, complete())
    assert "Imported 18 marks: 18 new" in response.text and mark_count() == 18
    [entry] = audit_entries("marks.import")
    assert entry.actor == "user:org"
    template = client.get(f"{SKILL}/marks/template.xlsx")
    assert template.status_code == 200 and template.data[:2] == b"PK"


def test_upload_without_a_file_is_refused(client, world):
    as_user(client, "chief")
    response = client.post(f"{SKILL}/marks/upload", follow_redirects=True)
    assert "File: This field is required." in response.text


# --------------------------------------------------------------------------- CSRF


def test_csrf_token_of_the_page_works(csrf_app, make):
    app = csrf_app
    with app.app_context():  # ``make`` empties the database afterwards
        world = World(make)
        store(world, *complete())
        client = app.test_client()
        token = csrf_token(client.get("/login").text)
        client.post("/login", data={"username": "chief", "password": PASSWORD, "csrf_token": token})
        assert client.post(f"{SKILL}/marking/B/lock").status_code == 400
        page = client.get(PAGE).text
        token = csrf_token(page)
        assert client.post(f"{SKILL}/marking/B/lock", data={"csrf_token": token}).status_code == 302
        assert state_of(world, "B").criterion.locked
