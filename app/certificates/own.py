"""A contestant's own certificates: which they are, and who holds a given one.

The holder of an award or participation certificate is its registration's person; of a level
certificate, the skill-level record's person (its registration is not stored: a record belongs to
the person, whichever registration earned it). An expert's certificate belongs to a user, not to a
contestant, and is never listed here.

"After publication" (certificates.md) needs no check of its own: issuing refuses skills whose
results are not final (:func:`app.certificates.issuing.final_skills`), so every certificate of a
contestant was issued on published, final results. Revoked certificates stay in the list, marked
revoked (a holder must learn that the paper they hold is no longer valid), and are never rendered.
"""
from __future__ import annotations

from functools import cache

from sqlalchemy import Select, bindparam, or_, select

from app.auth.models import Role, User
from app.certificates.models import Certificate, CertificateKind
from app.events.models import Event, Registration
from app.events.scope import can_organize
from app.extensions import db
from app.people.models import SkillLevelRecord


def holder_person_id(certificate: Certificate) -> int | None:
    """The person a certificate was issued to; ``None`` for an expert's (a user's) certificate."""
    if certificate.registration_id is not None:
        return db.session.scalar(select(Registration.person_id)
                                 .where(Registration.id == certificate.registration_id))
    if certificate.level_record_id is not None:
        return db.session.scalar(select(SkillLevelRecord.person_id)
                                 .where(SkillLevelRecord.id == certificate.level_record_id))
    return None


def is_holder(certificate: Certificate, person_id: int | None) -> bool:
    """Whether ``person_id`` is the certificate's holder (``None`` never is): contestants download only their own."""
    return person_id is not None and holder_person_id(certificate) == person_id


def may_hand_out(user: User, certificate: Certificate) -> bool:
    """Who may take a certificate's PDF or credential (the web's download and the API alike): its
    holder, when a contestant asks; the event's organizers and admins otherwise."""
    if user.role == Role.CONTESTANT:
        return is_holder(certificate, user.person_id)
    return can_organize(user, certificate.event)


def own_certificates(event: Event, person_id: int) -> list[Certificate]:
    """The person's certificates of this event (revoked ones included), by number."""
    return list(db.session.scalars(_own_certificates(), {"event_id": event.id, "person_id": person_id}))


@cache
def _own_certificates() -> Select:
    """Built once and run with parameters: it is read on every results look-up of results day, and
    building it (two subqueries) cost more than running it."""
    registrations = select(Registration.id).where(Registration.event_id == bindparam("event_id"),
                                                  Registration.person_id == bindparam("person_id"))
    records = select(SkillLevelRecord.id).where(SkillLevelRecord.person_id == bindparam("person_id"))
    return select(Certificate).where(
        Certificate.event_id == bindparam("event_id"), Certificate.kind != CertificateKind.EXPERT,
        or_(Certificate.registration_id.in_(registrations), Certificate.level_record_id.in_(records))
    ).order_by(Certificate.number)
