"""``flask import marks`` and ``import_marks``: every refusal of formats.md "marks" located by row and
column, all-or-nothing, spread flags, ``--lock`` (exit 3 when partly done), overwrites and audit."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from app.errors import InputRefused
from app.extensions import db
from app.marking.models import Mark, MarkSource
from app.marking.paper import MARK_COLUMNS, import_marks
from tests.conftest import FROZEN_NOW
from tests.marking.builders import (
    HEADER,
    World,
    audit_entries,
    complete,
    judged,
    mark_count,
    measured,
    rows,
    run,
    write,
)


@pytest.fixture()
def world(ctx, make):
    return World(make)


def refusals(skill, *cells) -> list[str]:
    with pytest.raises(InputRefused) as refused:
        import_marks(skill, rows(*cells))
    return [str(p) for p in refused.value.problems]


def import_file(tmp_path, cells, *options: str, skill: str = "WELD"):
    return run("import", "marks", "EV1", skill, write(tmp_path, cells), *options)


def stored(bib: str, aspect: str, judge: str | None = None) -> Mark:
    marks = db.session.scalars(select(Mark)).all()
    return next(m for m in marks if m.competitor.contestant_no == bib and m.aspect.code == aspect
                and (m.judge.username if m.judge else None) == judge)


def test_header_is_the_contract():
    assert HEADER.split(",") == MARK_COLUMNS


# --------------------------------------------------------------------------- refusals


def test_unknown_contestant_aspect_and_judge(world):
    assert refusals(world.weld, ("W-99", "A1.1", "j1", "2"), ("W-01", "Z9.9", "j1", "2"),
                    ("W-01", "A1.1", "ghost", "2")) == [
        "row 2, contestant_no: no approved contestant W-99 in WELD",
        "row 3, aspect: no aspect Z9.9 in the scheme of WELD",
        "row 4, judge: no user ghost"]


def test_judges_without_a_marking_seat(world):
    assert refusals(world.weld, ("W-01", "A1.1", "outsider", "2"), ("W-01", "A1.1", "sup", "2"),
                    ("W-02", "B1.1", "sup", "10")) == [
        "row 2, judge: outsider is not a marking member of the WELD panel",
        "row 3, judge: sup is not a marking member of the WELD panel",
        "row 4, judge: sup is not a marking member of the WELD panel"]


def test_a_judge_may_not_mark_a_contestant_of_their_own_unit(world):
    assert refusals(world.weld, ("W-03", "A1.1", "nc2", "2"), ("W-03", "B1.1", "nc2", "10")) == [
        "row 2, judge: nc2 (NC-E2) may not mark contestant W-03 of the same unit or delegation",
        "row 3, judge: nc2 (NC-E2) may not mark contestant W-03 of the same unit or delegation"]


def test_values_not_allowed(world):
    assert refusals(world.weld, ("W-01", "A1.1", "j1", "4"), ("W-01", "A1.1", "j2", "1.5"),
                    ("W-01", "A1.1", "j3", "x"), ("W-01", "B1.1", "", "5"), ("W-01", "B1.2", "", "15"),
                    ("W-01", "B1.3", "", "7"), ("W-02", "B1.3", "", "25"), ("W-02", "B1.1", "", "-10")) == [
        "row 2, score: A1.1 is a judgement aspect: a score is 0, 1, 2 or 3, not 4",
        "row 3, score: A1.1 is a judgement aspect: a score is 0, 1, 2 or 3, not 1.5",
        "row 4, score: 'x' is not a number",
        "row 5, score: B1.1: 5 is not allowed; allowed marks are 0.00, 10.00",
        "row 6, score: B1.2: 15 is not allowed; allowed marks are 0.00, 10.00, 20.00",
        "row 7, score: B1.3: 7 is not allowed; allowed marks are 0.00, 5.00, 10.00, 15.00, 20.00",
        "row 8, score: B1.3: 25 is not between 0 and 20.00 with at most 2 decimals",
        "row 9, score: '-10': write the number without a sign"]


def test_allowed_values_of_each_calculation_are_stored(world):
    result = import_marks(world.weld, rows(("W-01", "B1.1", "", "0"), ("W-01", "B1.2", "", "10.0"),
                                           ("W-01", "B1.3", "", "5"), ("W-01", "A1.1", "j1", "3.0")))
    assert result.created == 4
    assert [str(stored("W-01", a).value) for a in ("B1.1", "B1.2", "B1.3")] == ["0.00", "10.00", "5.00"]
    assert str(stored("W-01", "A1.1", "j1").value) == "3.00"


def test_a_locked_criterion_an_absent_contestant_and_a_score_without_judge(world, tmp_path):
    assert import_file(tmp_path, measured(), "--lock").exit_code == 3  # B locks, A is still empty
    assert refusals(world.weld, ("W-01", "B1.1", "", "10"), ("W-04", "A1.1", "j1", "2"),
                    ("W-01", "A1.1", "", "2")) == [
        "row 2, aspect: criterion B is locked; the chief expert must unlock it first",
        "row 3, contestant_no: contestant W-04 did not compete (absent): only competed contestants are marked",
        "row 4, judge: a judgement score needs its judge"]


def test_two_rows_for_one_contestant_aspect_and_judge(world):
    assert refusals(world.weld, ("W-01", "A1.1", "j1", "2"), ("W-01", "A1.1", "j1", "3"),
                    ("W-01", "B1.1", "", "10"), ("W-01", "B1.1", "j1", "10")) == [
        "row 3: repeats row 2: one mark per contestant (or team), aspect and judge",
        "row 5: repeats row 4: one mark per contestant (or team), aspect and judge"]


def test_a_team_is_marked_once_whichever_member_bib_names_it(world):
    assert refusals(world.care, ("C-01", "A1.1", "j1", "2"), ("C-02", "A1.1", "j1", "3"),
                    ("C-02", "A1.1", "j2", "2")) == [
        "row 3: repeats row 2: one mark per contestant (or team), aspect and judge"]
    import_marks(world.care, rows(("C-02", "A1.1", "j1", "2"), ("C-04", "B1.1", "", "10")))
    assert {m.competitor.contestant_no for m in db.session.scalars(select(Mark))} == {"C-01", "C-03"}


# --------------------------------------------------------------------------- all or nothing


def test_several_errors_are_all_reported_and_nothing_is_saved(world, tmp_path):
    cells = [*complete(), ("W-99", "A1.1", "j1", "2"), ("W-01", "A1.1", "nc9", "2"), ("W-02", "B1.1", "", "3")]
    result = import_file(tmp_path, cells)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "row 20, contestant_no: no approved contestant W-99 in WELD",
        "row 21, judge: no user nc9",
        "row 22, score: B1.1: 3 is not allowed; allowed marks are 0.00, 10.00",
        "refused: 3 problem(s), nothing saved"]
    assert result.stdout == "" and mark_count() == 0


def test_a_bad_row_after_many_good_ones_leaves_the_stored_marks_untouched(world, tmp_path):
    assert import_file(tmp_path, judged("2")).exit_code == 0
    before = [(m.id, m.value, m.version) for m in db.session.scalars(select(Mark).order_by(Mark.id))]
    result = import_file(tmp_path, [*judged("3"), *measured(), ("W-04", "B1.1", "", "10")])
    assert result.exit_code == 1 and "row 20, contestant_no: contestant W-04 did not compete" in result.stderr
    assert [(m.id, m.value, m.version) for m in db.session.scalars(select(Mark).order_by(Mark.id))] == before
    assert mark_count() == 9 and len(audit_entries("mark.change")) == 0
    assert len(audit_entries("mark.create")) == 9  # every first mark is an audit entry


def test_import_marks_checks_every_row_before_writing(world):
    with pytest.raises(InputRefused):
        import_marks(world.weld, rows(*complete(), ("W-01", "A1.1", "j1", "9")))
    assert mark_count() == 0


# --------------------------------------------------------------------------- spread flag and --lock


def spread_file() -> list[tuple[str, str, str, str]]:
    return [("W-01", "A1.1", "j1", "1"), ("W-01", "A1.1", "j2", "3"), ("W-01", "A1.1", "j3", "3"),
            *judged("2", bibs=("W-02", "W-03")), *measured()]


def test_a_spread_breach_is_stored_with_a_warning(world, tmp_path):
    result = import_file(tmp_path, spread_file())
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines() == [
        "warning row 4: A1.1 W-01 scores 1,3,3 differ by 2",
        "imported 18 marks into EV1/WELD (18 new, 0 changed, 0 unchanged)"]
    assert mark_count() == 18 and stored("W-01", "A1.1", "j1").value == 1


def test_lock_leaves_a_flagged_criterion_open_and_locks_the_rest(world, tmp_path):
    result = import_file(tmp_path, spread_file(), "--lock")
    assert result.exit_code == 3
    assert result.stdout.splitlines() == [
        "warning row 4: A1.1 W-01 scores 1,3,3 differ by 2",
        "imported 18 marks into EV1/WELD (18 new, 0 changed, 0 unchanged); locked 1 criteria"]
    [why] = result.stderr.splitlines()  # the summary's wording is the web's too; what it names is checked
    assert why.startswith("criterion A not locked: 1 open flag") and "A1.1 W-01 scores 1,3,3" in why
    assert world.criterion("A").locked_at is None and world.criterion("B").locked_at == FROZEN_NOW
    assert world.criterion("B").locked_by.startswith("cli:") and mark_count() == 18
    [entry] = audit_entries("criterion.lock")
    assert entry.after == {"skill": "WELD", "criterion": "B", "locked": True, "reduced_sets_confirmed": []}

    rescored = import_file(tmp_path, [("W-01", "A1.1", "j1", "2")], "--lock")
    assert rescored.exit_code == 0, rescored.stderr
    assert rescored.stdout == "imported 1 marks into EV1/WELD (0 new, 1 changed, 0 unchanged); locked 1 criteria\n"
    assert world.criterion("A").locked_at == FROZEN_NOW and len(audit_entries("criterion.lock")) == 2


def test_lock_exits_3_on_an_incomplete_judgement_set(world, tmp_path):
    cells = [c for c in complete() if c[:3] != ("W-02", "A1.1", "j3")]
    result = import_file(tmp_path, cells, "--lock")
    [why] = result.stderr.splitlines()
    assert result.exit_code == 3 and why.startswith("criterion A not locked: 1 ") and "A1.1 W-02: 2 of 3" in why
    assert world.criterion("A").locked_at is None and world.criterion("B").locked_at is not None


def test_lock_exits_3_on_a_missing_measurement_mark(world, tmp_path):
    cells = [c for c in complete() if c[:2] != ("W-03", "B1.2")]
    result = import_file(tmp_path, cells, "--lock")
    [why] = result.stderr.splitlines()
    assert result.exit_code == 3 and why.startswith("criterion B not locked: 1 ") and "(first: B1.2 W-03)" in why
    assert world.criterion("A").locked_at is not None and world.criterion("B").locked_at is None


def test_lock_of_a_complete_file_exits_0(world, tmp_path):
    result = import_file(tmp_path, complete(), "--lock")
    assert result.exit_code == 0 and result.stderr == ""
    assert result.stdout.endswith("; locked 2 criteria\n")
    assert all(world.criterion(c).locked for c in "AB")


# --------------------------------------------------------------------------- overwrites and provenance


def test_overwriting_a_mark_bumps_its_version_and_is_audited(world, tmp_path):
    assert import_file(tmp_path, complete()).exit_code == 0
    result = import_file(tmp_path, [("W-01", "B1.1", "", "0"), ("W-02", "A1.1", "j2", "3")])
    assert result.stdout == "imported 2 marks into EV1/WELD (0 new, 2 changed, 0 unchanged)\n"
    mark = stored("W-01", "B1.1")
    assert (str(mark.value), mark.version) == ("0.00", 2)
    assert stored("W-02", "A1.1", "j2").version == 2 and stored("W-02", "A1.1", "j1").version == 1
    first = audit_entries("mark.change")[0]
    assert first.entity_id == str(mark.id) and first.actor.startswith("cli:")
    assert (first.before["value"], first.before["version"]) == ("10.00", 1)
    assert (first.after["value"], first.after["version"]) == ("0.00", 2)
    assert first.after["contestant_no"] == "W-01" and first.after["aspect"] == "B1.1"


def test_reimporting_an_identical_file_changes_nothing(world, tmp_path):
    assert import_file(tmp_path, complete()).exit_code == 0
    result = import_file(tmp_path, complete())
    assert result.stdout == "imported 18 marks into EV1/WELD (0 new, 0 changed, 18 unchanged)\n"
    assert {m.version for m in db.session.scalars(select(Mark))} == {1} and audit_entries("mark.change") == []
    assert [e.after["unchanged"] for e in audit_entries("marks.import")] == [0, 18]


def test_marks_carry_judge_time_source_and_offline_flag(world, tmp_path):
    assert import_file(tmp_path, [("W-01", "A1.1", "j1", "2"), ("W-01", "B1.1", "j2", "10"),
                                  ("W-02", "B1.1", "", "0")]).exit_code == 0
    judged_mark, entered, anonymous = stored("W-01", "A1.1", "j1"), stored("W-01", "B1.1", "j2"), \
        stored("W-02", "B1.1")
    for mark in (judged_mark, entered, anonymous):
        assert (mark.source, mark.offline, mark.recorded_at, mark.version) == (MarkSource.PAPER, False, FROZEN_NOW, 1)
        assert mark.recorded_by.startswith("cli:") and mark.client_uuid is None
    assert (judged_mark.kind, entered.kind, anonymous.judge) == ("J", "M", None)


def test_a_skill_without_scheme_is_refused(ctx, make, tmp_path):
    World(make, scheme=False)
    result = import_file(tmp_path, [("W-01", "A1.1", "j1", "2")])
    assert result.exit_code == 1 and result.stderr.startswith("file: WELD has no marking scheme yet")
