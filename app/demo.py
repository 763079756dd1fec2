"""``flask demo``: a provincial contest to look around in (event ``DEMO-PROV``).

It loads units, the event with 3 skills and one account per role; later features extend it.
Every demo account's password is ``jingsai-demo`` (printed): a demo for looking around, not for a
real contest. ``--reset`` deletes data, so it is refused when ``APP_ENV`` is production.
"""
from __future__ import annotations

import json

import click
from flask.cli import with_appcontext
from sqlalchemy import delete, select

from app.auth.models import LoginAttempt, LoginLink, User
from app.cli import cli_transaction, fail
from app.events.models import Event
from app.events.services import event_by_code, import_units, save_event_document
from app.extensions import db
from app.tabular import Row

DEMO_EVENT = "DEMO-PROV"
DEMO_PASSWORD = "jingsai-demo"
UNITS = [
    ("JX", "江西省代表团", "province", ""),
    ("JX-HRSS", "江西省人力资源和社会保障厅", "hr_authority", "JX"),
    ("JX-JT", "江西省交通运输厅", "industry", "JX"),
    ("JX-NC", "南昌市代表队", "city", "JX"),
    ("JX-NC-TC", "南昌市技师学院", "school", "JX-NC"),
    ("JX-NC-E1", "江铃汽车集团", "enterprise", "JX-NC"),
    ("JX-JJ", "九江市代表队", "city", "JX"),
    ("JX-JJ-E1", "九江石化", "enterprise", "JX-JJ"),
    ("JX-JJ-S1", "九江职业技术学院", "school", "JX-JJ"),
    ("JX-GZ", "赣州市代表队", "city", "JX"),
    ("JX-GZ-E1", "赣州稀土集团", "enterprise", "JX-GZ"),
    ("JX-TC1", "江西省技师学院", "school", "JX"),
    ("EXPERTS", "裁判专家库", "other", ""),
]
ACCOUNTS = [
    ("admin", "admin", None, "系统管理员"),
    ("organizer", "organizer", "JX", "省人社厅赛务组"),
    ("nanchang", "unit_admin", "JX-NC", "南昌市领队"),
    ("jiujiang", "unit_admin", "JX-JJ", "九江市领队"),
    ("arbiter", "arbiter", "JX-HRSS", "仲裁委员会"),
]
EVENT = {
    "code": DEMO_EVENT, "name": "2026年江西省职业技能大赛（演示）", "tier": "provincial", "class": 1, "year": 2026,
    "organizers": ["JX-HRSS", "JX-JT"], "starts_on": "2026-12-14", "ends_on": "2026-12-16",
    "registration": {"opens": "2026-11-01", "closes": "2026-12-05"}, "delegation_kind": "city",
    "awards": "cn_standard", "promotion_rules": "jiangxi-2022", "tie_breakers": ["criterion_weight"],
    "skills": [
        {"code": "WELD-E", "name": "焊工（职工组）", "group": "employee",
         "occupation": {"code": "6-18-02-04", "name": "焊工"}, "team_size": 1, "quota_per_unit": 2,
         "host_unit": "JX-TC1", "min_age": 16},
        {"code": "CNC-S", "name": "数控铣（学生组）", "group": "student",
         "occupation": {"code": "6-18-01-01", "name": "车工"}, "team_size": 1, "quota_per_unit": 2,
         "host_unit": "JX-NC-TC", "min_age": 16, "max_age": 22},
        {"code": "CARE-E", "name": "健康照护（职工组）", "group": "employee",
         "occupation": {"code": "4-14-01-02", "name": "养老护理员"}, "team_size": 2, "quota_per_unit": 1,
         "min_age": 18},
    ],
}


def is_loaded() -> bool:
    return event_by_code(DEMO_EVENT) is not None


def remove_demo() -> None:
    event = event_by_code(DEMO_EVENT)
    if event is not None:
        db.session.delete(event)
    names = [a[0] for a in ACCOUNTS]
    ids = list(db.session.scalars(select(User.id).where(User.username.in_(names))))
    db.session.execute(delete(LoginLink).where(LoginLink.user_id.in_(ids)))
    db.session.execute(delete(LoginAttempt).where(LoginAttempt.username.in_(names)))
    db.session.execute(delete(User).where(User.id.in_(ids)))
    db.session.flush()


def load_demo() -> Event:
    from app.auth.services import create_user

    import_units([Row(i, dict(zip(["code", "name", "kind", "parent_code"], u))) for i, u in enumerate(UNITS, 2)])
    event = save_event_document(json.loads(json.dumps(EVENT)))
    for username, role, unit, name in ACCOUNTS:
        create_user(username, role, unit_code=unit, password=DEMO_PASSWORD, display_name=name)
    return event


@click.command("demo")
@click.option("--reset", is_flag=True, help="Delete the demo event and accounts first.")
@click.option("--if-absent", is_flag=True, help="Do nothing (exit 0) when the demo is loaded already.")
@with_appcontext
def demo_command(reset: bool, if_absent: bool) -> None:
    """Load the demo contest (event DEMO-PROV)."""
    from flask import current_app
    if reset and current_app.config["ENV_NAME"] == "production":
        fail("refused: demo --reset deletes data; run it with APP_ENV=development")
    if is_loaded() and not reset:
        if if_absent:
            click.echo(f"demo {DEMO_EVENT} is loaded already")
            return
        fail(f"refused: demo {DEMO_EVENT} is loaded already (use --reset to load it again)")
    with cli_transaction():
        if reset:
            remove_demo()
        event = load_demo()
    click.echo(f"loaded demo {event.code}: {len(UNITS)} units, {len(event.skills)} skills, "
               f"{len(ACCOUNTS)} accounts (password {DEMO_PASSWORD})")
