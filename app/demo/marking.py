"""The demo's marking: a welding scheme for WELD-E, its draw, and paper marks that show every state.

Criterion A is marked and locked, B is marked but one judgement set breaks the spread rule (an
open flag), C and D are not marked yet. CNC-S and CARE-E have no scheme, so an organizer sees the
upload page as a new skill shows it. Marks go through the paper path, so they obey every rule
(conflicts of interest with the city delegations included). WELD-E is drawn before it is marked, with a
fixed seed so every load deals the same workstations and secret numbers.
"""
from __future__ import annotations

import hashlib

from app import audit
from app.events.models import Event
from app.marking.draw import make_draw
from app.marking.locking import criterion_states, lock
from app.marking.marksheet import Marksheet
from app.marking.paper import MARK_COLUMNS, import_marks
from app.marking.schemes import SchemeFile, as_aspect, parse_scheme_json, save_scheme
from app.tabular import Row
from scoring.marks import allowed_measurement_marks

DESCRIPTORS = ["低于行业标准", "符合行业标准", "在某些方面超出行业标准", "完全超出行业标准，表现优秀"]
STANDARDS = [("1", "工作组织与安全", 10), ("2", "焊前准备", 10), ("3", "焊接操作", 40), ("4", "焊缝质量", 30),
             ("5", "职业素养", 10)]
# criterion, name, [(sub-criterion, name, day, [(type, description, max, section, extra keys)])]
CRITERIA = [
    ("A", "安全与焊前准备", [
        ("A1", "安全防护", 1, [
            ("M", "劳保用品穿戴齐全", "2.00", "1", {}),
            ("M", "焊机及气路点检记录完整", "2.00", "1", {}),
            ("M", "作业现场整洁（每处不合格扣0.50分）", "3.00", "1", {"calculation": "deduction", "deduct": "0.50"}),
            ("J", "安全操作规范", "3.00", "1", {})]),
        ("A2", "坡口加工与组对", 1, [
            ("M", "坡口角度", "3.00", "2", {"calculation": "bands", "bands": [["2", "3.00"], ["4", "1.50"]],
                                           "requirement": "60°±2°（超差2°–4°得一半）"}),
            ("M", "钝边尺寸", "2.00", "2", {"requirement": "1.0±0.5 mm"}),
            ("M", "组对间隙", "2.00", "2", {"requirement": "3.0±0.5 mm"}),
            ("M", "定位焊长度", "1.00", "2", {"requirement": "≤ 15 mm"}),
            ("J", "清理与打磨质量", "2.00", "2", {})]),
    ]),
    ("B", "板对接焊", [
        ("B1", "打底焊", 1, [
            ("M", "单面焊双面成型", "5.00", "3", {}),
            ("M", "背面余高", "4.00", "3", {"calculation": "bands", "bands": [["0.5", "4.00"], ["1.0", "2.00"]],
                                           "requirement": "0–2 mm"}),
            ("J", "打底焊道均匀性", "4.00", "3", {})]),
        ("B2", "盖面焊", 1, [
            ("M", "焊缝宽度", "4.00", "3", {"requirement": "20–22 mm"}),
            ("M", "焊缝余高", "4.00", "3", {"requirement": "0–3 mm"}),
            ("J", "焊缝外观成形", "4.00", "3", {})]),
        ("B3", "无损检测", 2, [
            ("M", "射线探伤（每个缺陷扣2.00分）", "8.00", "4", {"calculation": "deduction", "deduct": "2.00"}),
            ("M", "咬边深度", "4.00", "4", {"requirement": "≤ 0.5 mm"}),
            ("M", "错边量", "3.00", "4", {"requirement": "≤ 1.2 mm"})]),
    ]),
    ("C", "管板焊", [
        ("C1", "管板垂直固定焊", 2, [
            ("M", "焊脚尺寸", "5.00", "3", {"requirement": "K = 8±1 mm"}),
            ("J", "焊缝外观", "5.00", "3", {}),
            ("M", "根部熔透", "5.00", "3", {})]),
        ("C2", "检验", 2, [
            ("M", "通球试验", "5.00", "4", {}),
            ("M", "表面气孔（每个扣1.00分）", "5.00", "4", {"calculation": "deduction", "deduct": "1.00"}),
            ("M", "宏观金相", "5.00", "4", {})]),
    ]),
    ("D", "职业素养", [
        ("D1", "职业素养", 2, [
            ("J", "工艺纪律与团队协作", "4.00", "5", {}),
            ("M", "材料节约（超领每次扣1.00分）", "3.00", "5", {"calculation": "deduction", "deduct": "1.00"}),
            ("M", "按时完成", "3.00", "5", {})]),
    ]),
]
JUDGE_ORDER = ["weld-j1", "weld-j4", "weld-j2", "weld-j3", "weld-r1"]  # first three without a conflict
MARKED, LOCKED = ("A", "B"), "A"
FLAGGED = ("B1.3", "WELD-E-03")
DRAW_SEED = hashlib.sha256(b"DEMO-PROV/WELD-E").hexdigest()[:32]


def scheme_document(standards: list[tuple], criteria: list[tuple]) -> dict:
    """A scheme as the JSON of formats.md, from the demo's compact tables (also CNC-S's, app.demo.results)."""
    return {
        "standards": [{"section": s, "name": name, "weight": weight} for s, name, weight in standards],
        "criteria": [{"code": code, "name": name, "sub_criteria": [
            {"id": sub, "name": sub_name, "day": day, "aspects": [
                {"id": f"{sub}.{i}", "type": kind, "description": text, "max": maximum, "section": section,
                 **({"descriptors": DESCRIPTORS} if kind == "J" else {}), **extra}
                for i, (kind, text, maximum, section, extra) in enumerate(aspects, 1)]}
            for sub, sub_name, day, aspects in subs]} for code, name, subs in criteria],
    }


def welding_scheme() -> dict:
    """The WELD-E scheme as the JSON of formats.md."""
    return scheme_document(STANDARDS, CRITERIA)


def stable_number(*parts: str) -> int:
    """A stable pseudo-random number from its parts, so every load of the demo marks the same way."""
    return int(hashlib.sha256("|".join(parts).encode()).hexdigest()[:8], 16)


def _rows(sheet: Marksheet) -> list[Row]:
    rows: list[list[str]] = []
    for competitor in sheet.competitors:
        bib = competitor.lead.contestant_no
        for aspect in sheet.aspects.values():
            if aspect.criterion.code not in MARKED:
                continue
            if aspect.kind == "M":
                allowed = allowed_measurement_marks(as_aspect(aspect))
                mark = allowed[-1 - stable_number(bib, aspect.code) % min(2, len(allowed))]
                rows.append([bib, aspect.code, "", str(mark)])
                continue
            judges = [u for u in JUDGE_ORDER if not sheet.rights.is_conflicted(_user_id(sheet, u), competitor)][:3]
            base = 1 + stable_number(bib, aspect.code) % 2
            for n, judge in enumerate(judges):
                score = base + (n == 2 and stable_number(bib, aspect.code, judge) % 2)
                if (aspect.code, bib) == FLAGGED:
                    score = (1, 3, 3)[n]
                rows.append([bib, aspect.code, judge, str(score)])
    return [Row(i, dict(zip(MARK_COLUMNS, values, strict=False))) for i, values in enumerate(rows, 2)]


def _user_id(sheet: Marksheet, username: str) -> int:
    return next(m.user_id for m in sheet.rights.panel.values() if m.user.username == username)


def load_demo_marking(event: Event) -> None:
    """Give WELD-E a scheme, a draw and paper marks with one criterion locked and one set flagged, so the
    marking pages show every state."""
    skill = event.skill("WELD-E")
    save_scheme(skill, SchemeFile(parse_scheme_json(welding_scheme()), "weld-e-scheme.json"), by_chief_expert=False)
    with audit.acting_as("user:weld-chief"):  # the chief expert draws, as at a real contest
        make_draw(skill, seed=DRAW_SEED)
    sheet = Marksheet(skill)
    import_marks(skill, _rows(sheet))
    sheet = Marksheet(skill)
    for state in criterion_states(sheet):
        if state.criterion.code == LOCKED:
            lock(state.criterion, state, confirm_reduced=False, sign_for_markers=True)
