"""The organizer's contest of issue 20, as files: a provincial event whose team skill (2 members) has
a theory component weighted 30 and the practical one 70 (integers, as formats.md shows them), four
teams from four enterprises, three judges and a chief, a scheme of three measurement and two
judgement aspects (100 marks), marks entered under either member's bib, and theory scores.
"""
from __future__ import annotations

import csv
import json
from pathlib import Path

from tests.events.contest import id_number

EVENT = "JX2026-MECH"
SKILL = "MECH-T"

UNITS = [["JX", "江西省", "province", ""], ["JX-HRSS", "江西省人力资源和社会保障厅", "hr_authority", "JX"],
         ["JX-E1", "企业一", "enterprise", "JX"], ["JX-E2", "企业二", "enterprise", "JX"],
         ["JX-E3", "企业三", "enterprise", "JX"], ["JX-E4", "企业四", "enterprise", "JX"],
         ["POOL", "专家库", "other", ""]]

EVENT_FILE = {
    "code": EVENT, "name": "2026年江西省机电一体化竞赛", "tier": "provincial", "class": 1, "year": 2026,
    "organizers": ["JX-HRSS"], "starts_on": "2026-08-20", "ends_on": "2026-08-22",
    "registration": {"opens": "2026-07-01", "closes": "2026-08-10"},
    "awards": "cn_standard", "promotion_rules": "jiangxi-2022", "tie_breakers": [],
    "skills": [{"code": SKILL, "name": "机电一体化（职工组）", "group": "employee",
                "occupation": {"code": "6-31-01-09", "name": "机电一体化工"}, "team_size": 2, "quota_per_unit": 1,
                "components": [{"code": "theory", "weight": 30}, {"code": "practical", "weight": 70}]}],
}

DESCRIPTORS = ["低于行业标准", "符合行业标准", "部分超出行业标准", "完全超出行业标准"]
SCHEME = {"standards": [{"section": "1", "name": "装配", "weight": 66}, {"section": "2", "name": "调试", "weight": 34}],
          "criteria": [
    {"code": "A", "name": "装配", "sub_criteria": [{"id": "A1", "name": "装配精度", "day": 1, "aspects": [
        {"id": "A1.1", "type": "M", "description": "定位", "max": 40, "section": "1"},
        {"id": "A1.2", "type": "M", "description": "间隙", "max": "11.00", "section": "1"},
        {"id": "A1.3", "type": "M", "description": "紧固", "max": 15, "section": "1"}]}]},
    {"code": "B", "name": "调试", "sub_criteria": [{"id": "B1", "name": "运行", "day": 2, "aspects": [
        {"id": "B1.1", "type": "J", "description": "运行平稳", "max": 24, "section": "2", "descriptors": DESCRIPTORS},
        {"id": "B1.2", "type": "J", "description": "工艺美观", "max": 10, "section": "2",
         "descriptors": DESCRIPTORS}]}]}]}

# team → (unit, members' bibs, the bib its marks are entered under, M marks, J scores, theory)
TEAMS = {
    "T1": ("JX-E1", ["M-01", "M-02"], "M-02", {"A1.1": 40, "A1.2": 11, "A1.3": 0}, {"B1.1": 3, "B1.2": 0}, "85.15"),
    "T2": ("JX-E2", ["M-03", "M-04"], "M-03", {"A1.1": 40, "A1.2": 0, "A1.3": 15}, {"B1.1": 2, "B1.2": 3}, "60"),
    "T3": ("JX-E3", ["M-05", "M-06"], "M-06", {"A1.1": 0, "A1.2": 11, "A1.3": 15}, {"B1.1": 1, "B1.2": 2}, "70.00"),
    "T4": ("JX-E4", ["M-07", "M-08"], "M-07", {"A1.1": 40, "A1.2": 11, "A1.3": 15}, {"B1.1": 1, "B1.2": 1}, "50.0"),
}
JUDGES = ["mj1", "mj2", "mj3"]


def write_csv(path: Path, header: list[str], rows: list[list]) -> str:
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows(rows)
    return str(path)


def contest_files(d: Path, event: dict = EVENT_FILE, scheme: dict = SCHEME) -> dict[str, str]:
    """Every file the organizer imports, written into ``d``; returns their paths by kind."""
    files = {"units": write_csv(d / "units.csv", ["code", "name", "kind", "parent_code"], UNITS)}
    (d / "event.json").write_text(json.dumps(event, ensure_ascii=False), encoding="utf-8")
    (d / "scheme.json").write_text(json.dumps(scheme, ensure_ascii=False), encoding="utf-8")
    files["event"], files["scheme"] = str(d / "event.json"), str(d / "scheme.json")
    people = []
    for team, (unit, bibs, *_rest) in TEAMS.items():
        for bib in bibs:
            people.append([unit, SKILL, bib, f"选手{bib}", "", id_number("1995-03-04"), "1995-03-04", "M",
                           "employee", "level4", "", "", team])
    files["contestants"] = write_csv(d / "contestants.csv", [
        "unit_code", "skill_code", "contestant_no", "name", "id_type", "id_number", "birth_date", "gender",
        "group", "current_level", "current_level_cert_no", "phone", "team"], people)
    files["judges"] = write_csv(d / "judges.csv", ["skill_code", "username", "name", "unit_code", "role"],
                                [[SKILL, j, f"裁判{j}", "POOL", "judge"] for j in JUDGES]
                                + [[SKILL, "mchief", "裁判长", "POOL", "chief"]])
    marks = []
    for _unit, _bibs, entered_under, measured, judged, _theory in TEAMS.values():
        marks += [[entered_under, aspect, "", f"{score}"] for aspect, score in measured.items()]
        marks += [[entered_under, aspect, judge, score] for aspect, score in judged.items() for judge in JUDGES]
    files["marks"] = write_csv(d / "marks.csv", ["contestant_no", "aspect", "judge", "score"], marks)
    files["theory"] = write_csv(d / "theory.csv", ["contestant_no", "score"],
                                [[bibs[-1], theory] for _u, bibs, _e, _m, _j, theory in TEAMS.values()])
    return files
