"""``import attendance``: statuses in codes or Chinese, located row errors, all-or-nothing, audit and
the ``attendance_changed`` signal."""
from __future__ import annotations

import pytest
from flask import current_app
from sqlalchemy import select

from app.audit import AuditEntry
from app.events.models import Attendance, Registration, RegistrationStatus
from app.extensions import db
from app.signals import attendance_changed
from tests.events.helpers import registration

HEADER = "contestant_no,status\n"


def run(*args: str):
    return current_app.test_cli_runner().invoke(args=list(args))


@pytest.fixture()
def event(ctx, make):
    root = make.unit("JX")
    event = make.event("EV1", organizers=[root])
    weld, cnc = make.skill(event, "WELD"), make.skill(event, "CNC")
    for bib in ("W-01", "W-02", "W-03"):
        registration(event, weld, root, bib)
    registration(event, weld, root, "W-04", status=RegistrationStatus.SUBMITTED)
    registration(event, cnc, root, "C-01")
    db.session.commit()
    return event


def statuses() -> dict[str, str]:
    return {r.contestant_no: r.attendance.value for r in db.session.scalars(select(Registration))}


def write(tmp_path, text: str) -> str:
    path = tmp_path / "attendance.csv"
    path.write_text(HEADER + text, encoding="utf-8")
    return str(path)


def test_import_sets_statuses_audits_and_signals(event, tmp_path):
    received = []

    def listener(sender, **changes):
        received.append((sender, changes))

    with attendance_changed.connected_to(listener):
        result = run("import", "attendance", "EV1", "WELD",
                     write(tmp_path, "W-01,absent\nW-02,退赛\nW-03,参赛\n"))
    assert result.exit_code == 0, result.stderr
    assert result.stdout.strip() == "imported attendance of 3 contestants into EV1/WELD (2 changed)"
    assert statuses() == {"W-01": "absent", "W-02": "withdrawn", "W-03": "competed", "W-04": "competed",
                          "C-01": "competed"}
    ids = {r.contestant_no: r.id for r in db.session.scalars(select(Registration))}
    weld = next(s for s in event.skills if s.code == "WELD")
    assert received == [(event.id, {"skill_id": weld.id, "registration_ids": [ids["W-01"], ids["W-02"]]})]
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "attendance.change"))
    assert entry.before == {"W-01": "competed", "W-02": "competed"}
    assert entry.after == {"W-01": "absent", "W-02": "withdrawn"} and entry.actor.startswith("cli:")


def test_bad_rows_are_all_reported_and_nothing_saved(event, tmp_path):
    received = []
    with attendance_changed.connected_to(lambda sender, **kw: received.append(kw)):
        file = write(tmp_path, "W-01,缺考\nW-99,absent\nC-01,absent\nW-04,absent\nW-01,absent\nW-02,late\n")
        result = run("import", "attendance", "EV1", "WELD", file)
    assert result.exit_code == 1
    for where in ("row 3, contestant_no: no contestant W-99",
                  "row 4, contestant_no: C-01 is registered in CNC",
                  "row 5, contestant_no: W-04 is submitted", "row 6, contestant_no: W-01 is on row 2",
                  "row 7, status: 'late' is not one of"):
        assert where in result.stderr, where
    assert "refused: 5 problem(s), nothing saved" in result.stderr
    assert set(statuses().values()) == {Attendance.COMPETED.value}
    assert received == []


def test_unknown_skill_is_refused(event, tmp_path):
    result = run("import", "attendance", "EV1", "NOPE", write(tmp_path, "W-01,absent\n"))
    assert result.exit_code == 1 and "no skill NOPE in event EV1" in result.stderr
