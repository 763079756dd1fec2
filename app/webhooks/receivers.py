"""Which signals become which webhook types, and the ``data`` each carries (connected in ``create_app``).

Keys are those of the existing JSON formats (docs/formats.md): ``skill``, ``contestant_no``; a
certificate as in the certificate manifest (without ``file``) plus its state; a promotion as a row of
``promotion export`` without ``id_type`` and ``id_number``: a webhook may go over plain http to a
system the organizer chose, and full ID numbers stay with the export and the API, which need a login.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import select

from app.certificates.issuing import verify_url
from app.certificates.models import Certificate
from app.certificates.output import manifest_entry
from app.events.models import Registration
from app.extensions import db
from app.promotion.export import issuer_of, promotion_row
from app.promotion.models import PromotionProposal
from app.results.models import SkillResults
from app.webhooks.outbox import emit

PRIVATE_PROMOTION_COLUMNS = ("id_type", "id_number")


def _iso(moment) -> str | None:
    return moment.isoformat() if moment is not None else None


def results_data(skill_id: int) -> dict[str, Any]:
    """The skill's publication state as it is when the transaction commits."""
    results = db.session.scalar(select(SkillResults).where(SkillResults.skill_id == skill_id))
    return {"skill": results.skill.code, "publication": results.publication.value, "version": results.version,
            "appeals_close_at": _iso(results.appeals_close_at)}


def amended_data(skill_id: int, competitor_ids: list[int], reason: str) -> dict[str, Any]:
    """The results state, the amendment's reason and the bibs whose lines changed."""
    bibs = sorted(db.session.scalars(select(Registration.contestant_no).where(Registration.id.in_(competitor_ids))))
    return {**results_data(skill_id), "reason": str(reason), "results": [{"contestant_no": bib} for bib in bibs]}


def certificate_data(certificate_id: int) -> dict[str, Any]:
    """The manifest entry (with ``verify_url``, what the QR code holds) and the certificate's state."""
    certificate = db.session.get(Certificate, certificate_id)
    entry = {k: v for k, v in manifest_entry(certificate, verify_url(certificate)).items() if k != "file"}
    return {**entry, "status": certificate.status.value, "issue_date": certificate.issue_date.isoformat(),
            "revoked_at": _iso(certificate.revoked_at), "revoked_reason": certificate.revoked_reason,
            "replaced_by": certificate.replaced_by.number if certificate.replaced_by else None}


def promotion_data(proposal_id: int) -> dict[str, Any]:
    """The ``promotion export`` row, ``certificate_no`` filled once the level certificate is issued."""
    proposal = db.session.get(PromotionProposal, proposal_id)
    row = promotion_row(proposal, issuer_of(proposal.event))
    return {k: v for k, v in row.items() if k not in PRIVATE_PROMOTION_COLUMNS}


def _on_results_published(event_id: int, skill_id: int, **_: object) -> None:
    emit(event_id, "results.published", lambda: results_data(skill_id))


def _on_result_amended(event_id: int, skill_id: int, reason: str, competitor_ids: list[int] | None = None,
                       **_: object) -> None:
    changed = list(competitor_ids or [])
    emit(event_id, "results.amended", lambda: amended_data(skill_id, changed, reason))


def _on_certificate_issued(event_id: int, certificate_id: int, **_: object) -> None:
    emit(event_id, "certificate.issued", lambda: certificate_data(certificate_id))


def _on_certificate_revoked(event_id: int, certificate_id: int, **_: object) -> None:
    emit(event_id, "certificate.revoked", lambda: certificate_data(certificate_id))


def _on_promotion_approved(event_id: int, proposal_id: int, **_: object) -> None:
    emit(event_id, "promotion.approved", lambda: promotion_data(proposal_id))


def connect() -> None:
    """Subscribe to the signals, and the outbox to every session's commits."""
    from app import signals
    from app.webhooks import outbox
    outbox.connect()
    signals.results_published.connect(_on_results_published)
    signals.result_amended.connect(_on_result_amended)
    signals.certificate_issued.connect(_on_certificate_issued)
    signals.certificate_revoked.connect(_on_certificate_revoked)
    signals.promotion_approved.connect(_on_promotion_approved)
