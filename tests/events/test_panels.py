"""Skill panels: ``import judges`` (accounts, links, stdout/stderr, all-or-nothing, re-import) and
the panel page (who may edit, the chief seat, one-time links shown once)."""
from __future__ import annotations

import io
from datetime import timedelta

import pytest
from flask import current_app
from sqlalchemy import func, select

from app import clock
from app.audit import AuditEntry
from app.auth.models import LoginLink, Role, User
from app.auth.services import user_by_name
from app.events.models import PanelMember, PanelRole
from app.extensions import db
from app.units.models import UnitKind
from app.units.services import unit_by_code
from tests.conftest import FROZEN_NOW
from tests.events.helpers import login_en

HEADER = "skill_code,username,name,unit_code,role\n"


def run(*args: str):
    """A CLI call in the test's app; click ≥ 8.2 keeps stdout and stderr apart."""
    return current_app.test_cli_runner().invoke(args=list(args))


@pytest.fixture()
def event(ctx, make):
    root = make.unit("JX")
    make.unit("POOL", kind=UnitKind.OTHER)
    make.unit("JX-NC", kind=UnitKind.CITY, parent=root)
    event = make.event("EV1", organizers=[root])
    make.skill(event, "WELD")
    make.skill(event, "CNC")
    make.user("org", unit=root)
    db.session.commit()
    return event


def write(tmp_path, text: str, name: str = "judges.csv") -> str:
    path = tmp_path / name
    path.write_text(HEADER + text, encoding="utf-8")
    return str(path)


def seats(skill_code: str) -> dict[str, str]:
    rows = db.session.execute(select(User.username, PanelMember.role).join(PanelMember.user)
                              .join(PanelMember.skill).where(PanelMember.skill.has(code=skill_code)))
    return {username: role.value for username, role in rows}


def test_import_creates_experts_and_prints_links_on_stdout(event, tmp_path):
    db.session.add(User(username="old", role=Role.EXPERT, display_name="老专家"))
    db.session.commit()
    file = write(tmp_path, "WELD,chief1,王裁判长,POOL,chief\nWELD,old,,JX-NC,judge\n"
                           "CNC,chief1,王裁判长,POOL,judge\nCNC,sup,督导员,JX,督导\n")
    result = run("import", "judges", "EV1", file)
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert [line.split("\t")[0] for line in lines] == ["chief1", "sup"]
    assert all(line.split("\t")[1].startswith("http://localhost:5000/login/link/") for line in lines)
    assert result.stderr.strip() == "imported 4 panel members into EV1 (2 skills, 2 new accounts)"
    created = db.session.scalar(select(User).where(User.username == "chief1"))
    assert created.role == Role.EXPERT and created.unit.code == "POOL" and created.display_name == "王裁判长"
    assert created.password_hash is None
    assert seats("WELD") == {"chief1": "chief", "old": "judge"}
    assert seats("CNC") == {"chief1": "judge", "sup": "supervisor"}
    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "panel.import")).all()
    assert len(entries) == 2 and all(e.actor.startswith("cli:") for e in entries)
    # "old" had no unit: the file gave its account one, audited.
    assert user_by_name("old").unit.code == "JX-NC"
    given, = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "user.unit"))
    assert (given.entity_id, given.before, given.after) == ("old", {"unit": None}, {"unit": "JX-NC"})


def test_a_file_cannot_seat_an_expert_under_another_unit(event, tmp_path):
    run("import", "judges", "EV1", write(tmp_path, "WELD,a1,甲,POOL,chief\n"))
    result = run("import", "judges", "EV1", write(tmp_path, "CNC,a1,甲,JX-NC,judge\n", "again.csv"))
    assert result.exit_code == 1
    assert "row 2, unit_code: a1 belongs to POOL (their account); a panel cannot seat them under another " \
           "unit" in result.stderr
    assert seats("CNC") == {} and user_by_name("a1").unit.code == "POOL"


def test_bad_rows_are_all_reported_and_nothing_is_saved(event, tmp_path):
    db.session.add(User(username="boss", role=Role.ORGANIZER, display_name="boss"))
    db.session.commit()
    file = write(tmp_path, "WELD,a1,甲,POOL,chief\n"       # row 2 fine
                           "WELD,a2,乙,NOPE,chef\n"        # row 3 unknown unit, bad role
                           "WELD,a3,丙,POOL,chief\n"       # row 4 second chief
                           "XX,a4,丁,POOL,judge\n"         # row 5 unknown skill
                           "WELD,boss,,JX,judge\n"         # row 6 organizer account
                           "WELD,a1,甲,POOL,judge\n"       # row 7 twice on one panel
                           "CNC,new,,POOL,judge\n"         # row 8 new account without a name
                           "CNC,a2,乙,JX,judge\n")         # row 9 a2's unit differs from row 3
    result = run("import", "judges", "EV1", file)
    assert result.exit_code == 1
    assert result.stdout == ""
    for where in ("row 3, unit_code", "row 3, role", "row 4, role", "row 5, skill_code", "row 6, username",
                  "row 7, username", "row 8, name", "row 9, unit_code"):
        assert where in result.stderr, where
    assert not any(line.startswith("row 2,") for line in result.stderr.splitlines())
    assert "refused: 8 problem(s), nothing saved" in result.stderr
    assert db.session.scalar(select(func.count()).select_from(PanelMember)) == 0
    assert db.session.scalar(select(func.count()).select_from(User).where(User.role == Role.EXPERT)) == 0


def test_unknown_event_is_refused(event, tmp_path):
    result = run("import", "judges", "NOPE", write(tmp_path, "WELD,a1,甲,POOL,chief\n"))
    assert result.exit_code == 1 and "unknown event NOPE" in result.stderr


def test_reimport_replaces_the_panels_the_file_names(event, tmp_path):
    run("import", "judges", "EV1", write(tmp_path, "WELD,a1,甲,POOL,chief\nWELD,a2,乙,POOL,judge\n"
                                                            "CNC,a3,丙,POOL,chief\n"))
    result = run("import", "judges", "EV1", write(tmp_path, "WELD,a2,乙,POOL,chief\nWELD,a4,丁,JX,reserve\n",
                                                         "again.csv"))
    assert result.exit_code == 0, result.stderr
    assert [line.split("\t")[0] for line in result.stdout.splitlines()] == ["a4"]  # a2 exists: no new link
    assert seats("WELD") == {"a2": "chief", "a4": "reserve"}
    assert seats("CNC") == {"a3": "chief"}  # not named in the file: untouched


def test_xlsx_judges_file(event, tmp_path):
    from openpyxl import Workbook
    book = Workbook()
    book.active.append(["role", "unit_code", "name", "username", "skill_code"])
    book.active.append(["裁判长", "POOL", "甲", "a1", "WELD"])
    path = tmp_path / "judges.xlsx"
    book.save(path)
    result = run("import", "judges", "EV1", str(path))
    assert result.exit_code == 0, result.stderr
    assert seats("WELD") == {"a1": "chief"}


def test_one_time_link_logs_in_once(event, client, tmp_path):
    result = run("import", "judges", "EV1", write(tmp_path, "WELD,a1,甲,POOL,chief\n"))
    path = "/login/link/" + result.stdout.split("\t")[1].strip().rsplit("/", 1)[1]
    first = client.get(path)
    assert first.status_code == 302 and first.headers["Location"].endswith("/password")
    assert client.get("/events/EV1/skills/WELD/panel").status_code == 200  # logged in as the chief
    client.post("/logout")
    assert client.get(path).status_code == 404


def test_one_time_link_expires(event, client, tmp_path):
    result = run("import", "judges", "EV1", write(tmp_path, "WELD,a1,甲,POOL,judge\n"))
    path = "/login/link/" + result.stdout.split("\t")[1].strip().rsplit("/", 1)[1]
    with clock.frozen(FROZEN_NOW + timedelta(days=15)):
        assert client.get(path).status_code == 404
    assert db.session.scalar(select(LoginLink.used_at)) is None


# --- the panel page -----------------------------------------------------------------------------

@pytest.fixture()
def panel(event, make):
    """WELD: chief ``chief`` (POOL), judge ``judge1`` (JX-NC); plus an organizer of another tree."""
    make.user("other-org", unit=make.unit("OTHER"))
    weld = next(s for s in event.skills if s.code == "WELD")
    for username, role, unit in (("chief", PanelRole.CHIEF, "POOL"), ("judge1", PanelRole.JUDGE, "JX-NC")):
        user = make.user(username, role=Role.EXPERT, unit=unit_by_code(unit))
        db.session.add(PanelMember(skill=weld, user=user, role=role))
    make.user("expert2", role=Role.EXPERT)
    db.session.commit()
    return weld


PANEL = "/events/EV1/skills/WELD/panel"


@pytest.mark.parametrize("username", ["judge1", "other-org", "expert2"])
def test_panel_page_is_hidden_from_others(client, panel, username):
    login_en(client, username)
    assert client.get(PANEL).status_code == 404
    assert client.post(PANEL, data={"username": "x1", "name": "x", "unit_code": "POOL", "role": "judge"}) \
        .status_code == 404
    member = db.session.scalar(select(PanelMember.id).where(PanelMember.role == PanelRole.JUDGE))
    assert client.post(PANEL + "/remove", data={"member_id": member}).status_code == 404
    assert client.post(PANEL + "/role", data={"member_id": member, "role": "reserve"}).status_code == 404
    assert seats("WELD") == {"chief": "chief", "judge1": "judge"}


def test_panel_page_is_refused_to_unit_admins(client, panel, make):
    make.user("ua", role=Role.UNIT_ADMIN, unit=panel.event.organizers[0])
    db.session.commit()
    login_en(client, "ua")
    assert client.get(PANEL).status_code == 403


def test_chief_adds_a_new_expert_and_sees_the_link_once(client, panel):
    login_en(client, "chief")
    page = client.get(PANEL)
    assert page.status_code == 200 and "judge1" in page.get_data(as_text=True)
    response = client.post(PANEL, data={"username": "newbie", "name": "新裁判", "unit_code": "JX",
                                        "role": "judge"})
    text = response.get_data(as_text=True)
    assert response.status_code == 200 and "/login/link/" in text
    page = client.get(PANEL).get_data(as_text=True)
    assert "/login/link/" not in page
    assert seats("WELD")["newbie"] == "judge"
    # The page names no unit: the new account has none, and the chief sees it flagged.
    assert user_by_name("newbie").unit is None
    assert "No unit" in page and "no conflict of interest can be found for them" in page
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "panel.add"))
    assert entry.actor == "user:chief" and entry.after["username"] == "newbie"


def test_chief_adds_an_existing_expert_with_their_unit(client, panel, make):
    db.session.scalar(select(User).where(User.username == "expert2")).unit = unit_by_code("JX-NC")
    db.session.commit()
    login_en(client, "chief")
    assert "unit_code" not in client.get(PANEL).get_data(as_text=True)  # no unit field on the page
    # A unit code posted anyway (the old form's field) is not read: the account's unit stands.
    response = client.post(PANEL, data={"username": "expert2", "name": "", "unit_code": "POOL",
                                        "role": "reserve"})
    assert response.status_code == 302
    member = db.session.scalar(select(PanelMember).where(PanelMember.user.has(username="expert2")))
    assert member.role == PanelRole.RESERVE and member.unit.code == "JX-NC"
    assert "No unit" not in client.get(PANEL).get_data(as_text=True)


def test_add_member_problems_are_shown_and_nothing_saved(client, panel):
    login_en(client, "chief")
    response = client.post(PANEL, data={"username": "org", "name": "", "role": "judge"})
    text = response.get_data(as_text=True)
    assert response.status_code == 422  # a page showing a refusal: the request rolls back
    assert "panel members need expert accounts" in text
    response = client.post(PANEL, data={"username": "judge1", "name": "", "unit_code": "JX", "role": "judge"})
    assert "already" in response.get_data(as_text=True)
    assert seats("WELD") == {"chief": "chief", "judge1": "judge"}


def test_chief_changes_roles_and_removes_but_not_the_chief_seat(client, panel):
    login_en(client, "chief")
    judge = db.session.scalar(select(PanelMember).where(PanelMember.role == PanelRole.JUDGE))
    chief = db.session.scalar(select(PanelMember).where(PanelMember.role == PanelRole.CHIEF))
    judge_id, chief_id = judge.id, chief.id
    assert client.post(PANEL + "/role", data={"member_id": judge_id, "role": "reserve"}).status_code == 302
    assert seats("WELD")["judge1"] == "reserve"
    assert client.post(PANEL + "/role", data={"member_id": judge_id, "role": "chief"}).status_code == 403
    assert client.post(PANEL + "/remove", data={"member_id": chief_id}).status_code == 403
    new_chief = {"username": "x2", "name": "x", "unit_code": "JX", "role": "chief"}
    assert client.post(PANEL, data=new_chief).status_code == 403
    assert client.post(PANEL + "/remove", data={"member_id": judge_id}).status_code == 302
    assert seats("WELD") == {"chief": "chief"}
    actions = set(db.session.scalars(select(AuditEntry.action)))
    assert {"panel.role", "panel.remove"} <= actions


def test_organizer_moves_the_chief_seat_one_chief_at_a_time(client, panel):
    login_en(client, "org")
    judge_id = db.session.scalar(select(PanelMember.id).where(PanelMember.role == PanelRole.JUDGE))
    chief_id = db.session.scalar(select(PanelMember.id).where(PanelMember.role == PanelRole.CHIEF))
    client.post(PANEL + "/role", data={"member_id": judge_id, "role": "chief"})
    assert seats("WELD") == {"chief": "chief", "judge1": "judge"}  # refused: one chief per skill
    client.post(PANEL + "/role", data={"member_id": chief_id, "role": "judge"})
    client.post(PANEL + "/role", data={"member_id": judge_id, "role": "chief"})
    assert seats("WELD") == {"chief": "judge", "judge1": "chief"}


def test_member_of_another_skill_cannot_be_touched(client, panel, make):
    cnc = next(s for s in panel.event.skills if s.code == "CNC")
    other = PanelMember(skill=cnc, user=make.user("cncjudge", role=Role.EXPERT, unit=unit_by_code("JX")),
                        role=PanelRole.JUDGE)
    db.session.add(other)
    db.session.commit()
    login_en(client, "chief")
    assert client.post(PANEL + "/remove", data={"member_id": other.id}).status_code == 404


def test_experts_see_their_panels(client, panel):
    login_en(client, "chief")
    text = client.get("/panels").get_data(as_text=True)
    assert "WELD" in text and PANEL in text
    client.post("/logout")
    login_en(client, "judge1")
    text = client.get("/panels").get_data(as_text=True)
    assert "WELD" in text and PANEL not in text


def test_organizer_uploads_the_judges_file(client, panel):
    login_en(client, "org")
    data = {"file": (io.BytesIO((HEADER + "CNC,fresh,新人,POOL,chief\n").encode()), "judges.csv")}
    response = client.post("/events/EV1/judges/import", data=data, content_type="multipart/form-data")
    assert response.status_code == 200 and "/login/link/" in response.get_data(as_text=True)
    assert seats("CNC") == {"fresh": "chief"}
    bad = {"file": (io.BytesIO((HEADER + "CNC,fresh,新人,NOPE,chief\n").encode()), "judges.csv")}
    response = client.post("/events/EV1/judges/import", data=bad, content_type="multipart/form-data")
    assert "row 2, unit_code" in response.get_data(as_text=True)


def test_the_database_holds_one_chief_per_skill(event, tmp_path, make):
    """Whatever path writes a seat, a second chief is refused by the partial unique index."""
    from sqlalchemy.exc import IntegrityError
    run("import", "judges", "EV1", write(tmp_path, "WELD,a1,甲,POOL,chief\n"))
    skill = next(s for s in event.skills if s.code == "WELD")
    db.session.add(PanelMember(skill=skill, user=make.user("a9", role=Role.EXPERT), role=PanelRole.CHIEF))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()
