"""``flask demo``: a provincial contest to look around in (event ``DEMO-PROV``).

It loads units, the event with 3 skills, one account per role, approved contestants from five
delegations (valid ID numbers; CARE-E is a team skill of pairs), each skill's panel (a chief, four
judges from different units, a reserve, a supervisor; one expert is chief in one skill and judge
in another), and the municipal feeder contest ``DEMO-NC`` whose Nanchang contestants can be advanced
into DEMO-PROV (Nanchang's places there are left free for them; DEMO-NC's CNC skill has another
code, so the organizer maps it). Later features extend it. Contestants go through the registration
service and panels through ``import judges``, so the demo obeys every rule a real file does.
Every demo account's password is ``jingsai-demo`` (printed): a demo for looking around, not for a
real contest. ``--reset`` deletes data, so it is refused when ``APP_ENV`` is production.
"""
from __future__ import annotations

import json
from datetime import date

import click
from flask.cli import with_appcontext
from sqlalchemy import delete, exists, select
from werkzeug.security import generate_password_hash

from app.auth.models import LoginAttempt, LoginLink, User
from app.cli import cli_transaction, fail
from app.demo.marking import load_demo_marking
from app.demo.results import load_demo_results, reopen_appeals_windows
from app.events.attendance import set_attendance_many
from app.events.models import Attendance, Event, Registration
from app.events.panels import JUDGE_COLUMNS, import_judges
from app.events.registration import CONTESTANT_COLUMNS, register_rows
from app.events.services import event_by_code, save_event_document
from app.extensions import db
from app.people.idcard import check_digit
from app.people.models import Person
from app.results.models import Standing
from app.tabular import Row
from app.units.services import import_units

DEMO_EVENT = "DEMO-PROV"
FEEDER_EVENT = "DEMO-NC"
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
    ("JX-NC-HRSS", "南昌市人力资源和社会保障局", "hr_authority", "JX-NC"),
    ("JX-GZ-S1", "赣州技师学院", "school", "JX-GZ"),
    ("JX-PX", "萍乡市代表队", "city", "JX"),
    ("JX-PX-E1", "萍乡钢铁集团", "enterprise", "JX-PX"),
    ("JX-PX-S1", "萍乡卫生职业学院", "school", "JX-PX"),
    ("JX-YC", "宜春市代表队", "city", "JX"),
    ("JX-YC-E1", "江特电机", "enterprise", "JX-YC"),
    ("JX-YC-S1", "宜春职业技术学院", "school", "JX-YC"),
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
    "feeder_event": FEEDER_EVENT,
    "awards": "cn_standard", "promotion_rules": "jiangxi-2022", "tie_breakers": ["criterion_weight"],
    "appeals_hours": 2, "blind_marking": True,
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

FEEDER = {
    "code": FEEDER_EVENT, "name": "2026年南昌市职业技能大赛（演示）", "tier": "municipal", "class": 1, "year": 2026,
    "organizers": ["JX-NC-HRSS"], "starts_on": "2026-06-16", "ends_on": "2026-06-17",
    "registration": {"opens": "2026-05-01", "closes": "2026-05-31"}, "awards": "cn_standard",
    "skills": [
        {"code": "WELD-E", "name": "焊工（职工组）", "group": "employee",
         "occupation": {"code": "6-18-02-04", "name": "焊工"}, "team_size": 1, "quota_per_unit": 3,
         "min_age": 16},
        {"code": "CNC-NC", "name": "数控铣（学生组）", "group": "student",
         "occupation": {"code": "6-18-01-01", "name": "车工"}, "team_size": 1, "quota_per_unit": 3,
         "min_age": 16, "max_age": 22},
    ],
}
# (event, skill, unit, how many, bib prefix): Nanchang enters DEMO-PROV through DEMO-NC only.
ENTRIES = [
    (DEMO_EVENT, "WELD-E", "JX-JJ-E1", 2, "WELD-E"), (DEMO_EVENT, "WELD-E", "JX-GZ-E1", 2, "WELD-E"),
    (DEMO_EVENT, "WELD-E", "JX-PX-E1", 2, "WELD-E"), (DEMO_EVENT, "WELD-E", "JX-YC-E1", 2, "WELD-E"),
    (DEMO_EVENT, "WELD-E", "JX-TC1", 1, "WELD-E"),
    (DEMO_EVENT, "CNC-S", "JX-JJ-S1", 2, "CNC-S"), (DEMO_EVENT, "CNC-S", "JX-GZ-S1", 2, "CNC-S"),
    (DEMO_EVENT, "CNC-S", "JX-PX-S1", 2, "CNC-S"), (DEMO_EVENT, "CNC-S", "JX-YC-S1", 2, "CNC-S"),
    (DEMO_EVENT, "CNC-S", "JX-TC1", 1, "CNC-S"),
    (DEMO_EVENT, "CARE-E", "JX-JJ-E1", 2, "CARE-E"), (DEMO_EVENT, "CARE-E", "JX-GZ-E1", 2, "CARE-E"),
    (DEMO_EVENT, "CARE-E", "JX-PX-E1", 2, "CARE-E"), (DEMO_EVENT, "CARE-E", "JX-YC-E1", 2, "CARE-E"),
    (DEMO_EVENT, "CARE-E", "JX-TC1", 2, "CARE-E"),
    (FEEDER_EVENT, "WELD-E", "JX-NC-E1", 3, "NCW"), (FEEDER_EVENT, "WELD-E", "JX-NC-TC", 2, "NCW"),
    (FEEDER_EVENT, "CNC-NC", "JX-NC-TC", 3, "NCC"),
]
# Per skill: the born-between range (ages fit the skill on its reference date) and a declared level.
PROFILES = {"WELD-E": (1985, 2000, "level4"), "CNC-S": (2006, 2008, ""), "CNC-NC": (2006, 2008, ""),
            "CARE-E": (1988, 2002, "level4")}
# ID number regions (行政区划代码) of the cities; provincial units use Nanchang's.
REGIONS = {"JX-NC": "360102", "JX-JJ": "360402", "JX-GZ": "360702", "JX-PX": "360302", "JX-YC": "360902"}
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高"
GIVEN = ["志强", "秀英", "海峰", "丽华", "建军", "晓燕", "文斌", "春梅", "国庆", "雪莲", "宏伟", "佳怡", "俊杰", "婷婷"]
JUDGES = [
    ("WELD-E", "weld-chief", "李建国", "JX-TC1", "chief"), ("WELD-E", "weld-j1", "王志刚", "JX-NC-E1", "judge"),
    ("WELD-E", "weld-j2", "张海涛", "JX-JJ-E1", "judge"), ("WELD-E", "weld-j3", "刘德明", "JX-GZ-E1", "judge"),
    ("WELD-E", "weld-j4", "陈立新", "EXPERTS", "judge"), ("WELD-E", "weld-r1", "杨春生", "EXPERTS", "reserve"),
    ("WELD-E", "sup-zhou", "周敏", "JX-HRSS", "supervisor"),
    ("CNC-S", "cnc-chief", "赵卫东", "JX-NC-TC", "chief"), ("CNC-S", "cnc-j1", "吴国平", "JX-JJ-S1", "judge"),
    ("CNC-S", "cnc-j2", "徐光明", "JX-PX-S1", "judge"), ("CNC-S", "cnc-j3", "孙永红", "JX-YC-S1", "judge"),
    ("CNC-S", "cnc-j4", "马骏", "EXPERTS", "judge"), ("CNC-S", "cnc-r1", "朱建华", "EXPERTS", "reserve"),
    ("CNC-S", "sup-zhou", "周敏", "JX-HRSS", "supervisor"),
    ("CARE-E", "care-chief", "孙丽华", "EXPERTS", "chief"), ("CARE-E", "care-j1", "胡晓梅", "JX-NC-E1", "judge"),
    ("CARE-E", "care-j2", "郭玉兰", "JX-GZ-S1", "judge"), ("CARE-E", "weld-chief", "李建国", "JX-TC1", "judge"),
    ("CARE-E", "care-j3", "何秀芳", "JX-PX-S1", "judge"), ("CARE-E", "care-r1", "林静", "EXPERTS", "reserve"),
    ("CARE-E", "sup-wu", "吴刚", "JX-JT", "supervisor"),
]
# A contestant's account, linked to CNC-S's winner (final results), to see results and certificates.
CONTESTANT_ACCOUNT = ("contestant", "CNC-S")
DEMO_USERNAMES = [a[0] for a in ACCOUNTS] + [CONTESTANT_ACCOUNT[0]] + sorted({j[1] for j in JUDGES})


def _id_number(unit_code: str, born: date, seq: int, male: bool) -> str:
    region = REGIONS.get(unit_code[:5], REGIONS["JX-NC"])
    body = f"{region}{born:%Y%m%d}{seq % 500 * 2 + (1 if male else 0):03d}"
    return body + check_digit(body)


def contestant_rows(event_code: str) -> list[Row]:
    """The event's contestants as rows of the contestants file (formats.md), numbered from row 2.

    Everything is derived from a person's position in ``ENTRIES``, so every load builds the same
    people (a reload finds them again by ID number). CARE-E pairs are labelled with their unit.
    """
    people = [(code, skill, unit, prefix) for code, skill, unit, count, prefix in ENTRIES
              for _ in range(count)]
    rows: list[Row] = []
    for n, (code, skill, unit, prefix) in enumerate(people, start=1):
        if code != event_code:
            continue
        first, last, level = PROFILES[skill]
        male = n % 3 != 0
        born = date(first + n % (last - first + 1), 1 + n % 12, 1 + n % 28)
        bib = f"{prefix}-{sum(1 for r in rows if r['skill_code'] == skill) + 1:02d}"
        values = [unit, skill, bib, SURNAMES[n % len(SURNAMES)] + GIVEN[n % len(GIVEN)], "",
                  _id_number(unit, born, n, male), born.isoformat(), "M" if male else "F",
                  "student" if skill.startswith("CNC") else "employee", level, "", f"1390791{n:04d}",
                  unit.removeprefix("JX-") if skill == "CARE-E" else ""]
        rows.append(Row(len(rows) + 2, dict(zip(CONTESTANT_COLUMNS, values, strict=False))))
    return rows


def is_loaded() -> bool:
    """Whether the demo event exists, so ``flask demo`` without ``--reset`` does not load it twice."""
    return event_by_code(DEMO_EVENT) is not None


def remove_demo() -> None:
    """Delete the demo's events, accounts and the persons only the demo used (``--reset``), keeping anything
    real that shares the database."""
    for code in (DEMO_EVENT, FEEDER_EVENT):  # the higher event first: its registrations link to the feeder's
        event = event_by_code(code)
        if event is not None:
            db.session.delete(event)
            db.session.flush()
    ids = list(db.session.scalars(select(User.id).where(User.username.in_(DEMO_USERNAMES))))
    db.session.execute(delete(LoginLink).where(LoginLink.user_id.in_(ids)))
    db.session.execute(delete(LoginAttempt).where(LoginAttempt.username.in_(DEMO_USERNAMES)))
    db.session.execute(delete(User).where(User.id.in_(ids)))
    numbers = [r["id_number"] for code in (DEMO_EVENT, FEEDER_EVENT) for r in contestant_rows(code)]
    db.session.execute(delete(Person).where(
        Person.id_number.in_(numbers), ~exists().where(Registration.person_id == Person.id),
        ~exists().where(User.person_id == Person.id)))
    db.session.flush()


def load_demo() -> Event:
    """Load the whole demo contest through the real import and registration paths, so it obeys every rule."""
    from app.auth.services import create_user

    import_units([Row(i, dict(zip(["code", "name", "kind", "parent_code"], u, strict=False)))
                  for i, u in enumerate(UNITS, 2)])
    feeder = save_event_document(json.loads(json.dumps(FEEDER)))
    event = save_event_document(json.loads(json.dumps(EVENT)))
    for username, role, unit, name in ACCOUNTS:
        create_user(username, role, unit_code=unit, password=DEMO_PASSWORD, display_name=name)
    for contest in (feeder, event):
        register_rows(contest, contestant_rows(contest.code), actor_is_organizer=True, unit_scope=None)
    import_judges(event, [Row(i, dict(zip(JUDGE_COLUMNS, judge, strict=False))) for i, judge in enumerate(JUDGES, 2)])
    password_hash = generate_password_hash(DEMO_PASSWORD)  # one hash: hashing each expert's would be slow
    for expert in db.session.scalars(select(User).where(User.username.in_({j[1] for j in JUDGES}))):
        expert.password_hash = password_hash
    # A Nanchang welder missed the municipal contest: the qualification page shows who did not compete.
    absent = db.session.scalar(select(Registration).where(Registration.event_id == feeder.id,
                                                          Registration.contestant_no == "NCW-05"))
    set_attendance_many(absent.skill, [(absent, Attendance.ABSENT)])
    load_demo_marking(event)
    load_demo_results(event, feeder)
    _contestant_account(event)
    return event


def _contestant_account(event: Event) -> None:
    """The demo contestant: the winner of a skill with final results."""
    from app.auth.services import create_user

    username, skill_code = CONTESTANT_ACCOUNT
    winner = db.session.scalar(select(Standing).where(Standing.skill_id == event.skill(skill_code).id)
                               .order_by(Standing.rank).limit(1))
    create_user(username, "contestant", id_number=winner.competitor.person.id_number, password=DEMO_PASSWORD,
                display_name=winner.competitor.person.name)


@click.command("demo")
@click.option("--reset", is_flag=True, help="Delete the demo events, their people and accounts first.")
@click.option("--if-absent", is_flag=True, help="Do nothing (exit 0) when the demo is loaded already.")
@with_appcontext
def demo_command(reset: bool, if_absent: bool) -> None:
    """Load the demo contest (event DEMO-PROV)."""
    from flask import current_app
    if reset and current_app.config["ENV_NAME"] == "production":
        fail("refused: demo --reset deletes data; run it with APP_ENV=development")
    if is_loaded() and not reset:
        if if_absent:
            with cli_transaction():
                reopened = reopen_appeals_windows(event_by_code(DEMO_EVENT))
            click.echo(f"demo {DEMO_EVENT} is loaded already"
                       + (f"; appeals open again in {', '.join(reopened)}" if reopened else ""))
            return
        fail(f"refused: demo {DEMO_EVENT} is loaded already (use --reset to load it again)")
    with cli_transaction():
        if reset:
            remove_demo()
        event = load_demo()
    click.echo(f"loaded demo {event.code}: {len(UNITS)} units, {len(event.skills)} skills, "
               f"{len(contestant_rows(DEMO_EVENT))} contestants, {len(JUDGES)} panel seats, "
               f"feeder {FEEDER_EVENT} with {len(contestant_rows(FEEDER_EVENT))} contestants, "
               f"{len(DEMO_USERNAMES)} accounts "
               f"(password {DEMO_PASSWORD})")
