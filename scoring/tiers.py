"""The tiers of China's skills-competition system (tiers.md), highest first.

``rank`` orders tiers (lower is higher). ``classes`` lists the classes a tier's events may carry;
an empty tuple means the tier has none. ``comprehensive`` counts as class 1 wherever a rule names
class 1 (formats.md).
"""
from __future__ import annotations

from dataclasses import dataclass

CLASS_CODES = ("1", "2", "3", "comprehensive")


@dataclass(frozen=True)
class Tier:
    code: str
    rank: int
    name_zh: str
    name_en: str
    classes: tuple[str, ...] = ()


TIERS: dict[str, Tier] = {t.code: t for t in (
    Tier("worldskills", 1, "世界技能大赛", "WorldSkills Competition"),
    Tier("worldskills_selection", 2, "世界技能大赛全国选拔赛", "WorldSkills national selection"),
    Tier("national", 3, "国家级一类竞赛", "National (class 1) contest", ("1", "comprehensive")),
    Tier("national_industry", 4, "全国行业职业技能竞赛", "National industry contest"),
    Tier("provincial", 5, "省级职业技能竞赛", "Provincial contest", CLASS_CODES),
    Tier("municipal", 6, "市级职业技能竞赛", "Municipal contest", ("1", "2", "comprehensive")),
    Tier("county", 7, "县级职业技能竞赛", "County or district contest", ("1", "2", "comprehensive")),
    Tier("special", 8, "专项赛", "Special contest"),
    Tier("enterprise", 9, "企业职业技能比赛", "Enterprise contest"),
    Tier("school", 9, "院校职业技能比赛", "School contest"),
)}

# Tiers whose events carry an ``effective_tier`` instead of their own rank (tiers.md).
NEEDS_EFFECTIVE_TIER = frozenset({"special"})


def tier_rank(code: str) -> int:
    """The tier's rank for ordering events by tier; lower is the higher tier."""
    return TIERS[code].rank


def counts_as_class_1(event_class: str | None) -> bool:
    """Whether a rule naming class 1 applies to an event of this class: ``comprehensive`` counts as class 1."""
    return event_class in ("1", "comprehensive")
