"""A finished contest with promotion rules, for the promotion tests (on tests/results/builders.py).

Event EV1 (provincial class 1, ends 2026-10-12; the clock is frozen at 2026-09-01), rule set
``hunan-2022`` (优胜奖 or better → 技师; already 技师 → 高级技师; employees). WELD (occupation
6-25-04-07 焊工, employees): W-01 gold (no level declared), W-02 silver (declared 技师 level2),
W-03 bronze (declared 高级技师 level1), W-04 absent. CARE (teams of 2, occupation 4-14-01-01, students):
T1 (C-01, C-02) gold, T2 (C-03, C-04) silver — students, whom hunan-2022 does not cover.
"""
from __future__ import annotations

from app.events.models import SkillGroup
from app.extensions import db
from app.results.publication import publish
from tests.results.builders import finished_world

WELD_OCCUPATION = "6-25-04-07"
CARE_OCCUPATION = "4-14-01-01"


def promotion_world(make, *, final: bool = True, rules: str | None = "hunan-2022", **fields):
    world = finished_world(make, promotion_rules=rules, **fields)
    world.weld.occupation_code, world.weld.occupation_name = WELD_OCCUPATION, "焊工"
    world.weld.group = SkillGroup.EMPLOYEE
    world.care.occupation_code, world.care.occupation_name = CARE_OCCUPATION, "养老护理员"
    world.care.group = SkillGroup.STUDENT
    world.competitor("W-02").lead.current_level = "level2"
    world.competitor("W-03").lead.current_level = "level1"
    db.session.commit()
    if final:
        publish(world.event, final=True)
        db.session.commit()
    return world
