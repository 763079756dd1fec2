"""Certificates through the integration API: an event's list, one certificate's status, its Open
Badges credential, and the verification of a QR code's token.

- The list (``/events/<code>/certificates``) is the organizers' certificates page: the event's
  organizers and admins; anyone else 404.
- One certificate's status and its credential are for those the web hands the PDF to
  (:func:`app.certificates.own.may_hand_out`): the holder (a contestant account) and the event's
  organizers. The status answers for a revoked certificate too (that is what a status is for); the
  credential is never handed out for a revoked one, as on the web.
- The credential is the VC-JWT of :func:`app.certificates.vc_jwt.certificate_credential` (the web's
  ``.jwt`` download), wrapped in a JSON object with its id and media type: the API answers JSON, and
  the compact JWT inside is unchanged; verify it against ``/.well-known/jwks.json``.
- ``/verify/<token>`` is public and answers :func:`app.certificates.verification.verification`,
  the JSON twin of the verification page, with the page's statuses (200 genuine or revoked, 404
  unknown, 400 refused) and its rate limit; it names no event, so an event-bound token may call it.
"""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flask import Blueprint, current_app
from flask_login import current_user
from pydantic import BaseModel, Field
from sqlalchemy import select

from app.api.answers import PageInfo, Paging, answer, error, page_of, read_query
from app.api.bearer import any_event
from app.api.spec import PUBLIC, ErrorBody, documented
from app.auth.models import Role
from app.auth.permissions import allow, allow_public
from app.auth.scope import require
from app.certificates.credentials import credential_id
from app.certificates.issuing import verify_url
from app.certificates.models import Certificate, CertificateKind, CertificateStatus
from app.certificates.own import may_hand_out
from app.certificates.vc_jwt import MEDIA_TYPE, certificate_credential
from app.certificates.verification import GENUINE, REVOKED, UNKNOWN, verification
from app.events.models import Event, Skill
from app.events.scope import can_organize
from app.events.services import event_by_code
from app.extensions import db, limiter
from app.ratelimit import verify_rate_limit
from scoring.inputs import Text

bp = Blueprint("api_certificates", __name__, url_prefix="/api/v1")
ORGANIZERS = (Role.ADMIN, Role.ORGANIZER)
HANDED_TO = (Role.ADMIN, Role.ORGANIZER, Role.CONTESTANT)


class CertificateOut(BaseModel):
    """A certificate's state: what it certifies, and whether it still stands."""

    id: int
    number: str
    kind: CertificateKind
    status: CertificateStatus
    skill: str | None
    contestant_no: str | None
    holder: str
    award_or_level: str | None
    issue_date: date
    issued_at: datetime
    revoked_at: datetime | None
    revocation_reason: str | None
    replaced_by: str | None
    credential_id: str
    verify_url: str = Field(description="what the QR code encodes; its JSON twin answers the status")

    @classmethod
    def of(cls, certificate: Certificate) -> CertificateOut:
        """The answer for one certificate row."""
        return cls(id=certificate.id, number=certificate.number, kind=certificate.kind, status=certificate.status,
                   skill=certificate.skill.code if certificate.skill else None,
                   contestant_no=certificate.contestant_no, holder=certificate.holder,
                   award_or_level=certificate.award_or_level, issue_date=certificate.issue_date,
                   issued_at=certificate.issued_at, revoked_at=certificate.revoked_at,
                   revocation_reason=certificate.revoked_reason,
                   replaced_by=certificate.replaced_by.number if certificate.replaced_by else None,
                   credential_id=credential_id(certificate), verify_url=verify_url(certificate))


class CertificatePage(PageInfo):
    """A page of an event's certificates, by number."""

    items: list[CertificateOut]


class CertificateQuery(Paging):
    """Filters of the certificate list."""

    kind: CertificateKind | None = None
    status: CertificateStatus | None = None
    skill: Text | None = Field(None, max_length=40)


class CredentialOut(BaseModel):
    """A certificate's Open Badges 3.0 credential, secured as a VC-JWT (EdDSA)."""

    id: str = Field(description="the credential's id (a URN)")
    number: str
    media_type: str = Field(description=MEDIA_TYPE)
    credential: str = Field(description="the compact JWT; its keys are at /.well-known/jwks.json")


class VerificationOut(BaseModel):
    """The verification page as JSON; ``valid`` is true for ``genuine`` alone."""

    state: str = Field(description="genuine, revoked, unknown or refused")
    valid: bool
    number: str | None
    reason: str | None = None
    credential_id: str | None = None
    certificate: dict[str, Any] | None = None
    revoked_at: str | None = None
    revocation_reason: str | None = None
    replaced_by: str | None = None


def _organized(code: str) -> Event:
    event = event_by_code(code)
    require(event is not None and can_organize(current_user, event))
    return event


def _handed_out(code: str, certificate_id: int) -> Certificate:
    """A certificate of event ``code`` the caller may have (404 for anything else)."""
    event = event_by_code(code)
    require(event is not None)
    certificate = db.session.get(Certificate, certificate_id)
    require(certificate is not None and certificate.event_id == event.id and may_hand_out(current_user, certificate))
    return certificate


@bp.route("/events/<code>/certificates")
@allow(*ORGANIZERS)
@documented(answers={200: CertificatePage, 400: ErrorBody, 404: ErrorBody}, query=CertificateQuery,
            tags=["certificates"])
def certificates(code: str):
    """The certificates of an event, by number.

    For the event's organizers. Filter by `kind`, `status` or `skill`."""
    wanted = read_query(CertificateQuery)
    event = _organized(code)
    query = select(Certificate).where(Certificate.event_id == event.id).order_by(Certificate.number)
    if wanted.kind is not None:
        query = query.where(Certificate.kind == wanted.kind)
    if wanted.status is not None:
        query = query.where(Certificate.status == wanted.status)
    if wanted.skill is not None:
        query = query.join(Skill, Skill.id == Certificate.skill_id).where(Skill.code == wanted.skill)
    rows, info = page_of(query, wanted)
    return answer(CertificatePage(items=[CertificateOut.of(c) for c in rows], **info.model_dump()))


@bp.route("/events/<code>/certificates/<int:certificate_id>")
@allow(*HANDED_TO)
@documented(answers={200: CertificateOut, 404: ErrorBody}, tags=["certificates"])
def certificate(code: str, certificate_id: int):
    """One certificate's status.

    For its holder and the event's organizers; a revoked one says when, why and what replaced it."""
    return answer(CertificateOut.of(_handed_out(code, certificate_id)))


@bp.route("/events/<code>/certificates/<int:certificate_id>/credential")
@allow(*HANDED_TO)
@documented(answers={200: CredentialOut, 404: ErrorBody}, tags=["certificates"])
def credential(code: str, certificate_id: int):
    """A certificate's Open Badges 3.0 credential as a VC-JWT.

    For its holder and the event's organizers, never for a revoked certificate. Verify the JWT
    with the key of its `kid` in `/.well-known/jwks.json`."""
    found = _handed_out(code, certificate_id)
    require(not found.revoked)
    response = answer(CredentialOut(id=credential_id(found), number=found.number, media_type=MEDIA_TYPE,
                                    credential=certificate_credential(found)))
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _verification_limited(_limit):
    return current_app.make_response(
        error(429, "too many verifications from your address: please wait a minute and try again"))


@bp.route("/verify/<token>")
@allow_public
@any_event
@limiter.limit(verify_rate_limit, on_breach=_verification_limited)
@documented(answers={200: VerificationOut, 400: VerificationOut, 404: VerificationOut}, tags=["certificates"],
            security=PUBLIC)
def verify(token: str):
    """Verify a certificate's QR code token.

    No token needed. 200 for a genuine or revoked certificate (`valid` is true for a genuine one
    only), 404 for a number this server never issued, 400 for a refused token."""
    found = VerificationOut.model_validate(verification(token))
    status = {GENUINE: 200, REVOKED: 200, UNKNOWN: 404}.get(found.state, 400)
    response = current_app.response_class(found.model_dump_json(), status=status, mimetype="application/json")
    response.headers["Cache-Control"] = "no-store"
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response
