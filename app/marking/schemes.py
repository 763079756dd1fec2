"""A skill's marking scheme: the JSON of formats.md, the CIS spreadsheet, and the stored rows.

``read_scheme_file`` accepts either format and returns the pure :class:`scoring.marks.Scheme`;
``save_scheme`` validates it with the event's section tolerance and stores it.

Choices where marking.md is silent on "frozen once marking has started": before the first mark a
new scheme simply replaces the old one; afterwards only the skill's chief expert may change it,
and only its wording (names, descriptions, descriptors, requirements, sections' names) — ids,
types, max marks, calculations and sections stay, so no stored mark changes meaning. Every
replacement or change is audited with the before and after documents.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import delete, exists, select

from app import audit, clock
from app.errors import DomainError, InputRefused, Problem
from app.events.models import Skill
from app.extensions import db
from app.inputs import problems_of
from app.json_reader import load_json
from app.marking.models import (
    Mark,
    SchemeAspect,
    SchemeCriterion,
    SchemeSection,
    SchemeSource,
    SchemeSubCriterion,
)
from app.marking.scheme_document import SchemeDocument
from app.messages import msg
from scoring.inputs import read, salvage
from scoring.marks import Aspect, Band, Criterion, Scheme, Standard, SubCriterion, validate_scheme


@dataclass(frozen=True)
class SchemeFile:
    """A scheme as read from a file; a CIS sheet also gives its title and where its rows stood."""

    scheme: Scheme
    filename: str
    cis_title: str | None = None
    cis_layout: dict[str, int] | None = None


def read_scheme_file(data: bytes, filename: str, *, section_tolerance: Decimal | None = None) -> SchemeFile:
    """A scheme from a ``.json`` document or a CIS ``.xlsx`` sheet; every problem at once."""
    if filename.lower().endswith(".xlsx"):
        from app.marking.cis import read_cis_with_layout
        scheme, title, layout = read_cis_with_layout(data)
        return SchemeFile(scheme, filename, title or None, dict(layout.rows))
    if filename.lower().endswith(".json"):
        return SchemeFile(parse_scheme_json(load_json(data), section_tolerance=section_tolerance), filename)
    raise InputRefused([Problem("file", msg("a scheme is a .json or .xlsx file"))])


def parse_scheme_json(doc: Any, *, section_tolerance: Decimal | None = None) -> Scheme:
    """The scheme of a JSON document. A document with structural problems (an unknown key, a bad
    value) is refused with the scheme checks' findings too, so one refusal names every problem; the
    sections' balance joins them when ``section_tolerance`` (the event's) is given. ``save_scheme``
    runs every check again."""
    document, found = read(SchemeDocument, doc)
    if document is not None:
        return document.scheme()
    problems = problems_of(found)
    if isinstance(doc, dict):  # skip what an unreadable value or missing id implies
        reported = [f.where for f in found]
        tolerance = section_tolerance if section_tolerance is not None else Decimal("Infinity")
        problems += problems_of([
            f for f in validate_scheme(salvage(SchemeDocument, doc).scheme(), tolerance)
            if "" not in f.params.values()
            and not any(f.where == w or f.where.startswith((f"{w}.", f"{w}[")) for w in reported)])
    raise InputRefused(problems)


def scheme_document(scheme: Scheme) -> dict[str, Any]:
    """The JSON of formats.md; decimals as 2-decimal strings, optional keys only when set."""
    return {
        "standards": [{"section": s.section, "name": s.name, "weight": _number(s.weight)} for s in scheme.standards],
        "criteria": [{
            "code": c.code, "name": c.name, "total": str(c.max_total),
            "sub_criteria": [{
                "id": sub.id, "name": sub.name, **({"day": sub.day} if sub.day is not None else {}),
                "aspects": [_aspect_document(a) for a in sub.aspects],
            } for sub in c.sub_criteria],
        } for c in scheme.criteria],
    }


def _number(value: Decimal) -> str:
    return str(value.quantize(Decimal("0.01")))


def _aspect_document(a: Aspect) -> dict[str, Any]:
    doc: dict[str, Any] = {"id": a.id, "type": a.type, "description": a.description, "max": _number(a.max),
                           "section": a.section}
    if a.is_judgement:
        doc["descriptors"] = list(a.descriptors)
    else:
        doc["calculation"] = a.calculation
        if a.calculation == "bands":
            doc["bands"] = [[_number(b.limit), _number(b.mark)] for b in a.bands]
        if a.calculation == "deduction" and a.deduct is not None:
            doc["deduct"] = _number(a.deduct)
    for key in ("requirement", "extra"):
        if getattr(a, key):
            doc[key] = getattr(a, key)
    return doc


def has_scheme(skill: Skill) -> bool:
    """Whether the skill has a marking scheme yet (marking, draws and results need one)."""
    return db.session.scalar(select(exists().where(SchemeCriterion.skill_id == skill.id))) or False


def has_marks(skill: Skill) -> bool:
    """Whether any mark is stored for the skill: from then on its scheme is frozen and its draw cannot be
    redone (marks would be mislabelled)."""
    return db.session.scalar(select(exists().where(Mark.skill_id == skill.id))) or False


def load_scheme(skill: Skill) -> Scheme | None:
    """The stored scheme as the pure dataclasses, or ``None`` when the skill has none yet."""
    criteria = db.session.scalars(select(SchemeCriterion).where(SchemeCriterion.skill_id == skill.id)
                                  .order_by(SchemeCriterion.position)).all()
    if not criteria:
        return None
    sections = db.session.scalars(select(SchemeSection).where(SchemeSection.skill_id == skill.id)
                                  .order_by(SchemeSection.position)).all()
    return Scheme(
        standards=tuple(Standard(s.section, s.name, s.weight) for s in sections),
        criteria=tuple(Criterion(c.code, c.name, tuple(
            SubCriterion(sub.code, sub.name, sub.day, tuple(as_aspect(a) for a in sub.aspects))
            for sub in c.sub_criteria), c.stated_total) for c in criteria))


def as_aspect(row: SchemeAspect) -> Aspect:
    """A stored aspect as scoring's pure dataclass, which computes the marks."""
    return Aspect(
        id=row.code, type=row.kind, description=row.description, max=row.max_mark, section=row.section,
        calculation=row.calculation, bands=tuple(Band(Decimal(lim), Decimal(mark)) for lim, mark in row.bands or []),
        deduct=row.deduct, descriptors=tuple(row.descriptors or ()), requirement=row.requirement, extra=row.extra)


def save_scheme(skill: Skill, source: SchemeFile, *, by_chief_expert: bool) -> str:
    """Validate and store; returns ``"created"``, ``"replaced"`` or ``"reworded"``."""
    scheme = source.scheme
    findings = validate_scheme(scheme, skill.event.section_tolerance)
    if findings:
        raise InputRefused(problems_of(findings))
    before = load_scheme(skill)
    if before is not None and has_marks(skill):
        if not by_chief_expert:
            raise DomainError(msg("marking of %(skill)s has started: only its chief expert may change the scheme",
                                  skill=skill.code))
        _reword(skill, before, scheme)
        outcome = "reworded"
    else:
        _replace(skill, scheme)
        outcome = "replaced" if before is not None else "created"
    _remember_source(skill, source)
    audit.record(f"scheme.{outcome}", "skill", skill.id, event_id=skill.event_id,
                 before=scheme_document(before) if before else None, after=scheme_document(scheme))
    return outcome


def _remember_source(skill: Skill, source: SchemeFile) -> None:
    row = db.session.scalar(select(SchemeSource).where(SchemeSource.skill_id == skill.id))
    if row is None:
        row = SchemeSource(skill_id=skill.id)
        db.session.add(row)
    row.filename, row.cis_title, row.cis_layout = source.filename[:255], source.cis_title, source.cis_layout
    row.imported_at, row.imported_by = clock.now(), audit.current_actor()


def scheme_xlsx(skill: Skill, scheme: Scheme) -> bytes:
    """The scheme as a CIS sheet, in the imported sheet's layout when it came from one."""
    from app.marking.cis import CisLayout, write_cis
    source = db.session.scalar(select(SchemeSource).where(SchemeSource.skill_id == skill.id))
    title = (source.cis_title if source else None) or f"{skill.code} {skill.name}"
    layout = CisLayout(source.cis_layout) if source and source.cis_layout else None
    return write_cis(scheme, title, layout)


def _replace(skill: Skill, scheme: Scheme) -> None:
    for model in (SchemeAspect, SchemeCriterion, SchemeSection):  # sub-criteria go with their criteria
        db.session.execute(delete(model).where(model.skill_id == skill.id))
    for i, s in enumerate(scheme.standards):
        db.session.add(SchemeSection(skill_id=skill.id, position=i, section=s.section, name=s.name, weight=s.weight))
    for ci, c in enumerate(scheme.criteria):
        criterion = SchemeCriterion(skill_id=skill.id, position=ci, code=c.code, name=c.name, stated_total=c.total)
        for si, sub in enumerate(c.sub_criteria):
            row = SchemeSubCriterion(position=si, code=sub.id, name=sub.name, day=sub.day)
            row.aspects = [SchemeAspect(skill_id=skill.id, position=ai, **_aspect_columns(a))
                           for ai, a in enumerate(sub.aspects)]
            criterion.sub_criteria.append(row)
        db.session.add(criterion)
    db.session.flush()


def _aspect_columns(a: Aspect) -> dict[str, Any]:
    return {"code": a.id, "kind": a.type, "description": a.description, "max_mark": a.max, "section": a.section,
            "calculation": a.calculation,
            "bands": [[str(b.limit), str(b.mark)] for b in a.bands] or None, "deduct": a.deduct,
            "descriptors": list(a.descriptors) or None, "requirement": a.requirement, "extra": a.extra}


def _shape(scheme: Scheme) -> list[tuple]:
    """What a stored mark depends on; a reworded scheme must keep it."""
    return [(c.code, sub.id, a.id, a.type, a.max, a.section, a.calculation if not a.is_judgement else "",
             a.bands, a.deduct) for c in scheme.criteria for sub in c.sub_criteria for a in sub.aspects] + \
        [("section", s.section, s.weight) for s in scheme.standards]


def _reword(skill: Skill, before: Scheme, after: Scheme) -> None:
    if _shape(before) != _shape(after):
        raise DomainError(msg("marks exist for %(skill)s: a new scheme may change wording only, not ids, types, "
                              "max marks, calculations or sections", skill=skill.code))
    texts = {a.id: a for a in after.aspects()}
    for aspect in db.session.scalars(select(SchemeAspect).where(SchemeAspect.skill_id == skill.id)):
        new = texts[aspect.code]
        aspect.description, aspect.requirement, aspect.extra = new.description, new.requirement, new.extra
        aspect.descriptors = list(new.descriptors) or None
    names = {c.code: c for c in after.criteria}
    for criterion in db.session.scalars(select(SchemeCriterion).where(SchemeCriterion.skill_id == skill.id)):
        criterion.name = names[criterion.code].name
        sub_names = {s.id: s for s in names[criterion.code].sub_criteria}
        for sub in criterion.sub_criteria:
            sub.name, sub.day = sub_names[sub.code].name, sub_names[sub.code].day
    section_names = {s.section: s.name for s in after.standards}
    for section in db.session.scalars(select(SchemeSection).where(SchemeSection.skill_id == skill.id)):
        section.name = section_names[section.section]
