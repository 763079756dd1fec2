"""Registering from files (CSV, a real XLSX, the command line), approval with its audit trail, and
attendance."""
from __future__ import annotations

import io
from datetime import datetime

import pytest
from flask import current_app
from openpyxl import Workbook
from sqlalchemy import func, select

from app.audit import AuditEntry
from app.errors import DomainError, InputRefused
from app.events.models import Attendance, Registration, RegistrationStatus
from app.events.registration import CONTESTANT_COLUMNS, approve, register_rows, reject, set_attendance
from app.extensions import db
from app.signals import attendance_changed
from app.tabular import read_table
from tests.events.contest import Contest, csv_text, id_number, rows, values


@pytest.fixture()
def contest(ctx, make) -> Contest:
    return Contest(make)


def count() -> int:
    return db.session.scalar(select(func.count()).select_from(Registration))


def run(*args: str):
    return current_app.test_cli_runner().invoke(args=list(args))


def submitted(contest: Contest, n: int) -> list[Registration]:
    cells = [values(unit_code=unit) for unit in ("NC-E1", "NC-E2", "JX-TC1")[:n]]
    saved = register_rows(contest.event, rows(*cells), actor_is_organizer=False, unit_scope=None)
    db.session.commit()
    return saved


def audit(action: str) -> list[AuditEntry]:
    query = select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)
    return list(db.session.scalars(query))


# --- files --------------------------------------------------------------------------------------

def test_a_file_with_several_errors_reports_them_all_and_saves_nothing(contest):
    good = values()
    bad_check = values()
    bad_check["id_number"] = bad_check["id_number"][:-1] + ("1" if bad_check["id_number"][-1] != "1" else "2")
    data = csv_text(good, bad_check, values(unit_code="NOPE", birth_date="2012-01-01"),
                    values(contestant_no=good["contestant_no"], unit_code="NC-E2"))
    with pytest.raises(InputRefused) as caught:
        register_rows(contest.event, read_table(data.encode(), "c.csv", CONTESTANT_COLUMNS),
                      actor_is_organizer=True, unit_scope=None)
    assert [str(p) for p in caught.value.problems] == [
        "row 3, id_number: check digit does not match",
        "row 4, unit_code: unknown unit NOPE",
        "row 4, birth_date: is 14 on 2026-10-12; WELD requires at least 16",
        f"row 5, contestant_no: {good['contestant_no']} is already on row 2",
    ]
    db.session.rollback()
    assert count() == 0


def xlsx(*cells: dict[str, object]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(CONTESTANT_COLUMNS)
    for c in cells:
        sheet.append([c[k] for k in CONTESTANT_COLUMNS])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_a_real_xlsx_with_a_date_cell_is_read(contest):
    cells: dict[str, object] = dict(values(birth_date="2001-03-04", gender="女", group="职工"))
    cells["birth_date"] = datetime(2001, 3, 4)
    saved = register_rows(contest.event, read_table(xlsx(cells), "c.xlsx", CONTESTANT_COLUMNS),
                          actor_is_organizer=True, unit_scope=None)
    assert saved[0].person.birth_date.isoformat() == "2001-03-04"
    assert saved[0].person.id_number == cells["id_number"]


def test_an_id_stored_as_a_number_in_excel_is_refused(contest):
    cells: dict[str, object] = dict(values())
    number = id_number("1999-12-31")
    while number.endswith("X"):
        number = id_number("1999-12-31")
    cells["id_number"] = int(number)
    with pytest.raises(InputRefused) as caught:
        read_table(xlsx(values(), cells), "c.xlsx", CONTESTANT_COLUMNS)
    assert [str(p) for p in caught.value.problems] == [
        "row 3, id_number: stored as a number in Excel, digits lost; format the column as text"]


# --- approval -----------------------------------------------------------------------------------

def test_approve_one_and_in_bulk_with_audit_entries(contest):
    first, *rest = submitted(contest, 3)
    assert approve([first]) == 1
    assert approve([first, *rest]) == 2
    db.session.commit()
    assert {r.status for r in db.session.scalars(select(Registration))} == {RegistrationStatus.APPROVED}
    entries = audit("registration.approve")
    assert len(entries) == 3
    assert entries[0].entity_id == str(first.id) and entries[0].event_id == contest.event.id
    assert entries[0].before == {"status": "submitted", "rejection_reason": None}
    assert entries[0].after == {"status": "approved", "rejection_reason": None}


def test_reject_needs_a_reason_and_is_audited(contest):
    regs = submitted(contest, 2)
    with pytest.raises(DomainError, match="give a reason"):
        reject(regs, "  ")
    approve(regs[:1])
    assert reject(regs, "certificate not valid") == 2
    db.session.commit()
    assert {r.rejection_reason for r in regs} == {"certificate not valid"}
    entries = audit("registration.reject")
    assert sorted(e.before["status"] for e in entries) == ["approved", "submitted"]
    wanted = {"status": "rejected", "rejection_reason": "certificate not valid"}
    assert all(e.after == wanted for e in entries)


def test_a_rejected_registration_is_not_approved_directly(contest):
    regs = submitted(contest, 1)
    reject(regs, "wrong unit")
    with pytest.raises(DomainError, match="cannot approve"):
        approve(regs)


def test_registration_is_audited_with_the_window_note(contest):
    contest.event.registration_closes = contest.event.registration_opens
    db.session.commit()
    saved = register_rows(contest.event, rows(values()), actor_is_organizer=True, unit_scope=None)
    entry = audit("registration.create")[0]
    assert entry.entity_id == str(saved[0].id) and entry.note == "outside the registration window"
    assert entry.after["status"] == "approved" and entry.after["outside_window"] is True
    assert audit("person.create")[0].after["id_number"].startswith("360***")


def test_attendance_is_audited_and_signalled(contest):
    reg = submitted(contest, 1)[0]
    with pytest.raises(DomainError, match="not approved"):
        set_attendance(reg, Attendance.ABSENT)
    approve([reg])
    received = []
    with attendance_changed.connected_to(lambda sender, **kw: received.append((sender, kw))):
        assert set_attendance(reg, Attendance.ABSENT) is True
        assert set_attendance(reg, Attendance.ABSENT) is False
    assert received == [(contest.event.id, {"skill_id": contest.weld.id, "registration_ids": [reg.id]})]
    assert audit("attendance.change")[0].after == {reg.contestant_no: "absent"}


# --- the command line ---------------------------------------------------------------------------

def write(tmp_path, *cells: dict[str, str]) -> str:
    path = tmp_path / "contestants.csv"
    path.write_text(csv_text(*cells), encoding="utf-8")
    return str(path)


def test_import_contestants(contest, tmp_path):
    result = run("import", "contestants", "EV1", write(tmp_path, values(), values(gender="女")))
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "imported 2 contestants into EV1\n"
    assert {r.status for r in db.session.scalars(select(Registration))} == {RegistrationStatus.APPROVED}
    assert audit("registration.create")[0].actor.startswith("cli:")


def test_import_contestants_outside_the_window_says_so(contest, tmp_path):
    contest.event.registration_closes = contest.event.registration_opens
    db.session.commit()
    result = run("import", "contestants", "EV1", write(tmp_path, values()))
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "imported 1 contestants into EV1 (1 outside the registration window)\n"


def test_import_contestants_refused(contest, tmp_path):
    bad = values()
    bad["id_number"] = bad["id_number"][:-1] + ("1" if bad["id_number"][-1] != "1" else "2")
    result = run("import", "contestants", "EV1", write(tmp_path, values(), bad, values(skill_code="NOPE")))
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "row 3, id_number: check digit does not match",
        "row 4, skill_code: no skill NOPE in event EV1",
        "refused: 2 problem(s), nothing saved",
    ]
    assert count() == 0


def test_import_contestants_refuses_existing_bibs(contest, tmp_path):
    assert run("import", "contestants", "EV1", write(tmp_path, values(contestant_no="001"))).exit_code == 0
    result = run("import", "contestants", "EV1", write(tmp_path, values(contestant_no="001")))
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == "row 2, contestant_no: 001 is already taken in this event"


def test_import_contestants_into_an_unknown_event(contest, tmp_path):
    result = run("import", "contestants", "NOPE", write(tmp_path, values()))
    assert result.exit_code == 1 and result.stderr.strip() == "refused: unknown event NOPE"
