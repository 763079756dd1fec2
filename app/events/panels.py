"""Skill panels (裁判组): the judges file of formats.md and the chief expert's panel page.

A panel member is an ``expert`` account with a role on one skill — chief (裁判长), deputy, judge,
reserve or supervisor (督导). The member's unit, which conflict-of-interest checks use, is the
expert's own, from their account: a seat cannot name another one (else a chief could seat a judge
under a foreign unit code and let them mark their own unit's contestant).

Choices where formats.md is silent:
- **Re-importing replaces** the panel of every skill named in the file with exactly that file's
  rows (members left out are removed, kept members take the file's role and unit); skills the file
  does not name keep their panels. The file is the panel, so "at most one chief" is checked on the
  file alone.
- Panel members must be ``expert`` accounts: a username that exists with another role (an
  organizer, a unit admin …) or a deactivated account is refused on that row.
- ``name`` is the display name of an account the import creates (required then); an existing
  account keeps its name. ``unit_code`` is required and must be the account's own unit: a created
  account gets it as its unit, an existing account without a unit gets it too (audited
  ``user.unit``), and an account of another unit refuses the row. One username must name the same
  unit on every row.
- The panel page names no unit: an existing expert brings their account's unit, and an account the
  page creates has none until an administrator or a judges file gives it one; the page marks each
  member without a unit for the chief to see.
- Roles may be written as codes or in Chinese (裁判长, 副裁判长, 裁判员/裁判, 备用裁判, 督导).
- On the web the chief expert manages deputies, judges, reserves and supervisors; appointing,
  changing or removing the chief is for the event's organizers (the chief is appointed, not
  self-appointed).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from app import audit
from app.auth.models import Role, User
from app.auth.scope import require
from app.auth.services import USERNAME_PATTERN, create_user, user_by_name
from app.errors import DomainError, InputRefused, Problem, at_row
from app.events.models import Event, PanelMember, PanelRole, Skill
from app.events.scope import can_organize
from app.events.services import event_by_code
from app.extensions import db
from app.messages import msg
from app.tabular import Row
from app.units.models import Unit
from app.units.services import unit_by_code

JUDGE_COLUMNS = ["skill_code", "username", "name", "unit_code", "role"]
ROLE_ALIASES: dict[str, PanelRole] = {
    **{r.value: r for r in PanelRole},
    "裁判长": PanelRole.CHIEF, "副裁判长": PanelRole.DEPUTY, "裁判员": PanelRole.JUDGE, "裁判": PanelRole.JUDGE,
    "备用裁判": PanelRole.RESERVE, "替补裁判": PanelRole.RESERVE, "督导": PanelRole.SUPERVISOR,
}
ROLE_ORDER = {role: i for i, role in enumerate(PanelRole)}


class PanelError(DomainError):
    pass


def parse_role(text: str) -> PanelRole | None:
    """The panel role a file's cell names, in English or Chinese (裁判长, 裁判员 …); ``None`` when unknown."""
    return ROLE_ALIASES.get(text.strip().lower())


def panel_of(skill: Skill) -> list[PanelMember]:
    """Members in role order (chief first), then by username."""
    members = db.session.scalars(select(PanelMember).where(PanelMember.skill_id == skill.id))
    return sorted(members, key=lambda m: (ROLE_ORDER[m.role], m.user.username))


def member_of(skill: Skill, user: User) -> PanelMember | None:
    """The user's seat on the skill's panel, ``None`` when they are not on it; pages use it to decide what a
    judge may see."""
    return db.session.scalar(select(PanelMember).where(PanelMember.skill_id == skill.id,
                                                       PanelMember.user_id == user.id))


def is_chief(user: User, skill: Skill) -> bool:
    """Whether the user is the skill's chief expert, who may act for the panel (scheme, draw, locks)."""
    member = member_of(skill, user)
    return member is not None and member.role == PanelRole.CHIEF


def skill_for_chief_or_organizer(user: User, code: str, skill_code: str) -> tuple[Skill, bool]:
    """The skill, and whether ``user`` organizes its event; 404 (nothing confirmed) unless they
    organize the event or chair the skill's panel: the check of every page that shows a skill's
    contestants or judges to its chief expert and organizers only."""
    event = event_by_code(code)
    skill = event.skill(skill_code) if event else None
    require(skill is not None)
    organizer = can_organize(user, event)
    require(organizer or is_chief(user, skill))
    return skill, organizer


def can_edit_panel(user: User, skill: Skill) -> bool:
    """The event's organizers (and admins) and the skill's chief expert."""
    return can_organize(user, skill.event) or is_chief(user, skill)


def panels_of_user(user: User) -> list[PanelMember]:
    """A user's panel seats across events, for the expert's own list."""
    members = db.session.scalars(select(PanelMember).where(PanelMember.user_id == user.id))
    return sorted(members, key=lambda m: (m.skill.event.starts_on, m.skill.event.code, m.skill.code))


def _member_state(member: PanelMember) -> dict[str, Any]:
    return {"username": member.user.username, "role": member.role,
            "unit": member.unit.code if member.unit else None}


def _skill_key(skill: Skill) -> str:
    return f"{skill.event.code}/{skill.code}"


# --- checks shared by the file and the page -----------------------------------------------------

@dataclass
class _Entry:
    """One wanted member: a username (with its account, when it exists), a unit and a role."""

    username: str
    name: str
    unit: Unit | None
    role: PanelRole | None
    user: User | None
    problems: list[tuple[str, str]] = field(default_factory=list)


def _check_entry(username: str, name: str, unit_code: str, role_text: str, *, unit_required: bool) -> _Entry:
    """Every problem of one member description, as (column, message) pairs. ``unit_code``, when
    given, must be the account's own unit (or becomes it, for an account without one)."""
    entry = _Entry(username, name, None, parse_role(role_text), None)
    if not re.fullmatch(USERNAME_PATTERN, username):
        entry.problems.append(("username", msg("%(value)s must be 2–80 of letters, digits and _.@-",
                                               value=repr(username))))
    else:
        entry.user = user_by_name(username)
        if entry.user is not None and entry.user.role != Role.EXPERT:
            entry.problems.append(("username", msg(
                "%(user)s is an account of role %(role)s; panel members need expert accounts",
                user=username, role=entry.user.role.value)))
        elif entry.user is not None and not entry.user.is_active:
            entry.problems.append(("username", msg("the account %(user)s is deactivated", user=username)))
        elif entry.user is None and not name:
            entry.problems.append(("name", msg("is empty: it is needed to create the account")))
    if len(name) > 100:
        entry.problems.append(("name", msg("is longer than %(limit)s characters", limit=100)))
    if not unit_code:
        if unit_required:
            entry.problems.append(("unit_code", msg("is empty")))
    else:
        entry.unit = unit_by_code(unit_code)
        own = entry.user.unit if entry.user is not None else None
        if entry.unit is None:
            entry.problems.append(("unit_code", msg("unknown unit %(code)s", code=unit_code)))
        elif own is not None and own.id != entry.unit.id:
            entry.problems.append(("unit_code", msg(
                "%(user)s belongs to %(unit)s (their account); a panel cannot seat them under another unit",
                user=username, unit=own.code)))
    if entry.role is None:
        entry.problems.append(("role", msg("%(value)s is not one of %(choices)s", value=repr(role_text),
                                           choices=", ".join(r.value for r in PanelRole))))
    return entry


def _account(entry: _Entry) -> tuple[User, str | None]:
    """The entry's account, created as an expert (with a one-time link) when it does not exist; an
    existing account without a unit takes the entry's (checked by :func:`_check_entry`)."""
    if entry.user is None:
        return create_user(entry.username, Role.EXPERT, unit_code=entry.unit.code if entry.unit else None,
                           display_name=entry.name)
    if entry.user.unit is None and entry.unit is not None:
        entry.user.unit = entry.unit
        audit.record("user.unit", "user", entry.user.username, before={"unit": None},
                     after={"unit": entry.unit.code})
    return entry.user, None


# --- the judges file ----------------------------------------------------------------------------

@dataclass
class JudgesImported:
    skills: list[str]
    members: int
    created: list[tuple[str, str]]  # (username, one-time login URL) for each created account


def import_judges(event: Event, rows: list[Row]) -> JudgesImported:
    """Replace the panels of the skills the file names (see the module docstring)."""
    skills = {s.code: s for s in event.skills}
    problems: list[Problem] = []
    wanted: dict[str, list[_Entry]] = {}
    seen: dict[tuple[str, str], int] = {}
    chief_row: dict[str, int] = {}
    unit_row: dict[str, Row] = {}
    for row in rows:
        entry = _check_entry(row["username"], row["name"], row["unit_code"], row["role"], unit_required=True)
        row_problems = [at_row(row.number, column, message) for column, message in entry.problems]
        skill_code = row["skill_code"]
        if skill_code not in skills:
            row_problems.append(at_row(row.number, "skill_code", msg(
                "no skill %(skill)s in event %(event)s", skill=repr(skill_code), event=event.code)))
        key = (skill_code, entry.username)
        if key in seen:
            row_problems.append(at_row(row.number, "username", msg(
                "%(user)s is on the %(skill)s panel already on row %(row)s", user=entry.username,
                skill=skill_code, row=seen[key])))
        seen.setdefault(key, row.number)
        if entry.role == PanelRole.CHIEF:
            if skill_code in chief_row:
                row_problems.append(at_row(row.number, "role", msg(
                    "%(skill)s has a chief already on row %(row)s; at most one per skill", skill=skill_code,
                    row=chief_row[skill_code])))
            chief_row.setdefault(skill_code, row.number)
        first = unit_row.setdefault(entry.username, row)
        if first["unit_code"] != row["unit_code"]:
            row_problems.append(at_row(row.number, "unit_code", msg(
                "%(user)s has unit %(unit)s on row %(row)s", user=entry.username, unit=first["unit_code"],
                row=first.number)))
        problems += row_problems
        wanted.setdefault(skill_code, []).append(entry)
    if problems:
        raise InputRefused(problems)

    accounts: dict[str, tuple[User, str | None]] = {}
    members = 0
    for skill_code, entries in wanted.items():
        for entry in entries:
            if entry.username not in accounts:
                accounts[entry.username] = _account(entry)
        _replace_panel(skills[skill_code], [(accounts[e.username][0], e.role) for e in entries])
        members += len(entries)
    created = [(name, link) for name, (_, link) in accounts.items() if link is not None]
    return JudgesImported(sorted(wanted), members, created)


def _replace_panel(skill: Skill, seats: list[tuple[User, PanelRole]]) -> None:
    current = {m.user_id: m for m in panel_of(skill)}
    before = [_member_state(m) for m in current.values()]
    kept = {user.id for user, _role in seats}
    for user_id, member in current.items():
        if user_id not in kept:
            db.session.delete(member)
    db.session.flush()
    # The chief seat is written last, in its own flush: the one-chief index must never see two.
    for chief_pass in (False, True):
        for user, role in seats:
            if (role == PanelRole.CHIEF) != chief_pass:
                continue
            member = current.get(user.id)
            if member is None:
                member = PanelMember(skill=skill, user=user)
                db.session.add(member)
            member.role = role
        db.session.flush()
    after = [_member_state(m) for m in panel_of(skill)]
    if before != after:
        audit.record("panel.import", "skill", _skill_key(skill), before=before, after=after,
                     event_id=skill.event_id)


# --- the panel page -----------------------------------------------------------------------------

def _refuse(entry_problems: list[tuple[str, str]]) -> None:
    if entry_problems:
        raise InputRefused([Problem(column, message) for column, message in entry_problems])


def _check_one_chief(skill: Skill, role: PanelRole, member: PanelMember | None = None) -> None:
    if role != PanelRole.CHIEF:
        return
    chief = next((m for m in panel_of(skill) if m.role == PanelRole.CHIEF), None)
    if chief is not None and chief is not member:
        raise PanelError(msg("%(skill)s has a chief expert already (%(user)s); change that member's role "
                             "first", skill=skill.code, user=chief.user.username))


def add_member(skill: Skill, *, username: str, name: str, role: str) -> tuple[PanelMember, str | None]:
    """Seat an existing expert (with their account's unit), or create the expert account (without
    a unit); returns the member and, for a created account, its one-time login URL (shown once,
    never stored in clear)."""
    entry = _check_entry(username.strip(), name.strip(), "", role, unit_required=False)
    _refuse(entry.problems)
    if entry.user is not None and member_of(skill, entry.user) is not None:
        raise PanelError(msg("%(user)s is on the %(skill)s panel already", user=entry.username,
                             skill=skill.code))
    _check_one_chief(skill, entry.role)
    user, link = _account(entry)
    member = PanelMember(skill=skill, user=user, role=entry.role)
    db.session.add(member)
    db.session.flush()
    audit.record("panel.add", "skill", _skill_key(skill), after=_member_state(member),
                 event_id=skill.event_id)
    return member, link


def change_role(member: PanelMember, role: PanelRole) -> None:
    """Give a panel member another role, keeping one chief per skill; audited."""
    _check_one_chief(member.skill, role, member)
    before = _member_state(member)
    member.role = role
    db.session.flush()
    audit.record("panel.role", "skill", _skill_key(member.skill), before=before, after=_member_state(member),
                 event_id=member.skill.event_id)


def remove_member(member: PanelMember) -> None:
    """Take a member off the skill's panel; audited with what they were, before the row goes."""
    audit.record("panel.remove", "skill", _skill_key(member.skill), before=_member_state(member),
                 event_id=member.skill.event_id)
    db.session.delete(member)
    db.session.flush()
