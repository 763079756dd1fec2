"""A published skill's whole public table as a file (CSV or JSON): the columns its public page shows,
for readers who want every line rather than the page's first screen.

Columns: rank, bib, name (a team's members joined with 、), team (team skills only), unit (its name,
as on the page), status, one ``crit_<code>`` per criterion in scheme order, penalties (their sum;
the JSON lists each with its reason), total, scale and award. Nothing else: no ID number, no
sub-criteria, nothing about the reader. CSV is UTF-8 with a BOM and formula-safe (:mod:`app.tabular`).
"""
from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from app.results.tables import Line, SkillTable
from app.tabular import csv_bytes

MIMETYPES = {"json": "application/json", "csv": "text/csv; charset=utf-8"}


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def _line(line: Line, table: SkillTable) -> dict[str, Any]:
    s = line.standing
    doc: dict[str, Any] = {"rank": s.rank, "contestant_no": line.bib, "name": line.name}
    if table.skill.team_size > 1:
        doc["team"] = line.team
    doc |= {"unit": line.unit.name, "status": s.status.value,
            "criteria": {c: s.criteria[c] for c in table.criteria if c in s.criteria},
            "penalties": [{"amount": p["amount"], "reason": p["reason"]} for p in s.penalties],
            "raw_total": _text(s.raw_total), "scale": s.scale, "award": s.award}
    return doc


def public_json(table: SkillTable, names: dict[str, str]) -> bytes:
    """A published skill's public table as JSON, with criterion names and maxima; nothing beyond the page."""
    doc = {"event": table.skill.event.code, "skill": table.skill.code, "skill_name": table.skill.name,
           "publication": table.results.publication.value,
           "criteria": [{"code": c, "name": names.get(c, ""), "max": table.results.criterion_max[c]}
                        for c in table.criteria],
           "results": [_line(line, table) for line in table.lines]}
    return (json.dumps(doc, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def public_csv(table: SkillTable) -> bytes:
    """A published skill's public table as CSV (penalties summed); formula-safe, for spreadsheet readers."""
    team = table.skill.team_size > 1
    header = (["rank", "contestant_no", "name"] + (["team"] if team else []) + ["unit", "status"]
              + [f"crit_{c}" for c in table.criteria] + ["penalties", "raw_total", "scale", "award"])
    rows = []
    for line in table.lines:
        doc = _line(line, table)
        penalties = sum((Decimal(p["amount"]) for p in doc["penalties"]), Decimal("0.00"))
        rows.append([doc["rank"], doc["contestant_no"], doc["name"]] + ([doc["team"]] if team else [])
                    + [doc["unit"], doc["status"]] + [doc["criteria"].get(c) for c in table.criteria]
                    + [penalties if doc["penalties"] else None, doc["raw_total"], doc["scale"], doc["award"]])
    return csv_bytes(header, [["" if v is None else v for v in row] for row in rows])
