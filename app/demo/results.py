"""The demo's published results: CNC-S final, CARE-E provisional (appeals open), DEMO-NC's CNC final.

WELD-E keeps showing the marking states (:mod:`app.demo.marking`). CNC-S gets a CNC turning scheme
(dimensions measured, surface finish judged), every competitor marked, one penalty with its reason,
one shared place (two contestants with the same marks in every criterion, so the event's
``criterion_weight`` tie-breaker cannot part them), everything locked and published **final**.
CARE-E gets a care scheme, marks and a **provisional** publication, so its appeals window (the
event's ``appeals_hours``) is open when the demo is loaded. The feeder DEMO-NC's CNC-NC gets a
panel, the CNC scheme and final results, so "advance the top N" on the qualification page has
something to act on.

Everything goes through the real paths — ``import judges``, the paper marks import (judges never
mark a contestant of their own delegation), ``lock_all_complete``, ``add_penalty``, ``publish`` —
so the demo obeys every rule a real contest does. Marks are drawn from a hash of bib and aspect
around an "ability" per competitor, so every load gives the same, realistically spread results.
"""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from app import clock
from app.demo.marking import scheme_document, stable_number
from app.errors import DomainError
from app.events.models import Event, Skill
from app.events.panels import JUDGE_COLUMNS, import_judges
from app.marking.competitors import by_bib, competitors
from app.marking.locking import lock_all_complete
from app.marking.marksheet import Marksheet
from app.marking.paper import MARK_COLUMNS, import_marks
from app.marking.penalties import add_penalty
from app.marking.schemes import SchemeFile, as_aspect, parse_scheme_json, save_scheme
from app.messages import msg
from app.results.models import Publication
from app.results.publication import publish
from app.results.standings import bump, results_of
from app.tabular import Row
from scoring.marks import allowed_measurement_marks

# (section, name, weight); criteria as (code, name, [(sub-criterion, name, day, [(type, description,
# max, section, extra keys)])]) — the shape of app.demo.marking's welding scheme.
CNC_STANDARDS = [("1", "工艺编制与程序编写", 20), ("2", "尺寸精度", 50), ("3", "表面质量", 20),
                 ("4", "安全文明生产", 10)]
CNC_CRITERIA = [
    ("A", "工艺与编程", [
        ("A1", "加工工艺与数控程序", 1, [
            ("M", "加工工艺卡填写完整", "4.00", "1", {}),
            ("M", "数控程序正确（每处错误扣1.00分）", "6.00", "1", {"calculation": "deduction", "deduct": "1.00"}),
            ("J", "工艺路线与切削参数合理性", "6.00", "1", {}),
            ("M", "刀具选择与对刀", "4.00", "1", {})]),
    ]),
    ("B", "尺寸精度", [
        ("B1", "外圆与长度", 1, [
            ("M", "外圆 Φ40", "8.00", "2", {"calculation": "bands", "bands": [["0.00", "8.00"], ["0.01", "4.00"]],
                                         "requirement": "Φ40 0/−0.025 mm（超差≤0.01 mm 得一半）"}),
            ("M", "外圆 Φ30", "8.00", "2", {"calculation": "bands", "bands": [["0.00", "8.00"], ["0.01", "4.00"]],
                                         "requirement": "Φ30 0/−0.021 mm（超差≤0.01 mm 得一半）"}),
            ("M", "总长", "6.00", "2", {"requirement": "80±0.05 mm"}),
            ("M", "台阶长度", "6.00", "2", {"requirement": "25±0.03 mm"})]),
        ("B2", "螺纹、内孔与锥度", 1, [
            ("M", "外螺纹 M24×1.5-6g", "8.00", "2", {"requirement": "螺纹环规通规通过、止规止住"}),
            ("M", "内孔 Φ22", "8.00", "2", {"calculation": "bands", "bands": [["0.00", "8.00"], ["0.02", "4.00"]],
                                         "requirement": "Φ22 +0.033/0 mm（超差≤0.02 mm 得一半）"}),
            ("M", "锥度配合 1:5", "6.00", "2", {"requirement": "涂色检查接触面积≥70%"})]),
    ]),
    ("C", "表面质量与安全文明生产", [
        ("C1", "表面质量", 1, [
            ("M", "外圆表面粗糙度", "6.00", "3", {"requirement": "Ra 1.6 μm"}),
            ("M", "螺纹表面粗糙度", "4.00", "3", {"requirement": "Ra 3.2 μm"}),
            ("J", "表面纹理、倒角与去毛刺", "10.00", "3", {})]),
        ("C2", "安全文明生产", 1, [
            ("M", "安全防护与机床点检", "4.00", "4", {}),
            ("M", "工量具摆放与现场整洁（每处不合格扣1.00分）", "6.00", "4",
             {"calculation": "deduction", "deduct": "1.00"})]),
    ]),
]
CARE_STANDARDS = [("1", "沟通与人文关怀", 20), ("2", "照护操作技能", 58), ("3", "安全与感染防控", 10),
                  ("4", "健康教育与照护记录", 12)]
CARE_CRITERIA = [
    ("A", "生活照护", [
        ("A1", "协助进食与体位转移", 1, [
            ("M", "操作前评估（意识、吞咽、皮肤）", "4.00", "2", {}),
            ("M", "体位转移步骤（每遗漏一步扣1.00分）", "8.00", "2", {"calculation": "deduction", "deduct": "1.00"}),
            ("M", "防跌倒防护措施落实", "4.00", "3", {}),
            ("J", "沟通与人文关怀", "8.00", "1", {})]),
        ("A2", "清洁照护", 1, [
            ("M", "床上擦浴顺序正确", "6.00", "2", {}),
            ("M", "水温测试", "2.00", "3", {"requirement": "38–40 ℃"}),
            ("J", "保护隐私与保暖", "6.00", "1", {})]),
    ]),
    ("B", "基础护理与应急处置", [
        ("B1", "生命体征测量", 1, [
            ("M", "血压测量误差", "6.00", "2", {"calculation": "bands", "bands": [["4", "6.00"], ["8", "3.00"]],
                                              "requirement": "与标准值相差≤4 mmHg（≤8 mmHg 得一半）"}),
            ("M", "体温、脉搏、呼吸记录准确", "6.00", "2", {}),
            ("M", "手卫生（七步洗手法）", "4.00", "3", {})]),
        ("B2", "应急处置", 1, [
            ("M", "心肺复苏操作（每项不达标扣2.00分）", "10.00", "2", {"calculation": "deduction", "deduct": "2.00"}),
            ("J", "应急处置流程与团队配合", "6.00", "2", {})]),
    ]),
    ("C", "康复照护与健康教育", [
        ("C1", "康复训练", 2, [
            ("M", "助行器使用指导", "6.00", "2", {}),
            ("M", "关节活动度训练（每处错误扣1.00分）", "6.00", "2", {"calculation": "deduction", "deduct": "1.00"}),
            ("J", "训练过程安全与鼓励", "6.00", "1", {})]),
        ("C2", "健康教育", 2, [
            ("J", "健康宣教内容与表达", "8.00", "4", {}),
            ("M", "照护记录书写完整", "4.00", "4", {})]),
    ]),
]

# Judges in the order they are asked; the first three not conflicted with a competitor mark it.
CNC_JUDGES = ["cnc-j4", "cnc-j1", "cnc-j2", "cnc-j3"]
CARE_JUDGES = ["care-j1", "care-j2", "care-j3", "weld-chief"]
# DEMO-NC invites provincial experts from outside Nanchang (its contestants are all Nanchang's).
FEEDER_PANEL = [("CNC-NC", "cnc-r1", "朱建华", "EXPERTS", "chief"), ("CNC-NC", "cnc-j4", "马骏", "EXPERTS", "judge"),
                ("CNC-NC", "cnc-j1", "吴国平", "JX-JJ-S1", "judge"),
                ("CNC-NC", "cnc-j2", "徐光明", "JX-PX-S1", "judge")]
FEEDER_JUDGES = ["cnc-j4", "cnc-j1", "cnc-j2"]

# Ability per competitor (lead bib), 0–1: the share of aspects done to the full mark.
CNC_ABILITY = {"CNC-S-01": 0.94, "CNC-S-02": 0.66, "CNC-S-03": 0.66, "CNC-S-04": 0.70, "CNC-S-05": 0.82,
               "CNC-S-06": 0.78, "CNC-S-07": 0.66, "CNC-S-08": 0.78, "CNC-S-09": 0.90}
CNC_TWINS = {"CNC-S-07": "CNC-S-03"}  # same marks as CNC-S-03: a shared place
CNC_PENALTY = ("CNC-S-05", Decimal("2.00"), "加工中未按规定佩戴防护眼镜，经裁判提醒后改正（安全扣分）")
CARE_ABILITY = {"CARE-E-01": 0.86, "CARE-E-03": 0.72, "CARE-E-05": 0.80, "CARE-E-07": 0.64, "CARE-E-09": 0.92}
FEEDER_ABILITY = {"NCC-01": 0.78, "NCC-02": 0.91, "NCC-03": 0.66}


def _chance(*parts: str) -> float:
    """A stable number in [0, 1) from its parts, so every load marks the same way."""
    return stable_number(*parts) / 2 ** 32


def _measured(allowed: list[Decimal], ability: float, key: str, aspect: str) -> Decimal:
    """Full marks with the ability's chance; else one step down, two for a bad miss."""
    draw = _chance(key, aspect)
    if draw < ability or len(allowed) < 2:
        return allowed[-1]
    steps = 2 if draw > (1 + ability) / 2 and len(allowed) > 2 else 1
    return allowed[-1 - steps]


def _judged(ability: float, key: str, aspect: str, judges: int) -> list[int]:
    """Scores 0–3 around ability × 3, one apart at most (no spread flag)."""
    expected = ability * 3
    low = min(int(expected), 2)
    return [low + (_chance(key, aspect, str(n)) < expected - low) for n in range(judges)]


def _rows(skill: Skill, ability: dict[str, float], judge_order: list[str], twins: dict[str, str]) -> list[Row]:
    sheet = Marksheet(skill)
    user_ids = {m.user.username: m.user_id for m in sheet.rights.panel.values()}
    rows: list[list[str]] = []
    for competitor in sheet.competitors:
        if not competitor.competed:
            continue
        bib = competitor.lead.contestant_no
        key = twins.get(bib, bib)
        judges = [u for u in judge_order if not sheet.rights.is_conflicted(user_ids[u], competitor)][:3]
        for aspect in sheet.aspects.values():
            if aspect.kind == "M":
                mark = _measured(allowed_measurement_marks(as_aspect(aspect)), ability[key], key, aspect.code)
                rows.append([bib, aspect.code, "", str(mark)])
            else:
                scores = _judged(ability[key], key, aspect.code, len(judges))
                rows += [[bib, aspect.code, judge, str(score)] for judge, score in zip(judges, scores, strict=True)]
    return [Row(i, dict(zip(MARK_COLUMNS, values, strict=False))) for i, values in enumerate(rows, 2)]


def _mark_and_lock(skill: Skill, standards: list[tuple], criteria: list[tuple], ability: dict[str, float],
                   judge_order: list[str], twins: dict[str, str] | None = None) -> None:
    scheme = SchemeFile(parse_scheme_json(scheme_document(standards, criteria)), f"{skill.code.lower()}-scheme.json")
    save_scheme(skill, scheme, by_chief_expert=False)
    imported = import_marks(skill, _rows(skill, ability, judge_order, twins or {}))
    remaining = lock_all_complete(Marksheet(skill))
    if imported.warnings or remaining:  # a demo that cannot lock would publish nothing: say why at once
        raise DomainError(msg("demo %(skill)s: %(why)s", skill=skill.code,
                              why="; ".join([*imported.warnings, *(s.summary() for s in remaining)])))


def load_demo_results(event: Event, feeder: Event) -> None:
    """Mark, lock and publish the demo's other skills (CNC-S final with a penalty, CARE-E provisional with
    appeals open, the feeder's CNC final) so the results and qualification pages have data."""
    cnc, care = event.skill("CNC-S"), event.skill("CARE-E")
    _mark_and_lock(cnc, CNC_STANDARDS, CNC_CRITERIA, CNC_ABILITY, CNC_JUDGES, CNC_TWINS)
    bib, points, reason = CNC_PENALTY
    add_penalty(cnc, by_bib(competitors(cnc))[bib], points, reason)
    publish(event, skill=cnc, final=True)
    _mark_and_lock(care, CARE_STANDARDS, CARE_CRITERIA, CARE_ABILITY, CARE_JUDGES)
    publish(event, skill=care)

    feeder_cnc = feeder.skill("CNC-NC")
    import_judges(feeder, [Row(i, dict(zip(JUDGE_COLUMNS, seat, strict=False)))
                           for i, seat in enumerate(FEEDER_PANEL, 2)])
    _mark_and_lock(feeder_cnc, CNC_STANDARDS, CNC_CRITERIA, FEEDER_ABILITY, FEEDER_JUDGES)
    publish(feeder, skill=feeder_cnc, final=True)


def reopen_appeals_windows(event: Event) -> list[str]:
    """Open the appeals window of the demo's provisional skills again, from now: the window is hours
    long, so a demo loaded yesterday would otherwise show appeals closed to everyone who tries it."""
    reopened = []
    for skill in event.skills:
        results = results_of(skill)
        if results is not None and results.publication == Publication.PROVISIONAL and event.appeals_hours:
            results.appeals_close_at = clock.now() + timedelta(hours=event.appeals_hours)
            bump(results)
            reopened.append(skill.code)
    return reopened
