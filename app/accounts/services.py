"""Accounts on the web: who may manage which account, and the changes they may make.

Admins manage every account but their own. An organizer manages, below their unit tree:
- the accounts whose unit is in the tree (never an admin's);
- the experts seated on a panel of an event they organize (the judges import made those);
- the contestants with an approved entry in an event they organize.

The changes are: create an account (organizer, unit admin, arbiter or expert; contestants get theirs
from an approved entry or claim it), disable and re-enable it, and issue a one-time login link
(:func:`app.auth.services.one_time_link`) — which also replaces any link of the account not yet
used, so only the newest one handed out works. Every change is audited.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import delete, select

from app import audit
from app.auth.models import LoginLink, Role, User
from app.auth.scope import manageable_unit_ids
from app.auth.services import USERNAME_PATTERN, AuthError, create_user, one_time_link, user_by_name
from app.events.models import Event, EventOrganizer, PanelMember, Registration, RegistrationStatus, Skill
from app.events.scope import can_organize
from app.extensions import db
from app.messages import msg
from app.units.models import Unit

CREATABLE = {Role.ADMIN: (Role.ORGANIZER, Role.UNIT_ADMIN, Role.ARBITER, Role.EXPERT, Role.ADMIN),
             Role.ORGANIZER: (Role.ORGANIZER, Role.UNIT_ADMIN, Role.ARBITER, Role.EXPERT)}
LISTED = 500  # rows per list on the accounts page; the rest are named by count


def _organized_event_ids(actor: User):
    """The events an organizer organizes, as a subquery (all events for an admin)."""
    ids = manageable_unit_ids(actor)
    query = select(EventOrganizer.event_id)
    return query if ids is None else query.where(EventOrganizer.unit_id.in_(ids))


def can_manage(actor: User, target: User) -> bool:
    """Whether ``actor`` may change ``target``'s account: admins any but their own; organizers accounts in their
    unit tree, and experts and contestants of events they organize (never an admin's, never their own)."""
    if actor.role == Role.ADMIN:
        return target.id != actor.id
    if actor.role != Role.ORGANIZER or target.role == Role.ADMIN or target.id == actor.id:
        return False
    ids = manageable_unit_ids(actor) or set()
    if target.unit_id in ids:
        return True
    events = _organized_event_ids(actor)
    if target.role == Role.EXPERT:
        return bool(db.session.scalar(select(PanelMember.id).join(Skill, Skill.id == PanelMember.skill_id).where(
            PanelMember.user_id == target.id, Skill.event_id.in_(events)).limit(1)))
    if target.role == Role.CONTESTANT and target.person_id is not None:
        return bool(db.session.scalar(select(Registration.id).where(
            Registration.person_id == target.person_id, Registration.status == RegistrationStatus.APPROVED,
            Registration.event_id.in_(events)).limit(1)))
    return False


def managed_accounts(actor: User) -> list[User]:
    """The accounts ``actor`` manages, by role then username."""
    query = select(User).where(User.id != actor.id)
    if actor.role != Role.ADMIN:
        events = _organized_event_ids(actor)
        experts = select(PanelMember.user_id).join(Skill, Skill.id == PanelMember.skill_id).where(
            Skill.event_id.in_(events))
        persons = select(Registration.person_id).where(Registration.status == RegistrationStatus.APPROVED,
                                                       Registration.event_id.in_(events))
        query = query.where(User.role != Role.ADMIN, User.unit_id.in_(manageable_unit_ids(actor) or set())
                            | (User.role == Role.EXPERT) & User.id.in_(experts)
                            | (User.role == Role.CONTESTANT) & User.person_id.in_(persons))
    users = db.session.scalars(query).all()
    return sorted(users, key=lambda u: (list(Role).index(u.role), u.username))


def assignable_units(actor: User) -> list[Unit]:
    """The units an actor may put a new account in (every unit for an admin, their tree otherwise), by code."""
    ids = manageable_unit_ids(actor)
    query = select(Unit) if ids is None else select(Unit).where(Unit.id.in_(ids))
    return sorted(db.session.scalars(query), key=lambda u: u.code)


def create_account(actor: User, username: str, display_name: str, role: Role,
                   unit_code: str | None) -> tuple[User, str]:
    """A new account with a one-time link (see the module docstring for who may create what)."""
    if role not in CREATABLE.get(actor.role, ()):
        raise AuthError(msg("you cannot create accounts of role %(role)s", role=role.value))
    if unit_code and unit_code not in {u.code for u in assignable_units(actor)}:
        raise AuthError(msg("unknown unit %(code)s", code=unit_code))
    if actor.role == Role.ORGANIZER and not unit_code:
        raise AuthError(msg("choose the unit of the account"))
    user, link = create_user(username, role, unit_code=unit_code or None, display_name=display_name)
    return user, link or ""


def set_active(actor: User, target: User, active: bool) -> None:
    """Disable or re-enable an account the actor may manage; a disabled account cannot log in. Audited."""
    if not can_manage(actor, target):
        raise AuthError(msg("you cannot manage this account"))
    if target.active == active:
        return
    target.active = active
    audit.record("user.enable" if active else "user.disable", "user", target.username,
                 before={"active": not active}, after={"active": active})


def issue_link(actor: User, target: User) -> str:
    """A new one-time login link for ``target``; its earlier unused links stop working."""
    if not can_manage(actor, target):
        raise AuthError(msg("you cannot manage this account"))
    if not target.active:
        raise AuthError(msg("the account %(user)s is disabled: enable it first", user=target.username))
    db.session.execute(delete(LoginLink).where(LoginLink.user_id == target.id, LoginLink.used_at.is_(None)))
    link = one_time_link(target)
    audit.record("user.link", "user", target.username)
    return link


# --- contestants and experts waiting for an account ---------------------------------------------

@dataclass(frozen=True)
class Waiting:
    """Entries without an account and panel experts who never logged in, with how many more
    there are than the page lists."""

    entries: list[Registration]
    more_entries: int
    experts: list[User]


def waiting(actor: User) -> Waiting:
    """What the organizer's accounts page lists as waiting: approved entrants without an account and panel
    experts who never set a password, in the actor's events."""
    events = _organized_event_ids(actor)
    with_account = select(User.person_id).where(User.person_id.is_not(None))
    entries = db.session.scalars(select(Registration).where(
        Registration.event_id.in_(events), Registration.status == RegistrationStatus.APPROVED,
        Registration.person_id.not_in(with_account))).all()
    entries = sorted(entries, key=lambda r: (r.event.code, r.skill.code, r.contestant_no))
    experts = db.session.scalars(select(User).where(
        User.role == Role.EXPERT, User.password_hash.is_(None), User.id.in_(
            select(PanelMember.user_id).join(Skill, Skill.id == PanelMember.skill_id).where(
                Skill.event_id.in_(events))))).all()
    return Waiting(entries[:LISTED], max(0, len(entries) - LISTED), sorted(experts, key=lambda u: u.username))


def entry_username(registration: Registration) -> str:
    """A free username for the contestant: the event code and bib where they make a valid one."""
    base = re.sub(r"[^A-Za-z0-9_.@-]", "", f"{registration.event.code}-{registration.contestant_no}").lower()
    if not re.fullmatch(USERNAME_PATTERN, base):
        base = f"contestant-{registration.person_id}"
    name, n = base, 1
    while user_by_name(name) is not None:
        n += 1
        name = f"{base}-{n}"
    return name


def account_for_entry(actor: User, registration: Registration) -> tuple[User, str]:
    """A contestant account for an approved entry of an event ``actor`` organizes, with its link."""
    event = db.session.get(Event, registration.event_id)
    if not can_organize(actor, event) or registration.status != RegistrationStatus.APPROVED:
        raise AuthError(msg("you cannot create an account for this entry"))
    if db.session.scalar(select(User.id).where(User.person_id == registration.person_id)):
        raise AuthError(msg("that person has an account already"))
    user, link = create_user(entry_username(registration), Role.CONTESTANT, unit_code=registration.unit.code,
                             id_number=registration.person.id_number, display_name=registration.person.name)
    return user, link or ""
