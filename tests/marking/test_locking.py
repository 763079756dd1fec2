"""Sign-off, lock and unlock on the web path: who signs, when, what the lock needs, the audit and
the ``criterion_locked`` / ``criterion_unlocked`` signals."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.errors import DomainError
from app.extensions import db
from app.marking.locking import criterion_states, lock, sign_off, unlock
from app.marking.marksheet import Marksheet
from app.marking.models import CriterionSignoff
from app.marking.paper import import_marks
from app.signals import criterion_locked, criterion_unlocked
from tests.conftest import FROZEN_NOW
from tests.marking.builders import World, audit_entries, complete, judged, rows


@pytest.fixture()
def world(ctx, make):
    return World(make)


def state_of(world: World, code: str = "A"):
    return next(s for s in criterion_states(Marksheet(world.weld)) if s.criterion.code == code)


def signoffs() -> int:
    return db.session.scalar(select(func.count(CriterionSignoff.id)))


def sign_all(world: World, *names: str) -> None:
    state = state_of(world)
    for name in names:
        sign_off(world.criterion("A"), world.users[name], state)


def test_only_judges_who_marked_sign_off_and_only_a_complete_criterion(world):
    import_marks(world.weld, rows(*judged(bibs=("W-01", "W-02"))))
    with pytest.raises(DomainError, match="^criterion A is not complete or has open flags: nothing to sign yet$"):
        sign_off(world.criterion("A"), world.users["j1"], state_of(world))
    import_marks(world.weld, rows(*judged(bibs=("W-03",))))
    with pytest.raises(DomainError, match="^only judges who marked criterion A sign it off$"):
        sign_off(world.criterion("A"), world.users["chief"], state_of(world))
    sign_all(world, "j1", "j1")
    [entry] = audit_entries("criterion.sign_off")
    assert signoffs() == 1 and entry.after == {"skill": "WELD", "criterion": "A", "judge": "j1"}


def test_a_flagged_criterion_cannot_be_signed(world):
    import_marks(world.weld, rows(("W-01", "A1.1", "j1", "0"), *judged(bibs=("W-01",), judges=("j2", "j3")),
                                  *judged(bibs=("W-02", "W-03"))))
    with pytest.raises(DomainError, match="is not complete or has open flags"):
        sign_off(world.criterion("A"), world.users["j2"], state_of(world))
    assert signoffs() == 0


def test_the_web_lock_needs_every_markers_sign_off(world):
    import_marks(world.weld, rows(*complete()))
    sign_all(world, "j1")
    with pytest.raises(DomainError, match="^criterion A still needs the sign-off of j2, j3$"):
        lock(world.criterion("A"), state_of(world), confirm_reduced=False, sign_for_markers=False)
    assert world.criterion("A").locked_at is None
    received = []
    with criterion_locked.connected_to(lambda sender, **kw: received.append((sender, kw))):
        sign_all(world, "j2", "j3")
        lock(world.criterion("A"), state_of(world), confirm_reduced=False, sign_for_markers=False)
    assert received == [(world.event.id, {"skill_id": world.weld.id, "criterion": "A"})]
    assert (world.criterion("A").locked_at, world.criterion("A").locked_by) == (FROZEN_NOW, "system")
    [entry] = audit_entries("criterion.lock")
    assert entry.entity_id == str(world.criterion("A").id) and entry.event_id == world.event.id


def test_an_incomplete_criterion_cannot_be_locked(world):
    import_marks(world.weld, rows(*judged(bibs=("W-01",))))
    with pytest.raises(DomainError, match="^criterion A cannot be locked: criterion A not locked: "):
        lock(world.criterion("A"), state_of(world), confirm_reduced=True, sign_for_markers=True)
    assert world.criterion("A").locked_at is None and audit_entries("criterion.lock") == []


def test_unlock_needs_a_reason_clears_sign_offs_and_is_audited(world):
    import_marks(world.weld, rows(*complete()))
    sign_all(world, "j1", "j2", "j3")
    lock(world.criterion("A"), state_of(world), confirm_reduced=False)
    assert signoffs() == 3
    with pytest.raises(DomainError, match="^unlocking needs a reason$"):
        unlock(world.criterion("A"), "   ")
    assert world.criterion("A").locked
    received = []
    with criterion_unlocked.connected_to(lambda sender, **kw: received.append((sender, kw))):
        unlock(world.criterion("A"), "  W-02 re-check ordered by the arbitration committee ")
    assert received == [(world.event.id, {"skill_id": world.weld.id, "criterion": "A"})]
    assert world.criterion("A").locked_at is None and world.criterion("A").locked_by is None and signoffs() == 0
    [entry] = audit_entries("criterion.unlock")
    assert entry.note == "W-02 re-check ordered by the arbitration committee"
    assert entry.before["locked"] is True and entry.before["locked_by"] == "system"
    assert entry.after == {"skill": "WELD", "criterion": "A", "locked": False}
    with pytest.raises(DomainError, match="^criterion A is not locked$"):
        unlock(world.criterion("A"), "again")


def test_a_locked_criterion_refuses_sign_off(world):
    import_marks(world.weld, rows(*complete()))
    lock(world.criterion("A"), state_of(world), confirm_reduced=False, sign_for_markers=True)
    assert signoffs() == 3
    with pytest.raises(DomainError, match="^criterion A is already locked$"):
        sign_off(world.criterion("A"), world.users["j1"], state_of(world))
