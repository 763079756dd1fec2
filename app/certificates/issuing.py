"""Issuing certificates: who is due one, numbering, re-issue, revocation, level certificates.

Terms (certificates.md): an **award** certificate for every member of a competitor whose final
standing carries an award; the issuer is the event's first organizer. Numbers come from per-issuer
templates, by default award ``{issuer}{year}A{sequence:06d}`` and level
``{issuer}{year}{level digit}{sequence:06d}``; new numbers are handed out in the order skill code,
rank, contestant_no. Issuing again keeps every certificate whose content is unchanged (same number,
re-rendered) and numbers only the new ones.

Where certificates.md is silent, this module decides:

- ``{year}`` is the event's year (the competition's, not the printing day's), so certificates of a
  2026 contest printed in January 2027 still read 2026.
- **participation** (only when asked for): every member who competed (own attendance) and whose
  competitor has no award; template ``{issuer}{year}P{sequence:06d}``. **expert**: every panel
  member of the skills, ``{issuer}{year}E{sequence:06d}``, ``award_or_level`` is the panel role.
- The content's ``event``, ``skill`` and ``issuer`` are the *names* printed on the paper (a person
  compares the paper with the verification page); ``award_or_level`` is the code (``gold``,
  ``level3``), which pages and the PDF show with its label; ``occupation`` only on level
  certificates (the skill's occupation name); ``issue_date`` is the day of first issue.
- A certificate whose content would change (an amended result, a corrected name) is never edited:
  it is revoked with a reason and, where the holder is still due one, a new certificate with a new
  number replaces it (``replaced_by``). One no longer due (disqualified) is revoked only.
- Templates per issuer come from the ``CERTIFICATE_NUMBER_TEMPLATES`` setting (``{issuer code:
  {kind: template}}``); a template must end with its ``{sequence…}`` field, so what precedes it is
  the prefix whose sequence :class:`CertificateSequence` keeps.

Numbers are allocated under a row lock on the sequence (``SELECT … FOR UPDATE`` on PostgreSQL; on
SQLite the app's ``BEGIN IMMEDIATE`` already serializes writers), in the caller's transaction,
which the caller keeps short: rendering PDFs happens after the commit.
"""
from __future__ import annotations

import string
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app import audit, clock
from app.certificates.keyring import app_keyring
from app.certificates.models import Certificate, CertificateKind, CertificateSequence, CertificateStatus
from app.certificates.signing import make_token
from app.errors import DomainError
from app.events.models import Attendance, Event, PanelMember, Registration, RegistrationStatus, Skill
from app.extensions import db
from app.messages import msg
from app.people.models import SkillLevelRecord
from app.results.models import Standing
from app.results.standings import results_of
from app.signals import certificate_issued, certificate_revoked
from app.units.models import Unit

DEFAULT_TEMPLATES = {
    CertificateKind.AWARD: "{issuer}{year}A{sequence:06d}",
    CertificateKind.PARTICIPATION: "{issuer}{year}P{sequence:06d}",
    CertificateKind.EXPERT: "{issuer}{year}E{sequence:06d}",
    CertificateKind.LEVEL: "{issuer}{year}{level_digit}{sequence:06d}",
}
RESULT_KINDS = (CertificateKind.AWARD, CertificateKind.PARTICIPATION)
# The fields whose change makes a certificate a different one (number and date are its own).
_COMPARED = ("kind", "holder", "id_masked", "event", "skill", "award_or_level", "occupation", "issuer")
_NOT_RANKED = 1 << 30


class CertificateError(DomainError):
    """A certificate operation refused; the message says why and what to do."""


# -- numbering ----------------------------------------------------------------------------------

def number_template(issuer: Unit, kind: CertificateKind) -> str:
    """The issuer's number template for a kind (``CERTIFICATE_NUMBER_TEMPLATES``, else the default); refused
    unless it ends with its one ``{sequence}`` field, since what precedes it is the prefix a sequence counts."""
    configured = current_app.config.get("CERTIFICATE_NUMBER_TEMPLATES") or {}
    template = (configured.get(issuer.code) or {}).get(kind.value) or DEFAULT_TEMPLATES[kind]
    fields = [name for _, name, _, _ in string.Formatter().parse(template) if name]
    if not fields or fields[-1] != "sequence" or fields.count("sequence") != 1 \
            or not template.rstrip().endswith("}"):
        raise CertificateError(msg("the certificate number template %(template)s of %(issuer)s must end with "
                                   "its {sequence} field", template=template, issuer=issuer.code))
    return template


def number_prefix(template: str, **values: Any) -> str:
    """The template's text before ``{sequence}``, filled in: certificates sharing it share one sequence."""
    return template[:template.index("{sequence")].format(**values)


def allocate(issuer: Unit, prefix: str, count: int) -> range:
    """``count`` new sequence numbers for ``issuer`` and ``prefix``, never handed out before."""
    if count <= 0:
        return range(0)
    query = select(CertificateSequence).where(CertificateSequence.issuer_id == issuer.id,
                                              CertificateSequence.prefix == prefix).with_for_update()
    row = db.session.scalar(query)
    if row is None:
        try:
            with db.session.begin_nested():
                db.session.add(CertificateSequence(issuer_id=issuer.id, prefix=prefix, last=0))
        except IntegrityError:  # another transaction created it meanwhile: lock theirs
            pass
        row = db.session.scalar(query.execution_options(populate_existing=True))
    start = row.last + 1
    row.last += count
    db.session.flush()
    return range(start, start + count)


# -- what is due --------------------------------------------------------------------------------

@dataclass
class Due:
    """A certificate someone should hold, before it has a number."""

    kind: CertificateKind
    issuer: Unit
    event: Event
    skill: Skill | None
    holder: str
    id_masked: str | None
    award_or_level: str | None
    contestant_no: str | None = None
    registration_id: int | None = None
    user_id: int | None = None
    level_record_id: int | None = None
    occupation: str | None = None
    rank: int | None = None
    template_values: dict[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> tuple:
        return (self.kind, self.skill.id if self.skill else None, self.registration_id, self.user_id,
                self.level_record_id)

    @property
    def order(self) -> tuple:
        return (self.skill.code if self.skill else "", self.rank if self.rank is not None else _NOT_RANKED,
                self.contestant_no or "", self.holder)

    def content(self, number: str, issue_date) -> dict[str, Any]:
        return {"number": number, "kind": self.kind.value, "holder": self.holder, "id_masked": self.id_masked,
                "event": self.event.name, "skill": self.skill.name if self.skill else None,
                "award_or_level": self.award_or_level, "occupation": self.occupation,
                "issue_date": issue_date.isoformat(), "issuer": self.issuer.name}


def award_issuer(event: Event) -> Unit:
    """Who issues an event's result certificates: its first organizer; refused when it has none."""
    if not event.organizers:
        raise CertificateError(msg("event %(event)s has no organizer to issue its certificates", event=event.code))
    return event.organizers[0]


def level_issuer(event: Event) -> Unit:
    """Who issues an event's level certificates: its evaluation body when set, else the award issuer."""
    return event.level_certificate_issuer or award_issuer(event)


def is_final(skill: Skill) -> bool:
    """Whether the skill's results are final, the condition for issuing any of its certificates."""
    return (r := results_of(skill)) is not None and r.final


def final_skills(event: Event, skill: Skill | None, *, only_final: bool = False) -> list[Skill]:
    """The skills in scope, refused unless every one has final results; ``only_final`` narrows
    "every skill" to those already final (the web's default while other skills still wait)."""
    skills = [skill] if skill is not None else sorted(event.skills, key=lambda s: s.code)
    if only_final and skill is None:
        skills = [s for s in skills if is_final(s)]
    not_final = [s.code for s in skills if not is_final(s)]
    if not_final or not skills:
        raise CertificateError(msg("certificates need final results; not final yet: %(skills)s",
                                   skills=", ".join(not_final) or event.code))
    return skills


def _members(skill: Skill, lead: Registration) -> list[Registration]:
    if skill.team_size <= 1 or not lead.team:
        return [lead]
    return list(db.session.scalars(select(Registration).where(
        Registration.skill_id == skill.id, Registration.team == lead.team,
        Registration.status == RegistrationStatus.APPROVED).order_by(Registration.contestant_no)))


def dues_for_results(event: Event, skills: Sequence[Skill], kinds: Iterable[CertificateKind]) -> list[Due]:
    """Every certificate of the wanted kinds that the skills' final standings call for: award for each member of
    an awarded competitor, participation for members who competed without an award, expert for panel members."""
    kinds = set(kinds)
    issuer = award_issuer(event)
    found = []
    for skill in skills:
        standings = db.session.scalars(select(Standing).where(Standing.skill_id == skill.id)).all()
        for standing in standings:
            if standing.award:
                kind = CertificateKind.AWARD
                members = _members(skill, standing.competitor)
            elif standing.status == Attendance.COMPETED:
                kind = CertificateKind.PARTICIPATION
                members = [m for m in _members(skill, standing.competitor) if m.attendance == Attendance.COMPETED]
            else:
                continue
            if kind not in kinds:
                continue
            for member in members:
                found.append(Due(kind, issuer, event, skill, member.person.name, member.person.masked_id,
                                 standing.award, contestant_no=member.contestant_no, registration_id=member.id,
                                 rank=standing.rank))
        if CertificateKind.EXPERT in kinds:
            panel = db.session.scalars(select(PanelMember).where(PanelMember.skill_id == skill.id)).all()
            for member in panel:
                user = member.user
                person = getattr(user, "person", None)
                found.append(Due(CertificateKind.EXPERT, issuer, event, skill,
                                 person.name if person else (user.display_name or user.username),
                                 person.masked_id if person else None, member.role.value, user_id=user.id))
    return found


# -- issuing ------------------------------------------------------------------------------------

@dataclass
class IssueResult:
    certificates: list[Certificate]  # every certificate now held for the dues, sorted by number
    new: int = 0
    kept: int = 0
    revoked: int = 0


def _same(certificate: Certificate, content: dict[str, Any]) -> bool:
    return all(certificate.content.get(f) == content.get(f) for f in _COMPARED)


def issue_dues(dues: list[Due], scope: Iterable[Certificate], reason: str) -> IssueResult:
    """Make the issued certificates in ``scope`` match ``dues``: keep unchanged ones, revoke changed or
    no longer due ones (with ``reason``) and number the new ones in bulk order."""
    today = clock.today()
    existing = {}
    for certificate in scope:
        if certificate.status == CertificateStatus.ISSUED:
            existing[(certificate.kind, certificate.skill_id, certificate.registration_id, certificate.user_id,
                      certificate.level_record_id)] = certificate
    result = IssueResult(certificates=[])
    fresh: list[tuple[Due, Certificate | None]] = []
    for due in sorted(dues, key=lambda d: d.order):
        current = existing.pop(due.key, None)
        if current is not None and _same(current, due.content(current.number, today)):
            result.certificates.append(current)
            result.kept += 1
        else:
            fresh.append((due, current))
    for stale in existing.values():
        revoke(stale, reason)
        result.revoked += 1
    by_prefix: dict[tuple[int, str], list[tuple[Due, Certificate | None, str]]] = defaultdict(list)
    for due, replaced in fresh:
        template = number_template(due.issuer, due.kind)
        values = {"issuer": due.issuer.code, "year": due.event.year, **due.template_values}
        by_prefix[(due.issuer.id, number_prefix(template, **values))].append((due, replaced, template))
    for (_, prefix), group in by_prefix.items():
        sequences = allocate(group[0][0].issuer, prefix, len(group))
        for (due, replaced, template), sequence in zip(group, sequences, strict=True):
            number = template.format(sequence=sequence, issuer=due.issuer.code, year=due.event.year,
                                     **due.template_values)
            certificate = _create(due, number, today)
            if replaced is not None:
                revoke(replaced, reason, replaced_by=certificate)
                result.revoked += 1
            result.certificates.append(certificate)
            result.new += 1
    result.certificates.sort(key=lambda c: c.number)
    return result


def _create(due: Due, number: str, issue_date) -> Certificate:
    content = due.content(number, issue_date)
    certificate = Certificate(
        issuer_id=due.issuer.id, number=number, kind=due.kind, event_id=due.event.id,
        skill_id=due.skill.id if due.skill else None, registration_id=due.registration_id, user_id=due.user_id,
        level_record_id=due.level_record_id, contestant_no=due.contestant_no, holder=due.holder,
        id_masked=due.id_masked, award_or_level=due.award_or_level, occupation=due.occupation,
        issue_date=issue_date, content=content, status=CertificateStatus.ISSUED, issued_at=clock.now())
    db.session.add(certificate)
    db.session.flush()
    audit.record("certificate.issue", "certificate", certificate.number, event_id=due.event.id,
                 after={k: v for k, v in content.items() if k != "id_masked"})
    certificate_issued.send(certificate.event_id, certificate_id=certificate.id)
    return certificate


def certificates_of(event: Event, skills: Sequence[Skill] | None = None,
                    kinds: Iterable[CertificateKind] | None = None,
                    registration_ids: Iterable[int] | None = None) -> list[Certificate]:
    """The event's certificates (revoked ones included), by number, narrowed to skills, kinds or registrations
    when given."""
    query = select(Certificate).where(Certificate.event_id == event.id)
    if skills is not None:
        query = query.where(Certificate.skill_id.in_([s.id for s in skills]))
    if kinds is not None:
        query = query.where(Certificate.kind.in_(list(kinds)))
    if registration_ids is not None:
        query = query.where(Certificate.registration_id.in_(list(registration_ids)))
    return list(db.session.scalars(query.order_by(Certificate.number)))


def issue_for_results(event: Event, skill: Skill | None = None,
                      kinds: Iterable[CertificateKind] = (CertificateKind.AWARD,), *,
                      only_final: bool = False) -> IssueResult:
    """Issue (or re-render) the certificates of final results: award, and participation/expert when
    asked. Level certificates are issued on promotion; asked for here they are listed as they are."""
    kinds = list(dict.fromkeys(kinds))
    skills = final_skills(event, skill, only_final=only_final)
    result_kinds = [k for k in kinds if k != CertificateKind.LEVEL]
    dues = dues_for_results(event, skills, result_kinds)
    scope = certificates_of(event, skills, result_kinds)
    result = issue_dues(dues, scope, msg("the certificate's content changed (results or names corrected)"))
    if CertificateKind.LEVEL in kinds:
        levels = [c for c in certificates_of(event, None, [CertificateKind.LEVEL])
                  if c.status == CertificateStatus.ISSUED and (skill is None or c.skill_id == skill.id)]
        result.certificates = sorted(result.certificates + levels, key=lambda c: c.number)
    audit.record("certificates.issue", "event", event.code, event_id=event.id,
                 after={"skill": skill.code if skill else None, "kinds": [k.value for k in kinds],
                        "new": result.new, "kept": result.kept, "revoked": result.revoked})
    return result


def reconcile_amended(event: Event, skill: Skill, competitor_ids: Iterable[int], reason: str) -> IssueResult | None:
    """After ``result_amended``: revoke the amended competitors' certificates whose content changed with
    the amendment's ``reason`` (the verification page shows it) and reissue them under new numbers where
    still due. Skills never issued are left alone."""
    leads = set(competitor_ids)
    members = {r.id for lead_id in leads if (lead := db.session.get(Registration, lead_id))
               for r in _members(skill, lead)}
    scope = certificates_of(event, [skill], RESULT_KINDS, members)
    if not scope:
        return None
    kinds = {c.kind for c in certificates_of(event, [skill], RESULT_KINDS)} or {CertificateKind.AWARD}
    dues = [d for d in dues_for_results(event, [skill], kinds) if d.registration_id in members]
    return issue_dues(dues, scope, reason)


# -- level certificates -------------------------------------------------------------------------

def level_digit(level: str) -> str:
    """The digit a level certificate's number carries (``level3`` → ``3``); only levels 5 … 1 are certified."""
    if len(level) == 6 and level.startswith("level") and level[5] in "12345":
        return level[5]
    raise CertificateError(msg("no level certificate for %(level)s: only level5 … level1 are certified",
                               level=level))


def issue_level_certificate(record: SkillLevelRecord, event: Event, skill: Skill | None = None,
                            registration: Registration | None = None) -> Certificate:
    """The ``level`` certificate of a skill-level record granted by ``event`` (promotion), numbered
    ``{issuer}{year}{level digit}{sequence:06d}`` by the event's evaluation body; sets the record's
    ``certificate_no``. Issuing again for the same record returns the certificate it holds."""
    held = db.session.scalar(select(Certificate).where(Certificate.level_record_id == record.id,
                                                       Certificate.status == CertificateStatus.ISSUED))
    if held is not None:
        return held
    person = record.person
    occupation = (skill.occupation_name if skill is not None else None) or record.occupation_code
    due = Due(CertificateKind.LEVEL, level_issuer(event), event, skill, person.name, person.masked_id,
              record.level, contestant_no=registration.contestant_no if registration else None,
              registration_id=None, level_record_id=record.id, occupation=occupation,
              template_values={"level_digit": level_digit(record.level)})
    result = issue_dues([due], [], msg("level certificate"))
    certificate = result.certificates[0]
    record.certificate_no = certificate.number
    return certificate


def revoke_level_certificates(number: str | None, reason: str) -> int:
    """Revoke the issued level certificate with this number (a revoked promotion)."""
    if not number:
        return 0
    found = db.session.scalars(select(Certificate).where(Certificate.number == number,
                                                         Certificate.kind == CertificateKind.LEVEL,
                                                         Certificate.status == CertificateStatus.ISSUED)).all()
    for certificate in found:
        revoke(certificate, reason)
    return len(found)


# -- revocation and tokens ----------------------------------------------------------------------

def revoke(certificate: Certificate, reason: str, *, replaced_by: Certificate | None = None) -> None:
    """Revoke with a reason, audited; the verification page shows it at once."""
    reason = (reason or "").strip()
    if not reason:
        raise CertificateError(msg("a revocation needs a reason"))
    if certificate.status == CertificateStatus.REVOKED:
        raise CertificateError(msg("certificate %(number)s is revoked already", number=certificate.number))
    certificate.status = CertificateStatus.REVOKED
    certificate.revoked_at = clock.now()
    certificate.revoked_reason = reason[:500]
    certificate.revoked_by = audit.current_actor()
    certificate.replaced_by = replaced_by
    db.session.flush()
    audit.record("certificate.revoke", "certificate", certificate.number, event_id=certificate.event_id,
                 before={"status": CertificateStatus.ISSUED.value},
                 after={"status": CertificateStatus.REVOKED.value,
                        "replaced_by": replaced_by.number if replaced_by else None},
                 note=reason[:500])
    certificate_revoked.send(certificate.event_id, certificate_id=certificate.id)


def verify_url(certificate: Certificate) -> str:
    """What the QR code encodes: ``PUBLIC_BASE_URL/verify/<token>`` (formats.md)."""
    token = make_token(certificate.number, certificate.content, app_keyring())
    return f"{current_app.config['PUBLIC_BASE_URL']}/verify/{token}"


def parse_kinds(text: str | None) -> list[CertificateKind]:
    """The certificate kinds of a comma-separated list (award when empty); refused naming every unknown kind."""
    if not text:
        return [CertificateKind.AWARD]
    kinds, unknown = [], []
    for part in (p.strip() for p in text.split(",") if p.strip()):
        try:
            kinds.append(CertificateKind(part))
        except ValueError:
            unknown.append(part)
    if unknown or not kinds:
        raise CertificateError(msg("unknown certificate kind %(kinds)s; kinds are %(known)s",
                                   kinds=", ".join(unknown) or "-",
                                   known=", ".join(k.value for k in CertificateKind)))
    return kinds
