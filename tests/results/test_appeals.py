"""Appeals (申诉): the window of a provisional publication, filing by the contestant's unit, the
arbiter's decision (an upheld appeal reopens one criterion for one contestant), and final
publication waiting for all of it; then the appeals page, every forbidden path tried."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from app import clock
from app.errors import DomainError, InputRefused
from app.extensions import db
from app.marking.locking import open_reopenings
from app.marking.paper import import_marks
from app.results.amendment import decide_appeal, file_appeal
from app.results.models import Appeal, AppealStatus, Publication
from app.results.publication import publish
from app.results.standings import results_of
from tests.conftest import FROZEN_NOW
from tests.marking.builders import JUDGES, audit_entries, rows
from tests.results.appeal_world import AFTER_WINDOW, appeal_world, as_user, publish_weld, remark, standing
from tests.results.builders import TOTALS

PAGE = "/events/EV1/skills/WELD/appeals"


@pytest.fixture()
def world(ctx, make):
    return appeal_world(make)


def filed(world, bib: str = "W-01", criterion: str = "A") -> Appeal:
    appeal = file_appeal(world.weld, bib, criterion, "judge j1 could not see the bead")
    db.session.commit()
    return appeal


# --------------------------------------------------------------------------- the services


def test_provisional_publication_opens_a_window_of_appeals_hours(world):
    publish_weld(world)
    results = results_of(world.weld)
    assert results.publication == Publication.PROVISIONAL
    assert results.appeals_close_at == FROZEN_NOW + timedelta(hours=2)


def test_an_appeal_is_filed_pending_and_audited(world):
    publish_weld(world)
    appeal = filed(world)
    assert (appeal.status, appeal.criterion, appeal.competitor.contestant_no) == (AppealStatus.PENDING, "A", "W-01")
    entry = audit_entries("appeal.file")[-1]
    assert entry.after == {"skill": "WELD", "contestant_no": "W-01", "criterion": "A"}


@pytest.mark.parametrize("when, refusal", [
    ("private", "appeals are filed against provisional results only"),
    ("closed", "the appeals window of WELD is closed"),
    ("no window", "the appeals window of WELD is closed"),
])
def test_an_appeal_outside_the_window_is_refused(world, when, refusal):
    if when == "no window":
        world.event.appeals_hours = None
    if when != "private":
        publish_weld(world)
    with clock.frozen(AFTER_WINDOW if when == "closed" else FROZEN_NOW), pytest.raises(DomainError, match=refusal):
        file_appeal(world.weld, "W-01", "A", "late")


def test_an_appeal_names_a_contestant_criterion_and_reason(world):
    publish_weld(world)
    for bib, criterion, reason, refusal in (("W-09", "A", "x", "no approved contestant W-09"),
                                            ("W-01", "Z", "x", "no criterion Z"),
                                            ("W-01", "A", "  ", "an appeal needs a reason"),
                                            ("W-04", "A", "x", "W-04 did not compete")):
        with pytest.raises(DomainError, match=refusal):
            file_appeal(world.weld, bib, criterion, reason)


def test_upheld_appeal_reopens_the_criterion_for_that_contestant_only(world):
    publish_weld(world)
    appeal = filed(world)
    decide_appeal(appeal, upheld=True, decision="the photos show a sound bead")
    db.session.commit()
    assert appeal.status == AppealStatus.UPHELD and appeal.decision == "the photos show a sound bead"
    [reopening] = open_reopenings(world.weld.id)
    assert (reopening.criterion.code, reopening.competitor.contestant_no) == ("A", "W-01")
    assert "criterion A reopened for W-01" in results_of(world.weld).reasons
    with pytest.raises(InputRefused, match="criterion A is locked"):
        import_marks(world.weld, rows(*[("W-02", "A1.1", judge, "3") for judge in JUDGES]))
    db.session.rollback()
    remark(world, "W-01", "2")
    assert open_reopenings(world.weld.id) == []
    assert standing(world, "W-01").raw_total == Decimal("78.66") != TOTALS["W-01"]
    assert standing(world, "W-02").rank == 1 and standing(world, "W-01").rank == 2
    assert results_of(world.weld).complete


def test_dismissed_appeal_changes_nothing_and_is_decided_once(world):
    publish_weld(world)
    appeal = filed(world)
    version = results_of(world.weld).version
    with pytest.raises(DomainError, match="a decision needs its reasons"):
        decide_appeal(appeal, upheld=False, decision=" ")
    decide_appeal(appeal, upheld=False, decision="the marks stand")
    db.session.commit()
    assert appeal.status == AppealStatus.DISMISSED and open_reopenings(world.weld.id) == []
    assert results_of(world.weld).version == version
    assert audit_entries("appeal.decide")[-1].after["status"] == "dismissed"
    with pytest.raises(DomainError, match="this appeal was decided already"):
        decide_appeal(appeal, upheld=True, decision="changed my mind")


def test_final_publication_waits_for_the_window_the_decisions_and_the_re_marking(world):
    publish_weld(world)
    appeal = filed(world)
    with pytest.raises(DomainError, match="the appeals window is open until 2026-09-01 12:00"):
        publish(world.event, skill=world.weld, final=True)
    with clock.frozen(AFTER_WINDOW):
        with pytest.raises(DomainError, match=r"WELD: 1 appeal\(s\) not decided yet"):
            publish(world.event, skill=world.weld, final=True)
        decide_appeal(appeal, upheld=True, decision="re-mark A")
        db.session.commit()
        with pytest.raises(DomainError, match="criterion A reopened for W-01"):
            publish(world.event, skill=world.weld, final=True)
        remark(world, "W-01", "2")
        publish_weld(world, final=True)
    assert results_of(world.weld).final
    with pytest.raises(DomainError, match="appeals are filed against provisional results only"):
        file_appeal(world.weld, "W-01", "A", "too late")


def test_appeals_are_decided_while_provisional_only(world):
    publish_weld(world)
    appeal = filed(world)
    results_of(world.weld).publication = Publication.FINAL  # as if published around the check
    with pytest.raises(DomainError, match="appeals are decided while the results are provisional"):
        decide_appeal(appeal, upheld=True, decision="x")
    db.session.rollback()
    assert db.session.get(Appeal, appeal.id).status == AppealStatus.PENDING


# --------------------------------------------------------------------------- the appeals page


def file_on_page(client, bib: str = "W-01", criterion: str = "A", reason: str = "the bead was sound"):
    return client.post(PAGE, data={"bib": bib, "criterion": criterion, "reason": reason}, follow_redirects=True)


def decide_on_page(client, appeal_id: int, outcome: str = "upheld", decision: str = "re-mark A"):
    return client.post(f"{PAGE}/{appeal_id}/decide", data={"outcome": outcome, "decision": decision},
                       follow_redirects=True)


def test_unit_admin_files_an_appeal_for_their_own_contestants_only(client, world):
    publish_weld(world)
    as_user(client, "ua-nc1")
    page = client.get(PAGE)
    assert page.status_code == 200 and "Appeals open" in page.text and "2026-09-01 12:00" in page.text
    assert '<option value="W-01">' in page.text
    assert all(f'<option value="{bib}">' not in page.text for bib in ("W-02", "W-03", "W-04"))
    response = file_on_page(client)
    assert "Appeal for W-01 against criterion A filed." in response.text and "the bead was sound" in response.text
    [appeal] = db.session.scalars(select(Appeal)).all()
    assert (appeal.filed_by, appeal.competitor.contestant_no, appeal.criterion) == ("user:ua-nc1", "W-01", "A")


def test_a_city_admin_appeals_for_every_unit_below(client, world):
    publish_weld(world)
    as_user(client, "ua-nc")
    page = client.get(PAGE).text
    assert '<option value="W-01">' in page and '<option value="W-03">' in page and '<option value="W-02">' not in page
    assert "Appeal for W-03 against criterion B filed." in file_on_page(client, "W-03", "B").text


def test_another_units_admin_cannot_appeal_or_see_it(client, world):
    publish_weld(world)
    filed(world)
    as_user(client, "ua-jj1")
    page = client.get(PAGE).text
    assert "judge j1 could not see the bead" not in page and "No appeals." in page
    assert file_on_page(client, "W-01").status_code == 403
    as_user(client, "ua-jj2")  # no contestant in WELD
    assert client.get(PAGE).status_code == 404 and file_on_page(client, "W-02").status_code == 404
    assert len(db.session.scalars(select(Appeal)).all()) == 1


def test_page_refuses_a_closed_window_and_an_empty_reason(client, world):
    publish_weld(world)
    as_user(client, "ua-nc1")
    empty = file_on_page(client, reason="")
    assert "This field is required." in empty.text
    with clock.frozen(AFTER_WINDOW):
        assert "Appeals closed" in client.get(PAGE).text and "File the appeal" not in client.get(PAGE).text
        refused = file_on_page(client)
    assert "the appeals window of WELD is closed" in refused.text
    assert db.session.scalars(select(Appeal)).all() == []


def test_who_sees_the_page(client, world):
    publish_weld(world)
    filed(world)
    for name in ("org", "arb", "chief", "ua-nc1"):
        as_user(client, name)
        page = client.get(PAGE)
        assert page.status_code == 200 and "judge j1 could not see the bead" in page.text, name
        assert ("Amend a final result" in page.text) == (name in ("org", "arb")), name
    for name in ("arb-nc", "j1", "outsider"):
        as_user(client, name)
        assert client.get(PAGE).status_code == 404, name
    assert client.get("/events/EV1/skills/NOPE/appeals").status_code == 404


def test_only_the_arbiter_decides(client, world):
    publish_weld(world)
    appeal = filed(world)
    for name, status in (("org", 403), ("chief", 403), ("ua-nc1", 403), ("arb-nc", 404)):
        as_user(client, name)
        assert decide_on_page(client, appeal.id).status_code == status, name
    as_user(client, "arb")
    assert "Decide appeal" in client.get(PAGE).text
    assert client.post(f"{PAGE}/999/decide", data={"outcome": "upheld", "decision": "x"}).status_code == 404
    missing = decide_on_page(client, appeal.id, decision="")
    assert "This field is required." in missing.text
    upheld = decide_on_page(client, appeal.id)
    assert "Appeal 1 upheld: criterion A is reopened for W-01." in upheld.text and "Upheld" in upheld.text
    assert "Decide appeal" not in upheld.text
    assert [r.competitor.contestant_no for r in open_reopenings(world.weld.id)] == ["W-01"]
    db.session.expire_all()
    assert db.session.get(Appeal, appeal.id).decided_by == "user:arb"
    assert "this appeal was decided already" in decide_on_page(client, appeal.id, "dismissed").text


def test_arbiter_dismisses(client, world):
    publish_weld(world)
    appeal = filed(world)
    as_user(client, "arb")
    response = decide_on_page(client, appeal.id, "dismissed", "the photos show the same")
    assert "Appeal 1 dismissed." in response.text and "the photos show the same" in response.text
    assert open_reopenings(world.weld.id) == []


# --------------------------------------------------------------------------- the marking page


MARKING = "/events/EV1/skills/WELD/marking"


def test_marking_page_lists_the_reopening_and_the_chief_locks_it_again(client, world):
    publish_weld(world)
    decide_appeal(filed(world), upheld=True, decision="re-mark A")
    db.session.commit()
    [reopening] = open_reopenings(world.weld.id)
    close = f"{MARKING}/reopenings/{reopening.id}/close"
    as_user(client, "sup")
    page = client.get(MARKING).text
    assert "Reopened for one contestant" in page and "appeal 1 upheld: re-mark A" in page
    assert client.post(close).status_code == 403
    as_user(client, "chief")
    assert "Lock A again for W-01" in client.get(MARKING).text  # the old marks are complete
    import_marks(world.weld, rows(("W-01", "A1.1", "j1", "1")))  # 1,3,3: a spread breach, flagged
    db.session.commit()
    assert "Waiting for complete, unflagged marks." in client.get(MARKING).text
    refused = client.post(close, follow_redirects=True)
    assert "criterion A cannot be locked" in refused.text and open_reopenings(world.weld.id)
    import_marks(world.weld, rows(*[("W-01", "A1.1", judge, "2") for judge in JUDGES]))
    db.session.commit()
    closed = client.post(close, follow_redirects=True)
    assert "Criterion A is locked again for W-01." in closed.text and "Reopened for one contestant" not in closed.text
    assert open_reopenings(world.weld.id) == []
    assert standing(world, "W-01").raw_total == Decimal("78.66")
    assert client.post(close).status_code == 404  # closed already
