"""Standings: built from locked criteria by one service on every signal, never on read."""
from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from app.errors import DomainError
from app.events.attendance import set_attendance_many
from app.events.models import Attendance
from app.extensions import db
from app.marking.locking import unlock
from app.marking.penalties import add_penalty, withdraw_penalty
from app.results.models import Standing
from app.results.standings import rebuild, results_of
from app.results.timings import import_timings
from app.tabular import Row
from tests.marking.builders import World
from tests.results.builders import TOTALS, finished_world, mark_and_lock

D = Decimal


def lines(skill) -> dict[str, Standing]:
    rows = db.session.scalars(select(Standing).where(Standing.skill_id == skill.id)
                              .order_by(Standing.position)).all()
    return {r.competitor.contestant_no: r for r in rows}


def test_totals_scale_ranks_and_awards_match_the_hand_computed_values(make):
    world = finished_world(make)
    found = lines(world.weld)
    assert list(found) == ["W-01", "W-02", "W-03", "W-04"]      # ranked first, then the absent one
    assert {bib: found[bib].raw_total for bib in TOTALS} == TOTALS
    assert found["W-01"].components == {"theory": "80.00", "practical": "95.00"}
    assert found["W-02"].criteria == {"A": "33.33", "B": "45.00"}
    # median 80.66, MAD 11.34, s = 1.4826 × 11.34 = 16.812684
    assert [found[b].scale for b in ("W-01", "W-02", "W-03")] == [720, 700, 669]
    assert D(found["W-01"].scale_exact).quantize(D("0.0001")) == D("720.2347")
    assert [found[b].rank for b in ("W-01", "W-02", "W-03")] == [1, 2, 3]
    assert [found[b].award for b in ("W-01", "W-02", "W-03")] == ["gold", "silver", "bronze"]
    absent = found["W-04"]
    assert (absent.status, absent.raw_total, absent.rank, absent.scale, absent.award) == \
        (Attendance.ABSENT, None, None, None, None)
    results = results_of(world.weld)
    assert results.complete and results.competed == 3 and results.standardized and results.median == D("80.66")


def test_a_team_is_one_competitor(make):
    world = finished_world(make)
    found = lines(world.care)
    assert list(found) == ["C-01", "C-03"]
    assert [found[b].raw_total for b in found] == [D("86.00"), D("72.66")]
    assert not results_of(world.care).standardized            # 2 teams: fewer than 3


def test_only_locked_criteria_count_and_the_reason_is_kept(make):
    world = World(make)
    mark_and_lock(world.weld, {"W-01": "3", "W-02": "2", "W-03": "1"}, None)
    results = results_of(world.weld)
    assert not results.complete
    assert any("theory score missing for W-01" in reason for reason in results.reasons)
    unlock(world.criterion("A"), "recheck")
    results = results_of(world.weld)
    assert "criteria not locked: A" in results.reasons
    assert set(lines(world.weld)["W-01"].criteria) == {"B"}


def test_incomplete_standings_rank_what_is_locked_but_award_nothing(make):
    world = World(make)
    mark_and_lock(world.weld, {"W-01": "3", "W-02": "2", "W-03": "1"}, None)  # theory scores missing
    found = lines(world.weld)
    assert [found[b].rank for b in ("W-01", "W-02", "W-03")] == [1, 2, 3]
    assert {found[b].award for b in found} == {None}
    assert not any(found[b].technical_expert_proposed for b in found)


def test_every_signal_rebuilds_and_moves_the_version(make):
    world = finished_world(make)
    version = results_of(world.weld).version
    penalty = add_penalty(world.weld, world.competitor("W-01"), D("15.00"), "安全违规")
    assert lines(world.weld)["W-01"].raw_total == D("77.00")
    assert lines(world.weld)["W-01"].penalties == [{"amount": "15.00", "reason": "安全违规"}]
    assert [lines(world.weld)[b].rank for b in ("W-02", "W-01")] == [1, 2]
    withdraw_penalty(penalty, "appeal")
    set_attendance_many(world.weld, [(world.competitor("W-03").lead, Attendance.DISQUALIFIED)])
    found = lines(world.weld)
    assert found["W-01"].raw_total == D("92.00") and found["W-03"].rank is None
    assert results_of(world.weld).competed == 2
    assert results_of(world.weld).version == version + 3


def test_reading_never_rebuilds(make):
    world = finished_world(make)
    version = results_of(world.weld).version
    from app.results.tables import skill_tables
    skill_tables(world.event, published_only=False)
    assert results_of(world.weld).version == version


def test_final_results_refuse_a_rebuild_outside_an_amendment(make):
    from app.results.publication import publish
    world = finished_world(make)
    publish(world.event, skill=world.weld, final=True)
    db.session.commit()
    with pytest.raises(DomainError, match="final"):
        add_penalty(world.weld, world.competitor("W-01"), D("1.00"), "late")
    db.session.rollback()
    with pytest.raises(DomainError, match="final"):
        rebuild(world.weld)


def test_completion_time_breaks_a_tie(make):
    world = finished_world(make, tie_breakers=["completion_time"])
    add_penalty(world.weld, world.competitor("W-01"), D("11.34"), "tidy-up")   # 92.00 → 80.66 = W-02
    assert [lines(world.weld)[b].rank for b in ("W-01", "W-02")] == [1, 1]
    assert lines(world.weld)["W-01"].skipped_tie_breakers == ["completion_time"]
    import_timings(world.weld, [Row(2, {"contestant_no": "W-01", "completion_seconds": "3600"}),
                                Row(3, {"contestant_no": "W-02", "completion_seconds": "3500"})])
    found = lines(world.weld)
    assert (found["W-02"].rank, found["W-01"].rank) == (1, 2)
    assert found["W-01"].skipped_tie_breakers == []


def test_shared_places_without_tie_breakers(make):
    world = finished_world(make)
    add_penalty(world.weld, world.competitor("W-01"), D("11.34"), "tidy-up")
    found = lines(world.weld)
    assert [(found[b].rank, found[b].award) for b in ("W-01", "W-02", "W-03")] == \
        [(1, "gold"), (1, "gold"), (3, "bronze")]


def test_the_event_settings_signal_rebuilds_every_skill(make):
    from app.signals import event_settings_changed
    world = finished_world(make)
    world.event.tie_window = D("20.00")
    event_settings_changed.send(world.event.id)
    found = lines(world.weld)
    assert [found[b].rank for b in ("W-01", "W-02", "W-03")] == [1, 1, 3]


def test_a_median_between_two_totals_an_odd_number_of_fen_apart_is_kept_to_the_fen(make):
    """Two competitors, 92.01 and 80.66: their median is 86.335, which a mark column cannot hold;
    it is shown half up (86.34) while the scale is computed from the exact value."""
    world = World(make)
    set_attendance_many(world.weld, [(world.competitor("W-03").lead, Attendance.ABSENT)])
    mark_and_lock(world.weld, {"W-01": "3", "W-02": "2"}, {"W-01": "80.05", "W-02": "90"})
    db.session.commit()
    found = lines(world.weld)
    assert (found["W-01"].raw_total, found["W-02"].raw_total) == (D("92.01"), D("80.66"))
    assert results_of(world.weld).median == D("86.34")
