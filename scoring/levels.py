"""The vocational skill-level ladder (人社部发〔2022〕14号), lowest first, and its names.

Levels are always held in an occupation; this module only knows their order and spelling.
"""
from __future__ import annotations

LADDER: tuple[str, ...] = ("apprentice", "level5", "level4", "level3", "level2", "level1", "principal", "chief")

NAMES_ZH: dict[str, str] = {
    "apprentice": "学徒工", "level5": "初级工", "level4": "中级工", "level3": "高级工",
    "level2": "技师", "level1": "高级技师", "principal": "特级技师", "chief": "首席技师",
}
_ALIASES: dict[str, str] = {
    **{zh: code for code, zh in NAMES_ZH.items()},
    "五级": "level5", "四级": "level4", "三级": "level3", "二级": "level2", "一级": "level1",
    "初级工（五级）": "level5", "中级工（四级）": "level4", "高级工（三级）": "level3",
    "技师（二级）": "level2", "高级技师（一级）": "level1",
}


def parse_level(text: str) -> str | None:
    """A level code from a code or a Chinese name; ``None`` when it is neither."""
    value = text.strip()
    if value in LADDER:
        return value
    return _ALIASES.get(value.replace("(", "（").replace(")", "）"))


def level_index(code: str) -> int:
    """The position of a level code on the ladder, so that levels compare as numbers (higher is above)."""
    return LADDER.index(code)
