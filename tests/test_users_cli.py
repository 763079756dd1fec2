"""``flask users create``: global roles, unit scoping, contestant accounts linked to a person."""
from sqlalchemy import select

from app.audit import AuditEntry
from app.auth.models import Role, User
from app.extensions import db
from app.people.models import Person


def run(app, *args):
    return app.test_cli_runner().invoke(args=["users", "create", *args])


def test_create_organizer_with_unit(ctx, make):
    make.unit("JX")
    db.session.commit()
    result = run(ctx, "alice", "--role", "organizer", "--unit", "JX", "--password", "long-enough-1")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.strip() == "created user alice (organizer)"
    user = db.session.scalar(select(User).where(User.username == "alice"))
    assert user.role == Role.ORGANIZER and user.unit.code == "JX" and user.check_password("long-enough-1")
    assert db.session.scalar(select(AuditEntry.actor).where(AuditEntry.action == "user.create")).startswith("cli:")


def test_without_password_prints_a_one_time_link(ctx):
    result = run(ctx, "judge7", "--role", "expert")
    assert result.exit_code == 0
    username, link = result.stdout.strip().split("\t")
    assert username == "judge7" and link.startswith("http://localhost:5000/login/link/")


def test_refusals(ctx, make):
    make.unit("JX")
    db.session.add(Person(id_type="resident", id_number="11010120000101001X", name="选手"))
    db.session.commit()
    assert "needs --unit" in run(ctx, "bob", "--role", "unit_admin", "--password", "long-enough-1").stderr
    assert "unknown unit" in run(ctx, "bob", "--role", "organizer", "--unit", "NOPE", "--password", "x" * 9).stderr
    assert "at least 8" in run(ctx, "bob", "--role", "admin", "--password", "short").stderr
    assert "needs --id-number" in run(ctx, "bob", "--role", "contestant", "--password", "x" * 9).stderr
    assert run(ctx, "bob", "--role", "wizard").exit_code == 2
    ok = run(ctx, "carol", "--role", "contestant", "--id-number", "11010120000101001x", "--password", "x" * 9)
    assert ok.exit_code == 0, ok.stderr
    assert db.session.scalar(select(User).where(User.username == "carol")).person.name == "选手"
    again = run(ctx, "carol", "--role", "admin", "--password", "x" * 9)
    assert again.exit_code == 1 and "exists already" in again.stderr
    assert db.session.scalar(select(User).where(User.username == "bob")) is None
