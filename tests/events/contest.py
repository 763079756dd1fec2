"""A provincial contest to register into, and contestant rows with valid ID numbers.

Today is 2026-09-01 (the frozen clock); the window runs 2026-08-01 – 2026-09-15, so it is open.
"""
from __future__ import annotations

import itertools

from app.auth.models import Role
from app.events.models import SkillGroup
from app.events.registration import CONTESTANT_COLUMNS
from app.extensions import db
from app.people.idcard import check_digit
from app.tabular import Row
from app.units.models import UnitKind

_seq = itertools.count(1)


def id_number(born: str = "2000-05-01", male: bool = True) -> str:
    """A resident ID number whose check digit, birth date and gender digit are right."""
    body = f"360102{born.replace('-', '')}{next(_seq) % 400 * 2 + (1 if male else 0):03d}"
    return body + check_digit(body)


def values(**overrides: str) -> dict[str, str]:
    """One contestant's cells; a fresh person unless ``id_number`` is given."""
    born = overrides.get("birth_date", "2000-05-01")
    male = overrides.get("gender", "M") in ("M", "男")
    cells = {"unit_code": "NC-E1", "skill_code": "WELD", "contestant_no": f"B-{next(_seq):03d}",
             "name": f"选手{next(_seq)}", "id_type": "", "birth_date": born, "gender": "M" if male else "F",
             "group": "", "current_level": "", "current_level_cert_no": "", "phone": "", "team": ""}
    cells.update(overrides)
    if "id_number" not in cells:
        cells["id_number"] = id_number(born, male)
    assert set(cells) == set(CONTESTANT_COLUMNS)
    return cells


def rows(*cells: dict[str, str]) -> list[Row]:
    """Rows as a file gives them: the header is row 1."""
    return [Row(number, c) for number, c in enumerate(cells, start=2)]


def csv_text(*cells: dict[str, str]) -> str:
    lines = [",".join(CONTESTANT_COLUMNS)] + [",".join(c[k] for k in CONTESTANT_COLUMNS) for c in cells]
    return "\n".join(lines) + "\n"


class Contest:
    """JX (province) → JX-HRSS (organizer), JX-NC (city) → NC-E1, NC-E2; JX-TC1 (school, under the
    province directly); OTHER (another province) → OT-E1. Event EV1 with WELD (employee, 16+, quota 2),
    CNC (student, at most 22, at least level4) and CARE (teams of 2, one team per unit)."""

    def __init__(self, make):
        self.root = make.unit("JX", kind=UnitKind.PROVINCE)
        self.hrss = make.unit("JX-HRSS", kind=UnitKind.HR_AUTHORITY, parent=self.root)
        self.nc = make.unit("JX-NC", kind=UnitKind.CITY, parent=self.root)
        self.e1 = make.unit("NC-E1", parent=self.nc)
        self.e2 = make.unit("NC-E2", parent=self.nc)
        self.school = make.unit("JX-TC1", kind=UnitKind.SCHOOL, parent=self.root)
        self.other = make.unit("OTHER", kind=UnitKind.PROVINCE)
        self.other_e1 = make.unit("OT-E1", parent=self.other)
        self.event = make.event("EV1", organizers=[self.hrss])
        self.weld = make.skill(self.event, "WELD", group=SkillGroup.EMPLOYEE, quota_per_unit=2, min_age=16)
        self.cnc = make.skill(self.event, "CNC", group=SkillGroup.STUDENT, max_age=22, min_level="level4")
        self.care = make.skill(self.event, "CARE", team_size=2, quota_per_unit=1)
        make.user("org", role=Role.ORGANIZER, unit=self.hrss)
        make.user("nc-admin", role=Role.UNIT_ADMIN, unit=self.nc)
        make.user("other-admin", role=Role.UNIT_ADMIN, unit=self.other)
        make.user("other-org", role=Role.ORGANIZER, unit=self.other)
        make.user("expert", role=Role.EXPERT)
        db.session.commit()
