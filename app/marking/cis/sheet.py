"""What the CIS reader and writer both know of the sheet: its name, header texts and a read's layout."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

SHEET = "CIS Marking Scheme Import"

# Header texts exactly as in the WorldSkills sheet (with their line breaks).
STANDARDS_TITLE = "WorldSkills Occupational Standards"
STANDARDS_HEADERS = {1: "Section", 2: "WSOS Marks", 9: "WSOS Marks", 10: "Aspect Marks", 11: "Variation"}
CRITERIA_TITLE = "Criteria"
CRITERIA_HEADERS = {1: "ID", 2: "Name", 11: "Mark"}
BLOCK_HEADERS = {
    1: "Sub\nCriterion\nID",
    2: "Sub Criterion\nName or Description",
    3: "Day of Marking",
    4: "Aspect\nType\nM = Meas\nJ = Judg",
    5: "Aspect - Description",
    6: "Judg Score",
    7: "Extra Aspect Description (Meas or Judg)\nOR\nJudgement Score Description (Judg only)",
    8: "Requirement\n(Measurement Only)",
    9: "WSOS Section",
    10: "Calculation Row \n(Export only)",
    11: "Max\nMark",
}
TOTAL_MARK = "Total\nMark"


@dataclass(frozen=True)
class CisLayout:
    """Where a sheet put things (``criteria``, ``criterion A``, ``sub A1``, ``aspect A1.1``, ``footer``)."""

    rows: Mapping[str, int] = field(default_factory=dict)

