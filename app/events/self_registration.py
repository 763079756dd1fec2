"""Self-registration: an individual enters themselves in an enterprise or school contest.

tiers.md: "units enter contestants; an individual may self-register only at enterprise/school tier
if the organizer allows it". So an event takes self-registrations (:func:`allows`) when its
``self_registration`` flag is set and the tier it counts as is ``enterprise`` or ``school`` (the
``effective_tier`` of a special contest, as eligibility reads it), and only while its registration
window is open today (:func:`not_open`, which asks ``Event.registration_open_on``, the one window
rule: Asia/Shanghai, ``closes`` inclusive).

A submission goes through the unit administrator's path (:func:`~app.events.registration.register_one`):
every eligibility rule with the same messages, status ``submitted`` for the organizer to review,
audited. The audit actor is ``self:<last 4 characters of the ID number>`` and the registration is
flagged ``self_registered``, so the organizer's list marks it.

Choices where the docs are silent:
- **Units**: the event's organizers and every unit below them (an enterprise and its departments, a
  school and its faculties). Another unit, which only a tampered form can send, is refused.
- **Skills**: solo skills only. A team is registered whole, by its unit, never one member at a time.
- **Bib**: ``<SKILL>-S001``, ``<SKILL>-S002`` …: the number after the highest bib of that form in the
  event (rejected entries keep theirs, so a number is never given twice; ``S`` tells the organizer at
  a glance who came in by self-registration). It is taken after the event's row lock that every
  registration takes (``SELECT … FOR UPDATE`` on PostgreSQL, ``BEGIN IMMEDIATE`` on SQLite), so two
  people submitting at once are served one after the other and get consecutive numbers; the unique
  constraint on (event, bib) stays the last guard.
- **Throttle**: every submission that reaches :func:`submit` is a row (:class:`SelfRegistrationTry`),
  written first and then counted (it counts itself), per client address over the last hour; beyond
  ``SELF_REGISTRATION_MAX_PER_HOUR`` the submission is refused. Refused submissions count as well,
  since trying ID numbers is what the limit slows down, so the try must survive a refusal: the
  registration itself runs in a savepoint, and the caller commits in every case.
- **No account** is created: a public form cannot tell the person from someone who knows their ID
  details, and a contestant account belongs to the person across events. After approval the person
  finds their results with bib + ID tail (the results lookup); organizers create contestant accounts
  (``users create … --role contestant --id-number …``).

Services write and audit but never commit.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, timedelta

from flask import current_app
from sqlalchemy import func, select

from app import audit, clock
from app.errors import DomainError, InputRefused, Problem
from app.events.eligibility import event_tier
from app.events.models import Event, Registration, RegistrationStatus, SelfRegistrationTry, Skill
from app.events.registration import register_one
from app.extensions import db
from app.messages import Message, msg
from app.people import idcard
from app.people.models import Person
from app.units.models import Unit
from app.units.services import subtree_ids

SELF_REGISTRATION_TIERS = frozenset({"enterprise", "school"})
# The fields an individual fills in: the unit form's, without the bib (allocated) and the team.
FIELDS = ("unit_code", "skill_code", "name", "id_type", "id_number", "birth_date", "gender", "group",
          "current_level", "current_level_cert_no", "phone")
WINDOW = timedelta(hours=1)
BIB_LENGTH = 40  # Registration.contestant_no


class NotOpen(DomainError):
    """The event allows self-registration, but not today."""


class TooManySubmissions(DomainError):
    pass


def allows(event: Event) -> bool:
    """The organizer allows it, and the event counts as an enterprise or school contest."""
    return bool(event.self_registration) and event_tier(event) in SELF_REGISTRATION_TIERS


def not_open(event: Event, today: date) -> Message | None:
    """Why an allowed event takes no self-registration today (``None``: it does)."""
    if event.registration_open_on(today):
        return None
    if event.registration_opens is None or event.registration_closes is None:
        return msg("Registration dates for %(event)s are not set yet.", event=event.name)
    if today < event.registration_opens:
        return msg("Registration for %(event)s opens on %(day)s.", event=event.name,
                   day=event.registration_opens.isoformat())
    return msg("Registration for %(event)s closed on %(day)s (Asia/Shanghai).", event=event.name,
               day=event.registration_closes.isoformat())


def open_events(today: date) -> list[Event]:
    """Events taking self-registrations today, soonest closing first (for the login page)."""
    candidates = db.session.scalars(select(Event).where(
        Event.self_registration.is_(True), Event.registration_opens <= today,
        Event.registration_closes >= today))
    found = [e for e in candidates if allows(e) and not_open(e, today) is None]
    return sorted(found, key=lambda e: (e.registration_closes, e.code))


def connect() -> None:
    """The login page lists the open events through a signal: auth may not import events."""
    from app.signals import open_self_registrations
    open_self_registrations.connect(_open_for_login_page)


def _open_for_login_page(_sender, today: date) -> list[Event]:
    return open_events(today)


def units_of(event: Event) -> list[Unit]:
    """The units an individual may enter under: the organizers and their subtrees, by code."""
    ids: set[int] = set()
    for link in event.organizer_links:
        ids |= subtree_ids(link.unit_id)
    if not ids:
        return []
    return sorted(db.session.scalars(select(Unit).where(Unit.id.in_(ids))), key=lambda u: u.code)


def skills_of(event: Event) -> list[Skill]:
    """Solo skills: teams are registered whole by their unit."""
    return [s for s in event.skills if s.team_size == 1]


def next_bib(event: Event, skill: Skill) -> str:
    """``<SKILL>-S<n>``: one more than the highest such bib in the event (3 digits at least).

    The prefix is cut to leave room for the number; two skills whose codes share the cut prefix
    share its sequence, which keeps every bib unique."""
    prefix = f"{skill.code[:BIB_LENGTH - 6]}-S"
    pattern = re.compile(re.escape(prefix) + r"(\d+)")
    bibs = db.session.scalars(select(Registration.contestant_no).where(
        Registration.event_id == event.id, Registration.contestant_no.startswith(prefix, autoescape=True)))
    numbers = [int(m.group(1)) for bib in bibs if (m := pattern.fullmatch(bib))]
    return f"{prefix}{max(numbers, default=0) + 1:03d}"


def _count_try(event: Event, address: str) -> None:
    now = clock.now()
    address = address[:64]
    db.session.add(SelfRegistrationTry(event_id=event.id, address=address, at=now))
    db.session.flush()
    tries = db.session.scalar(select(func.count(SelfRegistrationTry.id)).where(
        SelfRegistrationTry.address == address, SelfRegistrationTry.at >= now - WINDOW))
    limit = current_app.config["SELF_REGISTRATION_MAX_PER_HOUR"]
    if tries > limit:
        raise TooManySubmissions(msg("too many registrations from this network: at most %(count)s an hour; "
                                     "try again later or ask your unit to register you", count=limit))


def _scope_problems(event: Event, values: Mapping[str, str]) -> list[Problem]:
    """Units and skills outside what the form offers (only a tampered form sends them)."""
    problems = [Problem(name, msg("is empty")) for name in ("unit_code", "skill_code")
                if not values.get(name)]
    if values.get("unit_code") and values["unit_code"] not in {u.code for u in units_of(event)}:
        problems.append(Problem("unit_code", msg("choose your unit from the list: only the organizers' "
                                                 "units and the units below them take part")))
    if values.get("skill_code") and values["skill_code"] not in {s.code for s in skills_of(event)}:
        problems.append(Problem("skill_code", msg("choose a skill from the list: team skills are registered "
                                                  "by the unit")))
    return problems


def _entered_problems(event: Event, values: Mapping[str, str]) -> list[Problem]:
    """A person entered already (a rejected entry aside) is told so without the entry's bib and
    skill, which the units' message names: anyone can type an ID number into a public form."""
    number = idcard.normalize(values.get("id_number") or "")
    if not number:
        return []
    entered = db.session.scalar(
        select(Registration.id).join(Person, Person.id == Registration.person_id)
        .where(Registration.event_id == event.id, Person.id_number == number,
               Registration.status != RegistrationStatus.REJECTED).limit(1))
    if entered is None:
        return []
    return [Problem("id_number", msg("already registered in this event; a person enters one skill per event"))]


def submit(event: Event, values: Mapping[str, str], address: str) -> Registration:
    """Register the person who filled in the public form, as ``submitted``, with an allocated bib.

    Only :data:`FIELDS` are read from ``values`` (a bib, status or team in them is ignored).
    Raises :class:`NotOpen`, :class:`TooManySubmissions` or :class:`InputRefused`; the try is
    recorded in every case but ``NotOpen`` and stays when the registration is refused, so the
    caller commits whatever happens (nothing else is written on a refusal).
    """
    if not allows(event):
        raise DomainError(msg("%(event)s does not take self-registrations", event=event.code))
    closed = not_open(event, clock.today())
    if closed is not None:
        raise NotOpen(closed)
    # Serialize with every other registration of the event: the try count and the bib below are
    # read under the same lock the registration service takes.
    db.session.execute(select(Event.id).where(Event.id == event.id).with_for_update())
    _count_try(event, address)
    cells = {name: (values.get(name) or "").strip() for name in FIELDS}
    problems = _scope_problems(event, cells) + _entered_problems(event, cells)
    if problems:
        raise InputRefused(problems)
    skill = event.skill(cells["skill_code"])
    cells |= {"contestant_no": next_bib(event, skill), "team": ""}
    unit_scope = {u.id for u in units_of(event)}
    actor = f"self:{idcard.normalize(cells['id_number'])[-4:]}"
    with db.session.begin_nested(), audit.acting_as(actor):
        return register_one(event, cells, actor_is_organizer=False, unit_scope=unit_scope,
                            self_registered=True)
