"""What an admission ticket prints, gathered for a list of approved registrations.

A claim code is made the first time a ticket is printed (:func:`app.accounts.claims.claim_code`);
printing again prints the same code. A contestant who has an account gets no code. The workstation
is the draw's, once the skill is drawn (a team member gets their team's).
"""
from __future__ import annotations

from flask import current_app
from sqlalchemy import select

from app.accounts.claims import claim_code, code_of
from app.auth.models import User
from app.certificates.keyring import app_keyring
from app.events.models import Registration, RegistrationStatus, Skill
from app.extensions import db
from app.marking.competitors import competitors
from app.marking.draw import draw_of
from app.tickets.pdf import TicketPage, render_tickets
from app.tickets.token import make_check_in_token


def _workstations(skill: Skill) -> dict[int, str]:
    """Registration id → workstation, for every member of a drawn competitor."""
    draw = draw_of(skill)
    if draw is None:
        return {}
    stations = {entry.competitor_id: entry.workstation for entry in draw.entries}
    return {m.id: stations[c.id] for c in competitors(skill) if c.id in stations for m in c.members}


def ticket_pages(registrations: list[Registration]) -> list[TicketPage]:
    """What each approved registration's admission ticket prints (bib, workstation, check-in QR token, claim
    code unless the contestant has an account), sorted by skill and bib."""
    registrations = [r for r in registrations if r.status == RegistrationStatus.APPROVED]
    keyring = app_keyring()
    base = current_app.config["PUBLIC_BASE_URL"]
    persons = {r.person_id for r in registrations}
    with_account = set(db.session.scalars(select(User.person_id).where(User.person_id.in_(persons)))) \
        if persons else set()
    stations: dict[int, str] = {}
    for skill in {r.skill for r in registrations}:
        stations.update(_workstations(skill))
    pages = []
    for r in sorted(registrations, key=lambda r: (r.skill.code, r.contestant_no)):
        event, skill = r.event, r.skill
        dates = event.starts_on.isoformat() if event.starts_on == event.ends_on else \
            f"{event.starts_on.isoformat()} 至 {event.ends_on.isoformat()}"
        pages.append(TicketPage(
            event=event.name, skill=skill.name, bib=r.contestant_no, name=r.person.name,
            id_masked=r.person.masked_id, unit=r.unit.name, dates=dates,
            venue=skill.host_unit.name if skill.host_unit else "以赛项通知为准",
            workstation=stations.get(r.id),
            claim_code=None if r.person_id in with_account else code_of(claim_code(r)),
            claim_url=f"{base}/claim",
            check_in_url=f"{base}/check-in/{make_check_in_token(r.id, keyring)}"))
    return pages


def tickets_pdf(registrations: list[Registration], title: str) -> bytes:
    """The admission tickets of the approved registrations as one PDF, for printing."""
    return render_tickets(ticket_pages(registrations), current_app.config["CJK_FONT_PATH"], title)
