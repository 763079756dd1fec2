"""The standings export of formats.md: JSON, and CSV/XLSX with one row per result.

Choices where formats.md is silent: a team row's ``name`` joins its members' names with 、;
``unit_points`` count by delegation when the event sets ``delegation_kind`` (a city delegation's
medals are the city's), else by the contestant's own unit; ``albert_vidal`` entries carry the skill
and the shown scale. Contestants who did not compete have ``raw_total`` null as well (they were not
marked). Skills without a marking scheme have no standings and are left out. Each skill says whether
it is ``complete``: incomplete standings (some criteria not locked, a component missing) carry ranks
over what is locked but no award.
"""
from __future__ import annotations

from typing import Any

from app.events.eligibility import delegation_of
from app.events.models import Event
from app.results.tables import Line, SkillTable
from scoring.medals import albert_vidal, best_of_unit_by_scale, unit_points

CSV_COLUMNS = ["skill", "rank", "contestant_no", "name", "unit", "status", "raw_total", "scale", "award"]


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def result_document(line: Line, table: SkillTable) -> dict[str, Any]:
    """One result line of the standings JSON (formats.md); components and team members only where the skill has them."""
    s = line.standing
    doc: dict[str, Any] = {
        "contestant_no": line.bib, "name": line.name, "unit": line.unit.code, "status": s.status.value,
        "raw_total": _text(s.raw_total), "scale": s.scale, "rank": s.rank, "award": s.award,
        "criteria": dict(s.criteria), "sub_criteria": dict(s.sub_criteria), "penalties": list(s.penalties),
    }
    if table.skill.components:
        doc["components"] = dict(s.components or {})
    if table.skill.team_size > 1:
        doc["team"] = line.team
        doc["members"] = [{"contestant_no": m.contestant_no, "name": m.person.name} for m in line.members]
    return doc


def standings_document(event: Event, tables: list[SkillTable]) -> dict[str, Any]:
    """The whole standings JSON of an event (formats.md); WorldSkills events add Albert Vidal and unit points."""
    doc: dict[str, Any] = {
        "event": event.code,
        "skills": [{"skill": t.skill.code, "standardized": t.results.standardized, "competed": t.results.competed,
                    "complete": t.results.complete, "results": [result_document(line, t) for line in t.lines]}
                   for t in tables],
        "best_of_unit": best_of_unit_entries(tables),
    }
    if event.awards == "worldskills":
        doc["albert_vidal"] = albert_vidal_entries(tables)
        doc["unit_points"] = event_unit_points(event, tables)
    return doc


def _scaled(tables: list[SkillTable]) -> dict[tuple[str, str], tuple[Line, SkillTable]]:
    return {(t.skill.code, line.bib): (line, t) for t in tables for line in t.lines
            if line.standing.scale_exact is not None}


def best_of_unit_entries(tables: list[SkillTable]) -> list[dict[str, Any]]:
    """Each unit's best competitor across skills by scale, for the export's ``best_of_unit``."""
    scaled = _scaled(tables)
    best = best_of_unit_by_scale((key, line.unit.code, line.standing.scale_unrounded)
                                 for key, (line, _) in scaled.items())
    return [{"unit": unit, "contestant_no": scaled[key][0].bib, "skill": key[0],
             "scale": scaled[key][0].standing.scale}
            for unit in sorted(best) for key in sorted(best[unit])]


def albert_vidal_entries(tables: list[SkillTable]) -> list[dict[str, Any]]:
    """The Albert Vidal award winners (best scale of the event) for a WorldSkills event's export."""
    scaled = _scaled(tables)
    winners = albert_vidal({key: line.standing.scale_unrounded for key, (line, _) in scaled.items()})
    return [{"contestant_no": scaled[key][0].bib, "name": scaled[key][0].name, "skill": key[0],
             "unit": scaled[key][0].unit.code, "scale": scaled[key][0].standing.scale} for key in sorted(winners)]


def points_unit(event: Event, line: Line) -> str:
    """The unit a line's medal points go to: its delegation when the event sets one, else its own unit."""
    return delegation_of(line.unit, event.delegation_kind).code


def event_unit_points(event: Event, tables: list[SkillTable]) -> dict[str, int]:
    """Medal points per unit (or delegation) over every skill of the event, sorted by unit code."""
    points = unit_points((points_unit(event, line), line.standing.award) for t in tables for line in t.lines)
    return dict(sorted(points.items()))


def standings_rows(tables: list[SkillTable]) -> tuple[list[str], list[list[Any]]]:
    """CSV/XLSX: the contract's columns, then ``crit_<code>`` for every criterion any skill has, in
    scheme order of the first skill that names it."""
    codes: list[str] = []
    for t in tables:
        codes += [c for c in t.criteria if c not in codes]
    header = CSV_COLUMNS + [f"crit_{c}" for c in codes]
    rows = []
    for t in tables:
        for line in t.lines:
            doc = result_document(line, t)
            rows.append([t.skill.code] + [doc[c] for c in CSV_COLUMNS[1:]]
                        + [doc["criteria"].get(c) for c in codes])
    return header, [["" if v is None else v for v in row] for row in rows]
