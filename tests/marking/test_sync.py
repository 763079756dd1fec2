"""The tablet API item by item: stored, replayed, conflict (with both values), refused (with the
reason), the judge's own re-edit before an answer (``supersedes``), the desk a judge sees, and
every forbidden path: supervisors, outsiders, conflicted and off-team judges, locked criteria."""
from __future__ import annotations

import uuid
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.auth.models import Role
from app.extensions import db
from app.marking.locking import criterion_states, lock
from app.marking.marksheet import Marksheet
from app.marking.models import Mark, MarkSource, TabletWrite
from tests.events.helpers import login_en
from tests.marking.builders import World, audit_entries

BATCH = "/api/v1/marks/batch"
DESK = "/api/v1/tablet/EV1/WELD"


@pytest.fixture()
def world(ctx, make):
    world = World(make)
    world.users["org"] = make.user("org", role=Role.ORGANIZER, unit=world.hrss)
    db.session.commit()
    return world


def item(aspect: str = "B1.1", competitor: str = "W-01", value="10", base: int = 0, **extra) -> dict:
    return {"uuid": str(uuid.uuid4()), "event": "EV1", "skill": "WELD", "aspect": aspect,
            "competitor": competitor, "value": value, "base_version": base, **extra}


def send(client, *items: dict, device: str = "tablet-1") -> list[dict]:
    response = client.post(BATCH, json={"device": device, "marks": list(items)})
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()["results"]


def as_judge(client, name: str = "j1"):
    login_en(client, name)
    return client


def stored_marks() -> list[Mark]:
    db.session.expire_all()
    return db.session.scalars(select(Mark).order_by(Mark.id)).all()


def test_a_mark_is_stored_once_and_a_replay_returns_the_stored_outcome(world, client):
    as_judge(client)
    mark = item(offline=True)
    first, = send(client, mark)
    assert first == {"uuid": mark["uuid"], "outcome": "stored", "value": "10.00", "version": 1}
    again, = send(client, mark)
    assert again == {**first, "outcome": "replayed"}
    row, = stored_marks()
    assert (row.value, row.source, row.offline, row.device, row.client_uuid) == \
        (Decimal("10.00"), MarkSource.TABLET, True, "tablet-1", mark["uuid"])
    assert row.recorded_by == "user:j1" and row.judge_id == world.users["j1"].id
    assert db.session.scalar(select(func.count(TabletWrite.id))) == 1
    created, = audit_entries("mark.create")  # a first mark is an audit entry; its replay is not
    assert (created.actor, created.entity_id) == ("user:j1", str(row.id))
    assert (created.after["value"], created.after["contestant_no"], created.after["device"]) == \
        ("10.00", "W-01", "tablet-1")


def test_a_stale_base_version_is_a_conflict_with_both_values(world, client):
    as_judge(client)
    send(client, item(value="10"))
    change = item(value="0", base=1)
    assert send(client, change)[0]["version"] == 2
    stale = item(value="10", base=1)
    answer, = send(client, stale)
    assert answer["outcome"] == "conflict"
    assert answer["yours"] == {"value": "10", "base_version": 1}
    assert answer["theirs"]["value"] == "0.00" and answer["theirs"]["version"] == 2
    assert answer["theirs"]["by"] == "user:j1" and answer["theirs"]["source"] == "tablet"
    assert stored_marks()[0].value == Decimal("0.00")
    # The conflict stored nothing, so its UUID is not spent: resent on the current version, it lands.
    assert send(client, {**stale, "base_version": 2})[0]["outcome"] == "stored"


def test_a_stale_write_equal_to_the_stored_value_is_stored(world, client):
    as_judge(client)
    send(client, item(value="10"))
    answer, = send(client, item(value="10", base=0))
    assert (answer["outcome"], answer["version"]) == ("stored", 1)


def test_a_new_mark_where_one_exists_already_is_a_conflict(world, client):
    as_judge(client, "j1")
    send(client, item(value="10"))
    other = client.application.test_client()
    as_judge(other, "j3")
    answer, = send(other, item(value="0", base=0))
    assert answer["outcome"] == "conflict" and answer["theirs"]["by"] == "user:j1"


def test_a_re_edit_before_the_answer_supersedes_the_judges_own_write(world, client):
    """The first write landed but its answer was lost; the judge changed the mark again."""
    as_judge(client)
    first = item(value="10")
    send(client, first)  # the tablet never saw this answer
    again = item(value="0", base=0, supersedes=[first["uuid"]])
    answer, = send(client, again)
    assert (answer["outcome"], answer["value"], answer["version"]) == ("stored", "0.00", 2)
    # A paper overwrite in between is someone else's: the same re-edit is then a conflict.
    row = stored_marks()[0]
    row.value, row.client_uuid = Decimal("10.00"), None
    db.session.commit()
    assert send(client, item(value="0", base=2, supersedes=[again["uuid"]]))[0]["outcome"] == "conflict"


def test_a_change_is_audited_with_before_and_after(world, client):
    as_judge(client)
    send(client, item(aspect="A1.1", value="2"))
    send(client, item(aspect="A1.1", value="3", base=1, offline=True), device="tablet-7")
    entry, = audit_entries("mark.change")
    assert (entry.actor, entry.before["value"], entry.after["value"]) == ("user:j1", "2.00", "3.00")
    assert entry.after["device"] == "tablet-7" and entry.after["offline"] is True and entry.after["version"] == 2


@pytest.mark.parametrize(("mark", "reason"), [
    (item(aspect="Z9.9"), "no aspect Z9.9"),
    (item(competitor="W-99"), "W-99 is not a competitor to mark"),
    (item(competitor="W-04"), "W-04 is not a competitor to mark"),  # absent
    (item(aspect="A1.1", value="4"), "a score is 0, 1, 2 or 3"),
    (item(value="5"), "B1.1"),  # full_or_zero: 0 or 10 only
    (item(value="ten"), "is not a number"),
    ({**item(), "uuid": "not-a-uuid"}, "is not a UUID"),
    ({**item(), "base_version": -1}, "base_version"),
    ({**item(), "skill": "NOPE"}, "you do not mark NOPE"),
    ({"uuid": str(uuid.uuid4())}, "missing or empty"),
])
def test_refusals_name_the_reason(world, client, mark, reason):
    as_judge(client)
    answer, = send(client, mark)
    assert answer["outcome"] == "refused" and reason in answer["reason"], answer
    assert stored_marks() == []


def test_conflict_of_interest_is_refused_whatever_the_client_sends(world, client):
    as_judge(client, "nc2")  # NC-E2, like W-03
    answer, = send(client, item(competitor="W-03"))
    assert answer["outcome"] == "refused" and "conflict of interest" in answer["reason"]
    assert "NC-E2" not in answer["reason"]
    desk = client.get(DESK).get_json()
    assert all("W-03" not in c["competitors"] for c in desk["criteria"])


def test_a_judge_outside_the_marking_team_is_refused(world, client):
    world.set_team("B", "j2", "j3", "chief")
    as_judge(client, "j1")
    answer, = send(client, item())
    assert answer["outcome"] == "refused" and "marking team of criterion B" in answer["reason"]


def test_a_locked_criterion_refuses_marks(world, client):
    as_judge(client)
    for bib in ("W-01", "W-02", "W-03"):
        send(client, *(item(aspect=a, competitor=bib, value=v) for a, v in
                       (("B1.1", "10"), ("B1.2", "20"), ("B1.3", "15"))))
    sheet = Marksheet(world.weld)
    state = next(s for s in criterion_states(sheet) if s.criterion.code == "B")
    lock(state.criterion, state, confirm_reduced=False, sign_for_markers=True)
    db.session.commit()
    answer, = send(client, item(value="0", base=1))
    assert answer["outcome"] == "refused" and "criterion B is locked" in answer["reason"]


@pytest.mark.parametrize("name", ["sup", "outsider"])
def test_supervisors_and_outsiders_get_no_desk_and_no_marks(world, client, name):
    as_judge(client, name)
    assert client.get(DESK).status_code == 404
    answer, = send(client, item())
    assert answer["outcome"] == "refused"
    assert stored_marks() == []


def test_an_organizer_and_anonymous_are_kept_out(world, client):
    assert client.post(BATCH, json={"marks": []}).status_code == 401
    login_en(client, "org")
    assert client.post(BATCH, json={"marks": []}).status_code == 403
    assert client.get(DESK).status_code == 403


def test_a_uuid_of_another_account_is_refused(world, client):
    as_judge(client, "j1")
    mark = item()
    send(client, mark)
    other = client.application.test_client()
    as_judge(other, "j3")
    answer, = send(other, {**mark, "value": "0"})
    assert answer["outcome"] == "refused" and "another account" in answer["reason"]


@pytest.mark.parametrize(("body", "status"), [
    (None, 400), ({"marks": "x"}, 400), ([1, 2], 400), ({"marks": [{}] * 1001}, 413)])
def test_a_malformed_batch_is_refused_whole(world, client, body, status):
    as_judge(client)
    response = client.post(BATCH, json=body) if body is not None else client.post(BATCH, data="{not json")
    assert response.status_code == status and "error" in response.get_json()


def test_the_desk_lists_criteria_aspects_competitors_and_own_marks(world, client):
    as_judge(client)
    send(client, item(aspect="A1.1", value="2"))
    desk = client.get(DESK).get_json()
    assert [c["code"] for c in desk["criteria"]] == ["A", "B"]
    a, b = desk["criteria"]
    assert a["competitors"] == ["W-01", "W-02", "W-03"] and a["max"] == "50.00"
    judgement, = a["aspects"]
    assert judgement["kind"] == "J" and len(judgement["descriptors"]) == 4
    assert [x["allowed"] for x in b["aspects"]] == [["0.00", "10.00"], ["0.00", "10.00", "20.00"],
                                                     ["0.00", "5.00", "10.00", "15.00", "20.00"]]
    assert desk["marks"] == {"A1.1|W-01": {"value": "2.00", "version": 1, "flagged": False}}


def test_the_batch_request_models_describe_themselves_for_the_api():
    from app.marking.sync import MarkBatch
    schema = MarkBatch.model_json_schema()
    assert schema["properties"]["marks"]["maxItems"] == 1000
    item = schema["properties"]["marks"]["items"]
    assert item["title"] == "SyncItem"
    assert item["required"] == ["uuid", "event", "skill", "aspect", "competitor", "value"]
    assert all(field.get("description") for field in item["properties"].values())
