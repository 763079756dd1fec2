"""A small contest with a 100-mark scheme and a panel, shared by the marking tests.

Units: JX (province) → JX-HRSS; JX-NC (city) → NC-E1, NC-E2; JX-JJ (city) → JJ-E1, JJ-E2.
Event EV1 (today 2026-09-01, the frozen clock):
- WELD (individual): W-01 NC-E1, W-02 JJ-E1, W-03 NC-E2 competed; W-04 NC-E1 absent.
- CARE (teams of 2): T1 = C-01, C-02 (NC-E1); T2 = C-03, C-04 (JJ-E1).
Both skills have components theory/practical, the scheme ``SCHEME_DOC`` (unless ``scheme=False``) and
the same panel: chief, j1, j2 (JJ-E2), j3, res (reserve), sup (supervisor) of JX-HRSS, nc2 (judge,
NC-E2). ``outsider`` is an expert without a seat.

Scheme: A (50) = A1.1 judgement, max 50; B (50) = B1.1 full_or_zero 10, B1.2 bands 20 (≤0.2 → 20,
≤0.5 → 10), B1.3 deduction 20 (5 per defect). Sections 1 and 2 weigh 50 each.
"""
from __future__ import annotations

import copy
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path

from flask import current_app
from sqlalchemy import func, select

from app.audit import AuditEntry
from app.auth.models import Role, User
from app.events.models import Attendance, Component, PanelMember, PanelRole
from app.extensions import db
from app.marking.competitors import by_bib, competitors
from app.marking.models import Mark, MarkingTeamMember, SchemeCriterion
from app.marking.schemes import SchemeFile, parse_scheme_json, save_scheme
from app.tabular import Row
from app.units.models import UnitKind
from tests import factories
from tests.events.helpers import registration

D = Decimal
DESCRIPTORS = ["below industry standard", "meets industry standard", "exceeds it in some respects",
               "wholly exceeds it"]
SCHEME_DOC = {
    "standards": [{"section": "1", "name": "Work organization", "weight": "50"},
                  {"section": "2", "name": "Quality", "weight": "50"}],
    "criteria": [
        {"code": "A", "name": "Finish", "total": "50.00", "sub_criteria": [
            {"id": "A1", "name": "Appearance", "day": 1, "aspects": [
                {"id": "A1.1", "type": "J", "description": "Weld bead appearance", "max": "50.00",
                 "section": "2", "descriptors": DESCRIPTORS}]}]},
        {"code": "B", "name": "Dimensions", "total": "50.00", "sub_criteria": [
            {"id": "B1", "name": "Preparation", "day": 2, "aspects": [
                {"id": "B1.1", "type": "M", "description": "Bevel angle", "max": "10.00", "section": "1",
                 "calculation": "full_or_zero", "requirement": "60°±2°"},
                {"id": "B1.2", "type": "M", "description": "Gap", "max": "20.00", "section": "1",
                 "calculation": "bands", "bands": [["0.2", "20.00"], ["0.5", "10.00"]]},
                {"id": "B1.3", "type": "M", "description": "Defects", "max": "20.00", "section": "1",
                 "calculation": "deduction", "deduct": "5.00"}]}]},
    ],
}
JUDGES = ("j1", "j2", "j3")
COMPETED = ("W-01", "W-02", "W-03")
MEASURED = {"B1.1": "10", "B1.2": "20", "B1.3": "15"}
HEADER = "contestant_no,aspect,judge,score"


def scheme_doc() -> dict:
    return copy.deepcopy(SCHEME_DOC)


def expert(username: str, unit) -> User:
    """An expert account that can log in with ``factories.PASSWORD``."""
    return factories.user(username, role=Role.EXPERT, unit=unit)


def install_scheme(skill, doc: dict | None = None) -> str:
    return save_scheme(skill, SchemeFile(parse_scheme_json(doc or scheme_doc()), "scheme.json"),
                       by_chief_expert=False)


class World:
    def __init__(self, make, *, delegation_kind: UnitKind | None = None, scheme: bool = True, **event_fields):
        root = make.unit("JX", kind=UnitKind.PROVINCE)
        self.hrss = make.unit("JX-HRSS", kind=UnitKind.HR_AUTHORITY, parent=root)
        nc, jj = (make.unit(code, kind=UnitKind.CITY, parent=root) for code in ("JX-NC", "JX-JJ"))
        self.units = {"JX-HRSS": self.hrss, "JX-NC": nc, "JX-JJ": jj}
        for code, parent in (("NC-E1", nc), ("NC-E2", nc), ("JJ-E1", jj), ("JJ-E2", jj)):
            self.units[code] = make.unit(code, parent=parent)
        u = self.units
        self.event = make.event("EV1", organizers=[self.hrss], delegation_kind=delegation_kind, **event_fields)
        components = [Component("theory", Decimal(20)), Component("practical", Decimal(80))]
        self.weld = make.skill(self.event, "WELD", components=components)
        self.care = make.skill(self.event, "CARE", team_size=2, quota_per_unit=1, components=components)
        for bib, unit in (("W-01", "NC-E1"), ("W-02", "JJ-E1"), ("W-03", "NC-E2")):
            registration(self.event, self.weld, u[unit], bib)
        registration(self.event, self.weld, u["NC-E1"], "W-04", attendance=Attendance.ABSENT)
        for bib, unit, team in (("C-01", "NC-E1", "T1"), ("C-02", "NC-E1", "T1"),
                                ("C-03", "JJ-E1", "T2"), ("C-04", "JJ-E1", "T2")):
            registration(self.event, self.care, u[unit], bib, team=team)
        self.users = {}
        seats = (("chief", "JX-HRSS", PanelRole.CHIEF), ("j1", "JJ-E2", PanelRole.JUDGE),
                 ("j2", "JJ-E2", PanelRole.JUDGE), ("j3", "JX-HRSS", PanelRole.JUDGE),
                 ("nc2", "NC-E2", PanelRole.JUDGE), ("res", "JX-HRSS", PanelRole.RESERVE),
                 ("sup", "JX-HRSS", PanelRole.SUPERVISOR))
        for name, unit, role in seats:
            self.users[name] = user = expert(name, u[unit])
            for skill in (self.weld, self.care):
                db.session.add(PanelMember(skill_id=skill.id, user_id=user.id, role=role))
        self.users["outsider"] = expert("outsider", u["JJ-E1"])
        if scheme:
            for skill in (self.weld, self.care):
                install_scheme(skill)
        db.session.commit()

    def criterion(self, code: str, skill=None) -> SchemeCriterion:
        skill = skill or self.weld
        return db.session.scalar(select(SchemeCriterion).where(SchemeCriterion.skill_id == skill.id,
                                                               SchemeCriterion.code == code))

    def competitor(self, bib: str, skill=None):
        return by_bib(competitors(skill or self.weld))[bib]

    def set_team(self, code: str, *names: str) -> None:
        criterion = self.criterion(code)
        for name in names:
            db.session.add(MarkingTeamMember(criterion_id=criterion.id, user_id=self.users[name].id))
        db.session.commit()


# --- mark rows and files ----------------------------------------------------------------------


def judged(score: str = "2", bibs: Iterable[str] = COMPETED, judges: Iterable[str] = JUDGES,
           aspect: str = "A1.1") -> list[tuple[str, str, str, str]]:
    return [(bib, aspect, judge, score) for bib in bibs for judge in judges]


def measured(bibs: Iterable[str] = COMPETED) -> list[tuple[str, str, str, str]]:
    return [(bib, aspect, "", value) for bib in bibs for aspect, value in MEASURED.items()]


def complete() -> list[tuple[str, str, str, str]]:
    """Every mark of every competed WELD contestant: criteria A and B complete, no flag."""
    return judged() + measured()


def rows(*cells: tuple[str, str, str, str]) -> list[Row]:
    """Rows as a file gives them: the header is row 1."""
    return [Row(n, dict(zip(HEADER.split(","), c, strict=True))) for n, c in enumerate(cells, start=2)]


def write(tmp_path: Path, cells: Iterable[tuple[str, ...]], name: str = "marks.csv",
          header: str = HEADER) -> str:
    path = tmp_path / name
    path.write_text("\n".join([header, *(",".join(c) for c in cells)]) + "\n", encoding="utf-8")
    return str(path)


def run(*args: str):
    result = current_app.test_cli_runner().invoke(args=list(args))
    db.session.expire_all()  # the command committed through its own session
    return result


def mark_count() -> int:
    return db.session.scalar(select(func.count(Mark.id)))


def audit_entries(action: str) -> list[AuditEntry]:
    return db.session.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)).all()
