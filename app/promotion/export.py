"""Approved promotions for provincial reporting (``promotion export``, promotion.md).

Columns are those promotion.md says provincial reporting asks for (name, ID number, occupation
code, level, certificate number, issue date, issuer) with what identifies the row in the event
(event, skill, bib) and why (previous level, rule, rule set). Choices:

- **The full ID number**, not masked: the human-resources department registers the level against
  the person's identity, and a masked number cannot be matched. The file is the organizer's (the
  command line, or the organizers' download on the proposals page) and carries the ID type beside it.
- **Levels** as codes (``level2``, formats.md) and as their Chinese names (``技师``) in ``level_name``.
- **Issue date** is the level record's ``obtained_on`` (the approval day); ``certificate_no`` is
  empty until the certificates feature fills it; ``issuer`` is the event's evaluation body
  (``level_certificate_issuer``), else its first organizer (谁评价、谁发证, certificates.md).
- Rows are sorted by skill code then bib, in Python (code-point order, design.md); CSV and XLSX go
  through :mod:`app.tabular`'s formula-safe writers.
"""
from __future__ import annotations

from typing import Any

from app.events.models import Event
from app.promotion.models import PromotionProposal, ProposalStatus
from app.promotion.services import proposals_of
from scoring.levels import NAMES_ZH

COLUMNS = ["event", "skill", "contestant_no", "name", "id_type", "id_number", "occupation_code",
           "occupation_name", "previous_level", "level", "level_name", "rule", "rule_set", "certificate_no",
           "issue_date", "issuer"]


def issuer_of(event: Event) -> str:
    """Who issues the event's level certificates: its evaluation body, else its first organizer (谁评价、谁发证)."""
    if event.level_certificate_issuer is not None:
        return event.level_certificate_issuer.code
    links = sorted(event.organizer_links, key=lambda link: link.position)
    return links[0].unit.code if links else ""


def approved_rows(event: Event) -> list[dict[str, Any]]:
    """Every approved promotion that made a level record, one row each (the export's rows)."""
    issuer = issuer_of(event)
    return [promotion_row(p, issuer) for p in proposals_of(event, status=ProposalStatus.APPROVED)
            if p.level_record is not None]


def promotion_row(p: PromotionProposal, issuer: str) -> dict[str, Any]:
    """One approved promotion in :data:`COLUMNS` (also the ``promotion.approved`` webhook's data)."""
    record, person = p.level_record, p.person
    return {"event": p.event.code, "skill": p.skill.code, "contestant_no": p.registration.contestant_no,
            "name": person.name, "id_type": person.id_type.value, "id_number": person.id_number,
            "occupation_code": record.occupation_code, "occupation_name": p.skill.occupation_name or "",
            "previous_level": p.current_level or "", "level": record.level,
            "level_name": NAMES_ZH.get(record.level, record.level), "rule": p.rule or "",
            "rule_set": p.rule_set, "certificate_no": record.certificate_no or "",
            "issue_date": record.obtained_on.isoformat() if record.obtained_on else "", "issuer": issuer}


def export_document(event: Event) -> dict[str, Any]:
    """The JSON of ``promotion export``: the event, its promotion rules and every approved promotion."""
    return {"event": event.code, "rules": event.promotion_rules, "promotions": approved_rows(event)}


def export_table(event: Event) -> tuple[list[str], list[list[object]]]:
    """The CSV/XLSX of ``promotion export``: its columns and one row per approved promotion."""
    return COLUMNS, [[row[c] for c in COLUMNS] for row in approved_rows(event)]
