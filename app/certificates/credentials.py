"""A certificate as an Open Badges 3.0 ``OpenBadgeCredential`` (W3C Verifiable Credentials 2.0).

The credential says what the paper says, in the paper's language, from the *signed* content of the
certificate (``Certificate.content``), never from today's data: the event and skill codes and the
tier, which the paper does not print, come from the event's row. Its parts:

- ``id``: ``urn:uuid:`` of a name-based UUID of the issuer's code and the certificate number, so
  downloading the credential again gives the same id (numbers are unique per issuer, never reused).
- ``issuer``: a ``Profile`` of the issuing unit, its ``id`` the URL where the profile is published
  (:func:`issuer_profile_url`, under ``/.well-known/``).
- ``credentialSubject``: an ``AchievementSubject`` identified by ``IdentityObject`` entries only
  (it has no ``id``, and so the JWT has no ``sub``): the holder's name and the masked ID number, both
  as the paper and the public verification page print them, unhashed. The full ID number is
  deliberately *not* included, not even as a salted hash: an 18-digit resident ID is a birth date, a
  region and a few digits, so a salted SHA-256 published beside its salt is reversed by trying every
  candidate in seconds, all the more with the masked form's first and last digits known.
- ``achievement``: the award, participation, skill level or appointment of this event and skill,
  with a ``criteria.narrative`` naming the tier, event, skill and medal or level; its ``id`` is a
  name-based UUID of the event, skill, kind and award, the same for every holder of that award.
- ``validFrom``: when the certificate was issued (UTC); no ``validUntil`` (a certificate does not expire).
- ``credentialStatus``: type ``JingsaiCertificateStatus``, its ``id`` the JSON verification URL of
  the certificate's QR token (``/verify/<token>.json``), which answers ``genuine``, ``revoked`` (with
  the date and reason) or ``unknown``; see :func:`app.certificates.verification.verification`.

Building the dictionary is pure apart from reading the certificate's relationships; signing it is
:mod:`app.certificates.vc_jwt`'s job.
"""
from __future__ import annotations

import uuid
from datetime import UTC
from typing import Any

from app.certificates.models import Certificate, CertificateKind
from app.certificates.pdf import AWARDS, LEVELS, ROLES, TITLES
from app.units.models import Unit
from scoring.tiers import TIERS

VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
OB_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
CONTEXTS = [VC_CONTEXT, OB_CONTEXT]
STATUS_TYPE = "JingsaiCertificateStatus"
ISSUERS_PATH = "/.well-known/jingsai-issuers"
# Open Badges' AchievementType vocabulary; an appointment has no term of its own, hence the extension.
ACHIEVEMENT_TYPES = {CertificateKind.AWARD: "Award", CertificateKind.PARTICIPATION: "Achievement",
                     CertificateKind.LEVEL: "Certification", CertificateKind.EXPERT: "ext:Appointment"}


def issuer_profile_url(base_url: str, unit: Unit) -> str:
    """Where the issuing unit's profile is published; also the profile's (and the issuer's) id."""
    return f"{base_url}{ISSUERS_PATH}/{unit.code}.json"


def issuer_profile(base_url: str, unit: Unit) -> dict[str, Any]:
    """The OB 3.0 ``Profile`` of an issuing unit, as embedded in credentials and published alone."""
    return {"id": issuer_profile_url(base_url, unit), "type": ["Profile"], "name": unit.name, "url": base_url}


def credential_id(certificate: Certificate) -> str:
    """The credential's stable id: the same certificate always yields the same one."""
    return uuid.uuid5(uuid.NAMESPACE_URL, f"jingsai:certificate:{certificate.issuer.code}:{certificate.number}").urn


def open_badge_credential(certificate: Certificate, base_url: str, status_url: str) -> dict[str, Any]:
    """The unsigned credential of ``certificate``; ``status_url`` is where its status is answered."""
    content = certificate.content
    issued = certificate.issued_at.astimezone(UTC).replace(microsecond=0)
    return {
        "@context": CONTEXTS,
        "id": credential_id(certificate),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": f"{TITLES.get(content['kind'], '证书')} {certificate.number}",
        "issuer": issuer_profile(base_url, certificate.issuer),
        "validFrom": issued.isoformat().replace("+00:00", "Z"),
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": _identifiers(content),
            "achievement": _achievement(certificate),
        },
        "credentialStatus": {"id": status_url, "type": STATUS_TYPE},
    }


def _identifiers(content: dict[str, Any]) -> list[dict[str, Any]]:
    found = [{"type": "IdentityObject", "identityType": "name", "hashed": False, "identityHash": content["holder"]}]
    if content.get("id_masked"):
        found.append({"type": "IdentityObject", "identityType": "ext:maskedNationalIdentityNumber",
                      "hashed": False, "identityHash": content["id_masked"]})
    return found


def _achievement(certificate: Certificate) -> dict[str, Any]:
    content, event = certificate.content, certificate.event
    kind = CertificateKind(content["kind"])
    skill_code = certificate.skill.code if certificate.skill else ""
    award = _award_text(kind, content["award_or_level"])
    tier = TIERS[event.tier].name_zh if event.tier in TIERS else event.tier
    where = f"{content['event']}{content['skill'] or ''}"
    key = f"jingsai:achievement:{event.code}:{skill_code}:{kind.value}:{content['award_or_level'] or ''}"
    return {
        "id": uuid.uuid5(uuid.NAMESPACE_URL, key).urn,
        "type": ["Achievement"],
        "achievementType": ACHIEVEMENT_TYPES[kind],
        "name": " ".join(part for part in (content["skill"] or content["event"], award) if part),
        "description": _description(kind, where, award, content["occupation"]),
        "criteria": {"narrative": _criteria(kind, tier, content, award)},
        "tag": [tag for tag in (tier, event.code, skill_code, content["award_or_level"]) if tag],
    }


def _award_text(kind: CertificateKind, code: str | None) -> str:
    table = {CertificateKind.AWARD: AWARDS, CertificateKind.LEVEL: LEVELS, CertificateKind.EXPERT: ROLES}.get(kind, {})
    return table.get(code or "", code or "")


def _description(kind: CertificateKind, where: str, award: str, occupation: str | None) -> str:
    if kind == CertificateKind.AWARD:
        return f"在{where}项目中荣获{award}。"
    if kind == CertificateKind.PARTICIPATION:
        return f"参加{where}项目比赛。"
    if kind == CertificateKind.LEVEL:
        return f"在{where}中成绩合格，职业（工种）：{occupation or ''}，职业技能等级：{award}。"
    return f"担任{where}项目{award}。"


def _criteria(kind: CertificateKind, tier: str, content: dict[str, Any], award: str) -> str:
    skill = f"，项目：{content['skill']}" if content["skill"] else ""
    basis = {CertificateKind.AWARD: f"按最终公布的成绩获得{award}",
             CertificateKind.PARTICIPATION: "参加比赛并完成考核",
             CertificateKind.LEVEL: f"比赛成绩合格，经审核晋升职业技能等级：{award}",
             CertificateKind.EXPERT: f"受聘担任{award}"}[kind]
    return f"赛事级别：{tier}；赛事：{content['event']}{skill}；{basis}。"
