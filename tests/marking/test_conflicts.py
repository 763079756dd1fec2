"""Conflict of interest with and without ``delegation_kind``; marking teams, reserves standing in,
completeness over eligible judges only, and reduced sets confirmed by the chief expert."""
from __future__ import annotations

import pytest
from sqlalchemy import delete, select

from app.errors import DomainError, InputRefused
from app.events.models import PanelMember
from app.extensions import db
from app.marking.judges import MarkingRights
from app.marking.locking import criterion_states, lock, lock_all_complete, sign_off
from app.marking.marksheet import Marksheet
from app.marking.paper import import_marks
from app.units.models import UnitKind
from tests.marking.builders import World, audit_entries, judged, measured, rows

CONFLICT = "row 2, judge: {judge} ({unit}) may not mark contestant {bib} of the same unit or delegation"


def refusal(world: World, bib: str, judge: str, aspect: str = "A1.1", score: str = "2") -> list[str]:
    """The problems of a one-row file, or [] when it was stored."""
    try:
        import_marks(world.weld, rows((bib, aspect, judge, score)))
    except InputRefused as refused:
        return [str(p) for p in refused.problems]
    return []


def states(world: World) -> dict:
    return {s.criterion.code: s for s in criterion_states(Marksheet(world.weld))}


# --------------------------------------------------------------------------- units and delegations


def test_without_delegation_kind_only_the_judges_own_unit_conflicts(ctx, make):
    world = World(make)
    assert refusal(world, "W-01", "nc2") == []  # NC-E1, a sister unit under the same city
    assert refusal(world, "W-03", "nc2") == [CONFLICT.format(judge="nc2", unit="NC-E2", bib="W-03")]
    assert refusal(world, "W-03", "nc2", "B1.1", "10") == [CONFLICT.format(judge="nc2", unit="NC-E2", bib="W-03")]


def test_with_city_delegations_the_whole_city_conflicts(ctx, make):
    world = World(make, delegation_kind=UnitKind.CITY)
    assert refusal(world, "W-01", "nc2") == [CONFLICT.format(judge="nc2", unit="NC-E2", bib="W-01")]
    assert refusal(world, "W-02", "j1") == [CONFLICT.format(judge="j1", unit="JJ-E2", bib="W-02")]
    assert refusal(world, "W-02", "nc2") == []  # another city
    assert refusal(world, "W-01", "j1") == []
    assert refusal(world, "W-01", "j3") == []  # JX-HRSS has no city above it: its own delegation


def test_a_team_is_conflicted_through_its_lead_unit(ctx, make):
    world = World(make)
    world.users["nc2"].unit = world.units["NC-E1"]
    db.session.commit()
    with pytest.raises(InputRefused) as refused:
        import_marks(world.care, rows(("C-02", "A1.1", "nc2", "2")))
    assert [str(p) for p in refused.value.problems] == [CONFLICT.format(judge="nc2", unit="NC-E1", bib="C-01")]


# --------------------------------------------------------------------------- marking teams


@pytest.fixture()
def teamed(ctx, make):
    """Criterion A marked by j1, j2 and nc2 only; B stays open to the whole panel."""
    world = World(make)
    world.set_team("A", "j1", "j2", "nc2")
    return world


def test_a_panel_judge_outside_the_team_is_refused(teamed):
    assert refusal(teamed, "W-01", "j3") == ["row 2, judge: j3 is not on the marking team of criterion A"]
    assert refusal(teamed, "W-01", "chief") == ["row 2, judge: chief is not on the marking team of criterion A"]
    assert refusal(teamed, "W-01", "j3", "B1.1", "10") == []
    assert refusal(teamed, "W-01", "nc2") == []


def test_a_reserve_stands_in_only_where_a_team_member_is_conflicted(teamed):
    assert refusal(teamed, "W-03", "res") == []  # nc2 may not mark W-03 (NC-E2)
    assert refusal(teamed, "W-01", "res") == ["row 2, judge: res is not on the marking team of criterion A"]
    rights, criterion = MarkingRights(teamed.weld), teamed.criterion("A")
    ids = {user.id: name for name, user in teamed.users.items()}
    assert {ids[i] for i in rights.eligible(criterion, teamed.competitor("W-03"))} == {"j1", "j2", "res"}
    assert {ids[i] for i in rights.eligible(criterion, teamed.competitor("W-01"))} == {"j1", "j2", "nc2"}


def test_completeness_counts_only_eligible_judges(ctx, make):
    world = World(make)
    import_marks(world.weld, rows(*judged(), *measured()))  # j1, j2, j3 before any team was set
    assert states(world)["A"].complete
    world.set_team("A", "j1", "j2", "nc2")
    state = states(world)["A"]
    assert state.missing == ["A1.1 W-01: 2 of 3 scores", "A1.1 W-02: 2 of 3 scores", "A1.1 W-03: 2 of 3 scores"]
    assert state.reduced == [] and not state.lockable(confirm_reduced=True)


def test_a_reduced_set_needs_the_chief_experts_confirmation(teamed):
    db.session.execute(delete(PanelMember).where(PanelMember.user_id == teamed.users["res"].id))
    db.session.commit()
    team = ("j1", "j2", "nc2")
    import_marks(teamed.weld, rows(*judged(bibs=("W-01", "W-02"), judges=team),
                                   *judged(bibs=("W-03",), judges=("j1", "j2")), *measured()))
    [left] = lock_all_complete(Marksheet(teamed.weld))
    assert left.criterion.code == "A" and left.reduced == ["A1.1 W-03"] and left.complete
    assert teamed.criterion("A").locked_at is None and teamed.criterion("B").locked_at is not None
    state = states(teamed)["A"]
    with pytest.raises(DomainError, match="criterion A cannot be locked"):
        lock(teamed.criterion("A"), state, confirm_reduced=False)
    for name in team:
        sign_off(teamed.criterion("A"), teamed.users[name], state)
    lock(teamed.criterion("A"), state, confirm_reduced=True)
    assert teamed.criterion("A").locked
    entry = audit_entries("criterion.lock")[-1]
    assert entry.after == {"skill": "WELD", "criterion": "A", "locked": True,
                           "reduced_sets_confirmed": ["A1.1 W-03"]}


# --------------------------------------------------------------------------- the unit comes from the person

def test_a_chief_cannot_seat_a_judge_under_another_unit_to_mark_their_own(ctx, make, client):
    """Issue 14, row 5: the chief seated an expert under a unit code typed on the panel page, and
    the expert then marked their own unit's contestant. The seat takes the account's unit now, and
    the server refuses the mark on the tablet and on paper."""
    import uuid

    from tests.events.helpers import login_en
    from tests.marking.builders import expert

    world = World(make)
    nc1 = expert("nc1", world.units["NC-E1"])  # W-01's unit
    db.session.commit()
    login_en(client, "chief")
    response = client.post("/events/EV1/skills/WELD/panel",
                           data={"username": "nc1", "name": "", "unit_code": "JJ-E2", "role": "judge"})
    assert response.status_code == 302
    seat = db.session.scalar(select(PanelMember).where(PanelMember.user_id == nc1.id))
    assert seat.unit.code == "NC-E1"
    client.post("/logout")

    login_en(client, "nc1")
    mark = {"uuid": str(uuid.uuid4()), "event": "EV1", "skill": "WELD", "aspect": "B1.1", "competitor": "W-01",
            "value": "10", "base_version": 0}
    answer = client.post("/api/v1/marks/batch", json={"device": "t", "marks": [mark]}).get_json()["results"]
    assert answer[0]["outcome"] == "refused"
    assert refusal(world, "W-01", "nc1") == [CONFLICT.format(judge="nc1", unit="NC-E1", bib="W-01")]
    assert refusal(world, "W-02", "nc1") == []  # another unit's contestant: marked


def test_an_expert_without_a_unit_conflicts_with_nobody(ctx, make):
    world = World(make)
    world.users["nc2"].unit = None
    db.session.commit()
    assert refusal(world, "W-03", "nc2") == []  # NC-E2's contestant: no unit on the account to match
