"""Units, events and contestants for the grants tests, built directly (the end-to-end test builds
its own through the command line).

Units: JX (province) → JX-HRSS (hr_authority), JX-JT (industry: the transport department), JX-TC1
(school), JX-NC (city) → NC-E1; BJ (another province) → BJ-S1 (school).
Events of 2026:
- NAT (national, no class = class 1): WELD hosted by JX-TC1, CNC. Contestants: N-01 JX-TC1 WELD,
  N-02 JX-TC1 CNC, N-03 BJ-S1 WELD competed; N-04 NC-E1 WELD absent.
- PROV (provincial class 1) organized by JX-HRSS with JX-JT: skills A and B, no contestants.
jiangxi-2019 pays for 2026 (hand-computed):
    JX-TC1  national_hosting        NAT/WELD   300,000
            national_participation  NAT/CNC    100,000
            national_participation  NAT/WELD   100,000
    BJ-S1   national_participation  NAT/WELD   100,000
    JX-JT   provincial_class1_organizing PROV/A, PROV/B  2 × 100,000
    JX-HRSS nothing (hr_authority); NC-E1 nothing (absent)          total 800,000; JX tree 700,000
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

from app.events.models import Attendance
from app.extensions import db
from app.units.models import UnitKind
from tests.events.helpers import registration

JIANGXI_2026 = {
    ("BJ-S1", "national_participation", "NAT/WELD"): Decimal("100000.00"),
    ("JX-JT", "provincial_class1_organizing", "PROV/A"): Decimal("100000.00"),
    ("JX-JT", "provincial_class1_organizing", "PROV/B"): Decimal("100000.00"),
    ("JX-TC1", "national_hosting", "NAT/WELD"): Decimal("300000.00"),
    ("JX-TC1", "national_participation", "NAT/CNC"): Decimal("100000.00"),
    ("JX-TC1", "national_participation", "NAT/WELD"): Decimal("100000.00"),
}


class GrantsWorld:
    def __init__(self, make):
        self.make = make
        jx = make.unit("JX", kind=UnitKind.PROVINCE)
        self.units = {"JX": jx}
        for code, kind in (("JX-HRSS", UnitKind.HR_AUTHORITY), ("JX-JT", UnitKind.INDUSTRY),
                           ("JX-TC1", UnitKind.SCHOOL), ("JX-NC", UnitKind.CITY)):
            self.units[code] = make.unit(code, kind=kind, parent=jx)
        self.units["NC-E1"] = make.unit("NC-E1", parent=self.units["JX-NC"])
        self.units["BJ"] = make.unit("BJ", kind=UnitKind.PROVINCE)
        self.units["BJ-S1"] = make.unit("BJ-S1", kind=UnitKind.SCHOOL, parent=self.units["BJ"])
        u = self.units
        self.nat = make.event("NAT", organizers=[make.unit("MOHRSS", kind=UnitKind.HR_AUTHORITY)],
                              tier="national", event_class=None, starts_on=date(2026, 6, 1))
        self.weld = make.skill(self.nat, "WELD", name="焊接", host_unit=u["JX-TC1"],
                               occupation_code="6-18-02-04")
        self.cnc = make.skill(self.nat, "CNC", name="数控铣")
        self.regs = {
            "N-01": registration(self.nat, self.weld, u["JX-TC1"], "N-01"),
            "N-02": registration(self.nat, self.cnc, u["JX-TC1"], "N-02"),
            "N-03": registration(self.nat, self.weld, u["BJ-S1"], "N-03"),
            "N-04": registration(self.nat, self.weld, u["NC-E1"], "N-04", attendance=Attendance.ABSENT),
        }
        self.prov = make.event("PROV", organizers=[u["JX-HRSS"], u["JX-JT"]], tier="provincial",
                               event_class="1", starts_on=date(2026, 7, 1))
        make.skill(self.prov, "A")
        make.skill(self.prov, "B")
        db.session.commit()


def write_csv(tmp_path: Path, name: str, header: str, *rows: str) -> str:
    path = tmp_path / name
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return str(path)


def amounts(lines) -> dict[tuple[str, str, str], Decimal | None]:
    return {(line.payee, line.rule, line.trigger): line.amount for line in lines}
