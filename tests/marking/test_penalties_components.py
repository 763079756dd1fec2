"""Penalties (add, withdraw, audit, ``penalty_changed``) and ``flask import component``."""
from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from app.errors import DomainError
from app.extensions import db
from app.marking.models import ComponentScore, Penalty
from app.marking.penalties import active_penalties, add_penalty, withdraw_penalty
from app.signals import components_changed, penalty_changed
from tests.marking.builders import World, audit_entries, run, write

D = Decimal
SCORE_ERROR = "must be a number from 0 to 100 with at most 2 decimals"


@pytest.fixture()
def world(ctx, make):
    return World(make, scheme=False)


# --------------------------------------------------------------------------- penalties


@pytest.mark.parametrize(("points", "reason", "message"), [
    ("0", "late", "a penalty is more than 0 and at most 100 points, with at most 2 decimals"),
    ("-1", "late", "a penalty is more than 0 and at most 100 points, with at most 2 decimals"),
    ("100.01", "late", "a penalty is more than 0 and at most 100 points, with at most 2 decimals"),
    ("1.005", "late", "a penalty is more than 0 and at most 100 points, with at most 2 decimals"),
    ("2", "  ", "a penalty needs a reason"),
])
def test_a_penalty_is_refused(world, points, reason, message):
    with pytest.raises(DomainError) as refused:
        add_penalty(world.weld, world.competitor("W-01"), D(points), reason)
    assert str(refused.value) == message and db.session.scalars(select(Penalty)).all() == []


def test_add_and_withdraw_a_penalty(world):
    received = []
    with penalty_changed.connected_to(lambda sender, **kw: received.append((sender, kw))):
        penalty = add_penalty(world.weld, world.competitor("W-01"), D("2.50"), " 未戴护目镜 ")
        add_penalty(world.care, world.competitor("C-02", world.care), D("100"), "unsafe")
        with pytest.raises(DomainError, match="^withdrawing a penalty needs a reason$"):
            withdraw_penalty(penalty, "")
        withdraw_penalty(penalty, "the video shows goggles on")
    lead, team = world.competitor("W-01").id, world.competitor("C-01", world.care).id
    assert received == [(world.event.id, {"skill_id": world.weld.id, "competitor_id": lead}),
                        (world.event.id, {"skill_id": world.care.id, "competitor_id": team}),
                        (world.event.id, {"skill_id": world.weld.id, "competitor_id": lead})]
    assert (penalty.reason, penalty.recorded_by, penalty.withdrawn_reason) == (
        "未戴护目镜", "system", "the video shows goggles on")
    assert active_penalties(world.weld) == [] and [p.points for p in active_penalties(world.care)] == [D("100.00")]
    [added, _] = audit_entries("penalty.add")
    assert added.after == {"skill": "WELD", "contestant_no": "W-01", "points": "2.50", "reason": "未戴护目镜"}
    [withdrawn] = audit_entries("penalty.withdraw")
    assert withdrawn.note == "the video shows goggles on" and withdrawn.after == {"withdrawn": True}
    with pytest.raises(DomainError, match="^this penalty was already withdrawn$"):
        withdraw_penalty(penalty, "twice")


# --------------------------------------------------------------------------- import component


def import_component(tmp_path, component: str, text: str, skill: str = "WELD"):
    path = write(tmp_path, [line.split(",") for line in text.split()], "theory.csv", "contestant_no,score")
    return run("import", "component", "EV1", skill, component, path)


def scores(component: str = "theory") -> dict[str, Decimal]:
    return {s.competitor_id: s.score for s in db.session.scalars(select(ComponentScore)
                                                                 .where(ComponentScore.component == component))}


@pytest.mark.parametrize("component", ["essay", "practical"])
def test_only_an_imported_component_of_the_skill_is_accepted(world, tmp_path, component):
    result = import_component(tmp_path, component, "W-01,80")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"component: WELD has no imported component {component} (its components: theory)",
        "refused: 1 problem(s), nothing saved"]


def test_scores_are_stored_with_two_decimals(world, tmp_path):
    received = []
    with components_changed.connected_to(lambda sender, **kw: received.append((sender, kw))):
        result = import_component(tmp_path, "theory", "W-01,85.5 W-02,100 W-03,0 W-04,72.25")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "imported theory scores of 4 contestants into EV1/WELD (4 changed)\n"
    ids = {bib: world.competitor(bib).id for bib in ("W-01", "W-02", "W-03", "W-04")}
    assert scores() == {ids["W-01"]: D("85.50"), ids["W-02"]: D("100.00"), ids["W-03"]: D("0.00"),
                        ids["W-04"]: D("72.25")}
    assert [str(s) for s in scores().values()] == ["85.50", "100.00", "0.00", "72.25"]
    assert received == [(world.event.id, {"skill_id": world.weld.id, "component": "theory",
                                          "competitor_ids": list(ids.values())})]


def test_bad_rows_are_located_and_nothing_is_saved(world, tmp_path):
    received = []
    with components_changed.connected_to(lambda sender, **kw: received.append(kw)):
        result = import_component(tmp_path, "theory", "W-01,80 W-02,100.01 W-03,1.005 W-99,50 W-01,70 W-04,abc")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"row 3, score: {SCORE_ERROR}", f"row 4, score: {SCORE_ERROR}",
        "row 5, contestant_no: no approved contestant W-99 in WELD",
        "row 6, contestant_no: repeats row 2: one score per contestant (or team)",
        f"row 7, score: {SCORE_ERROR}", "refused: 5 problem(s), nothing saved"]
    assert scores() == {} and received == []


def test_a_team_has_one_score_whichever_bib_names_it(world, tmp_path):
    result = import_component(tmp_path, "theory", "C-02,60 C-03,70", skill="CARE")
    assert result.exit_code == 0, result.stderr
    lead1, lead2 = (world.competitor(bib, world.care).id for bib in ("C-01", "C-03"))
    assert scores() == {lead1: D("60.00"), lead2: D("70.00")}
    twice = import_component(tmp_path, "theory", "C-01,60 C-02,65", skill="CARE")
    assert twice.exit_code == 1 and "row 3, contestant_no: repeats row 2" in twice.stderr


def test_a_changed_score_is_audited_and_signalled(world, tmp_path):
    assert import_component(tmp_path, "theory", "W-01,80 W-02,90").exit_code == 0
    received = []
    with components_changed.connected_to(lambda sender, **kw: received.append(kw)):
        result = import_component(tmp_path, "theory", "W-01,80 W-02,91.5")
    assert result.stdout == "imported theory scores of 2 contestants into EV1/WELD (1 changed)\n"
    assert received == [{"skill_id": world.weld.id, "component": "theory",
                         "competitor_ids": [world.competitor("W-02").id]}]
    entry = audit_entries("component.score")[-1]
    assert len(audit_entries("component.score")) == 3 and entry.actor.startswith("cli:")
    assert entry.before == {"score": "90.00"}
    assert entry.after == {"skill": "WELD", "component": "theory", "contestant_no": "W-02", "score": "91.50"}
