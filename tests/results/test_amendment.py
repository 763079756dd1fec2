"""Amending a final result (results.md): refused before final; disqualify and reopen after it, each
audited, rebuilt and announced with ``result_amended``; every other change to final results refused;
the ``results amend`` command; then the amendment page, every forbidden path tried."""
from __future__ import annotations

import json
from decimal import Decimal

import pytest

from app import clock
from app.errors import DomainError
from app.events.models import Attendance
from app.extensions import db
from app.marking.locking import lock_all_complete, open_reopenings, unlock
from app.marking.marksheet import Marksheet
from app.marking.paper import import_marks
from app.marking.penalties import add_penalty
from app.results.amendment import amend
from app.results.standings import results_of
from app.signals import result_amended
from tests.marking.builders import JUDGES, audit_entries, rows, run, write
from tests.results.appeal_world import (
    AFTER_WINDOW,
    appeal_world,
    as_user,
    publish_final,
    publish_weld,
    remark,
    standing,
)
from tests.results.builders import TOTALS

AMEND = "/events/EV1/skills/WELD/amend"


@pytest.fixture()
def world(ctx, make):
    return appeal_world(make)


@pytest.fixture()
def announced():
    """Every ``result_amended`` sent during the test, as (skill id, competitor ids)."""
    found: list[tuple[int, list[int]]] = []

    def receive(event_id, skill_id, competitor_ids, **_):
        found.append((skill_id, competitor_ids))

    result_amended.connect(receive)
    yield found
    result_amended.disconnect(receive)


def ranks(world) -> dict[str, int | None]:
    return {bib: standing(world, bib).rank for bib in ("W-01", "W-02", "W-03")}


# --------------------------------------------------------------------------- the service


@pytest.mark.parametrize("provisional", [False, True])
def test_an_amendment_needs_final_results(world, provisional):
    if provisional:
        publish_weld(world)
    with pytest.raises(DomainError, match="the results of WELD are not final"):
        amend(world.weld, "W-01", "late proof", disqualify=True)


def test_an_amendment_does_one_thing_with_a_reason(world):
    publish_final(world)
    with pytest.raises(DomainError, match="either disqualifies or reopens"):
        amend(world.weld, "W-01", "x", disqualify=True, reopen_criterion="A")
    with pytest.raises(DomainError, match="either disqualifies or reopens"):
        amend(world.weld, "W-01", "x")
    with pytest.raises(DomainError, match="an amendment needs a reason"):
        amend(world.weld, "W-01", " ", disqualify=True)
    with pytest.raises(DomainError, match="no approved contestant W-09"):
        amend(world.weld, "W-09", "x", disqualify=True)


def test_disqualify_after_final_re_ranks_audits_and_announces(world, announced):
    publish_final(world)
    amend(world.weld, "W-01", "a banned tool found on video", disqualify=True)
    db.session.commit()
    row = standing(world, "W-01")
    assert (row.status, row.rank, row.raw_total, row.award) == (Attendance.DISQUALIFIED, None, None, None)
    assert ranks(world) == {"W-01": None, "W-02": 1, "W-03": 2}
    assert results_of(world.weld).final
    [asked] = audit_entries("results.amend")
    assert asked.after == {"contestant_no": "W-01", "action": "disqualify"}
    assert asked.note == "a banned tool found on video"
    [done] = audit_entries("results.amended")
    assert set(done.before) == set(done.after) == {"W-01", "W-02", "W-03"}
    assert (done.before["W-01"]["rank"], done.after["W-01"]["status"]) == (1, "disqualified")
    competitor_ids = sorted(world.competitor(bib).id for bib in ("W-01", "W-02", "W-03"))
    assert announced == [(world.weld.id, competitor_ids)]
    with pytest.raises(DomainError, match="W-01 is disqualified already"):
        amend(world.weld, "W-01", "again", disqualify=True)


def test_reopen_after_final_then_re_marked_changes_the_result(world, announced):
    publish_final(world)
    amend(world.weld, "W-01", "the arbiters found a marking error", reopen_criterion="A")
    db.session.commit()
    assert [r.competitor.contestant_no for r in open_reopenings(world.weld.id)] == ["W-01"]
    assert announced == []  # nothing changed yet: the marks are as they were
    remark(world, "W-01", "2")
    assert open_reopenings(world.weld.id) == []
    assert standing(world, "W-01").raw_total == Decimal("78.66") != TOTALS["W-01"]
    assert ranks(world) == {"W-01": 2, "W-02": 1, "W-03": 3}
    assert audit_entries("results.amend")[-1].after == {"contestant_no": "W-01", "action": "reopen A"}
    [done] = audit_entries("results.amended")
    assert done.before["W-01"]["raw_total"] == "92.00" and done.after["W-01"]["raw_total"] == "78.66"
    # W-03 keeps rank 3, but every shown scale moves with the median of the raw totals.
    assert done.before["W-03"]["rank"] == done.after["W-03"]["rank"] == 3
    assert done.before["W-03"]["scale"] != done.after["W-03"]["scale"]
    competitor_ids = sorted(world.competitor(bib).id for bib in ("W-01", "W-02", "W-03"))
    assert announced == [(world.weld.id, competitor_ids)]
    assert results_of(world.weld).final and results_of(world.weld).complete


def test_reopen_refuses_an_unknown_or_already_reopened_criterion(world):
    publish_final(world)
    with pytest.raises(DomainError, match="no criterion Z"):
        amend(world.weld, "W-01", "x", reopen_criterion="Z")
    amend(world.weld, "W-01", "x", reopen_criterion="A")
    with pytest.raises(DomainError, match="criterion A is already reopened for W-01"):
        amend(world.weld, "W-01", "x", reopen_criterion="A")


def test_reopen_refuses_a_contestant_who_did_not_compete(world):
    """Their marks are refused, so such a reopening could never be locked again (a bug, fixed)."""
    publish_final(world)
    with pytest.raises(DomainError, match="W-04 did not compete: there are no marks to reopen"):
        amend(world.weld, "W-04", "x", reopen_criterion="A")


def test_disqualified_while_reopened_the_reopening_still_closes(world):
    publish_final(world)
    amend(world.weld, "W-01", "marking error", reopen_criterion="A")
    amend(world.weld, "W-01", "then a banned tool was found", disqualify=True)
    db.session.commit()
    assert "criterion A reopened for W-01" in results_of(world.weld).reasons
    assert lock_all_complete(Marksheet(world.weld)) == []  # nothing of W-01's counts: it closes as it is
    db.session.commit()
    assert open_reopenings(world.weld.id) == [] and results_of(world.weld).complete
    assert ranks(world) == {"W-01": None, "W-02": 1, "W-03": 2}


def test_unlock_and_penalty_after_final_are_refused_and_change_nothing(world, announced):
    publish_final(world)
    version = results_of(world.weld).version
    with pytest.raises(DomainError, match="the results of WELD are final"):
        unlock(world.criterion("A"), "re-mark")
    db.session.rollback()
    with pytest.raises(DomainError, match="the results of WELD are final"):
        add_penalty(world.weld, world.competitor("W-02"), Decimal(5), "late")
    db.session.rollback()
    assert world.criterion("A").locked
    assert standing(world, "W-02").penalties == [] and standing(world, "W-02").raw_total == TOTALS["W-02"]
    assert results_of(world.weld).version == version and announced == []
    assert audit_entries("criterion.unlock") == [] and audit_entries("penalty.add") == []


# --------------------------------------------------------------------------- the command line


def test_cli_amend_before_final_fails_then_disqualifies_and_the_export_shows_it(world):
    refused = run("results", "amend", "EV1", "WELD", "W-01", "--reason", "video", "--disqualify")
    assert refused.exit_code == 1 and "are not final" in refused.output
    assert run("results", "publish", "EV1", "--skill", "WELD").exit_code == 0
    with clock.frozen(AFTER_WINDOW):
        published = run("results", "publish", "EV1", "--final")
    assert published.exit_code == 0, published.output
    assert "published EV1/WELD final" in published.output
    done = run("results", "amend", "EV1", "WELD", "W-01", "--reason", "video", "--disqualify")
    assert done.exit_code == 0, done.output
    assert "amended EV1/WELD: W-01 disqualified" in done.output
    assert audit_entries("results.amend")[-1].actor.startswith("cli:")
    exported = run("results", "export", "EV1")
    assert exported.exit_code == 0, exported.output
    weld = next(s for s in json.loads(exported.stdout)["skills"] if s["skill"] == "WELD")
    by_bib = {r["contestant_no"]: r for r in weld["results"]}
    assert (by_bib["W-01"]["status"], by_bib["W-01"]["rank"]) == ("disqualified", None)
    assert (by_bib["W-02"]["rank"], by_bib["W-03"]["rank"]) == (1, 2)


@pytest.mark.parametrize("flags", [[], ["--disqualify", "--reopen", "A"]])
def test_cli_amend_needs_exactly_one_action(world, flags):
    result = run("results", "amend", "EV1", "WELD", "W-01", "--reason", "x", *flags)
    assert result.exit_code == 2 and "exactly one of --disqualify and --reopen" in result.output


def test_cli_amend_reopen_then_import_with_lock(world, tmp_path):
    publish_final(world)
    result = run("results", "amend", "EV1", "WELD", "W-01", "--reason", "error", "--reopen", "A")
    assert result.exit_code == 0, result.output
    assert "criterion A reopened for W-01; import the new marks with --lock" in result.output
    path = write(tmp_path, [("W-01", "A1.1", judge, "2") for judge in JUDGES])
    imported = run("import", "marks", "EV1", "WELD", path, "--lock")
    assert imported.exit_code == 0, imported.output
    assert standing(world, "W-01").raw_total == Decimal("78.66")


# --------------------------------------------------------------------------- the amendment page


def amend_on_page(client, action: str = "disqualify", bib: str = "W-01", reason: str = "a banned tool on video"):
    return client.post(AMEND, data={"bib": bib, "action": action, "reason": reason}, follow_redirects=True)


def test_amendment_page_before_final_shows_the_refusal(client, world):
    publish_weld(world)
    as_user(client, "arb")
    page = client.get(AMEND)
    assert page.status_code == 200 and "Only final results are amended." in page.text
    assert "Amend the result" not in page.text
    refused = amend_on_page(client)
    assert "the results of WELD are not final" in refused.text
    assert standing(world, "W-01").status == Attendance.COMPETED and audit_entries("results.amend") == []


def test_arbiter_disqualifies_on_the_page(client, world, announced):
    publish_final(world)
    as_user(client, "arb")
    page = client.get(AMEND).text
    assert '<option value="disqualify">' in page and '<option value="reopen:A">' in page
    response = amend_on_page(client)
    assert "W-01 is disqualified; the standings were rebuilt." in response.text
    assert "a banned tool on video" in response.text  # the history
    assert ranks(world) == {"W-01": None, "W-02": 1, "W-03": 2}
    assert audit_entries("results.amend")[-1].actor == "user:arb" and len(announced) == 1
    again = amend_on_page(client)
    assert "W-01 is disqualified already" in again.text and len(audit_entries("results.amend")) == 1


def test_organizer_reopens_on_the_page_and_the_chief_locks_again(client, world, announced):
    publish_final(world)
    as_user(client, "org")
    response = amend_on_page(client, "reopen:A", reason="the arbiters found a marking error")
    assert "Criterion A is reopened for W-01: re-mark it" in response.text
    assert "Criterion A for W-01" in response.text  # listed as reopened
    assert announced == []
    import_marks(world.weld, rows(*[("W-01", "A1.1", judge, "2") for judge in JUDGES]))
    db.session.commit()
    [reopening] = open_reopenings(world.weld.id)
    as_user(client, "chief")
    closed = client.post(f"/events/EV1/skills/WELD/marking/reopenings/{reopening.id}/close", follow_redirects=True)
    assert "Criterion A is locked again for W-01." in closed.text
    assert standing(world, "W-01").raw_total == Decimal("78.66") and len(announced) == 1
    assert audit_entries("results.amended")[-1].after["W-01"]["rank"] == 2


def test_amendment_form_refuses_bad_input(client, world):
    publish_final(world)
    as_user(client, "arb")
    for data, problem in (({"bib": "W-01", "action": "reopen:Z", "reason": "x"}, "Not a valid choice"),
                          ({"bib": "W-09", "action": "disqualify", "reason": "x"}, "Not a valid choice"),
                          ({"bib": "W-01", "action": "disqualify", "reason": ""}, "This field is required.")):
        response = client.post(AMEND, data=data)
        assert response.status_code == 200 and problem in response.text, data
    assert audit_entries("results.amend") == []


def test_who_may_amend(client, world):
    publish_final(world)
    for name, status in (("chief", 403), ("ua-nc1", 403), ("arb-nc", 404)):
        as_user(client, name)
        assert client.get(AMEND).status_code == status, name
        assert amend_on_page(client).status_code == status, name
    assert standing(world, "W-01").status == Attendance.COMPETED
    as_user(client, "org")
    assert client.get("/events/EV1/skills/NOPE/amend").status_code == 404
