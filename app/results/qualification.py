"""Qualification from results: advance the top N, or the medal winners, of a feeder event.

tiers.md lets an organizer advance "the top N (or medal winners) of each skill" of the feeder event
into the higher event in one step. The events feature owns the registering (eligibility, quota,
bibs, the link to the qualifying entry, the audit): :func:`app.events.qualification.advance_from_feeder`.
This module only *chooses* who qualified, because that needs the feeder's standings, and events
must not import results (design.md: the later feature provides the operation).

Rules, written down here:

- Only **final** results qualify anyone: a provisional table may still change on appeal, a private
  one is not public yet. Every feeder skill taken part in must be final; the ones that are not are
  named, and nothing is advanced.
- ``top`` N means every competitor whose *rank* is at most N. Ranks are competition ranks, so a
  shared N-th place brings everyone sharing it (top 2 of 1, 2, 2, 4 advances three), and a shared
  place above N can leave fewer distinct places than N.
- ``medals`` means an award of gold, silver or bronze (an event with an inline award table of
  prizes has no medal winners).
- Team skills: a qualifying team advances with every member (the standings hold only the lead).
- Qualifiers already advanced into the higher event are left out without a complaint (an organizer
  runs "advance the top 3" again after fixing one refused entry) and counted in
  :attr:`Qualifiers.already`; everything else is all or nothing, as ``advance_from_feeder`` is.
"""
from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Literal

from sqlalchemy import select

from app.errors import DomainError, InputRefused, Problem
from app.events.models import Attendance, Event, Registration
from app.events.qualification import advance_from_feeder
from app.extensions import db
from app.messages import msg
from app.results.tables import SkillTable, skill_tables

Rule = Literal["top", "medals"]
RULES: tuple[str, ...] = ("top", "medals")
MEDAL_AWARDS = frozenset({"gold", "silver", "bronze"})
MAX_TOP_N = 1000


@dataclass
class Qualifiers:
    """Who qualified: feeder registrations still to advance, and those advanced before."""

    to_advance: list[Registration] = field(default_factory=list)
    already: list[Registration] = field(default_factory=list)


def qualifiers(event: Event, *, rule: Rule, top_n: int | None,
               skills: Collection[str] | None = None) -> Qualifiers:
    """The feeder registrations that qualify under ``rule`` (see the module docstring).

    ``skills`` are feeder skill codes to take qualifiers from; ``None`` means every feeder skill.
    """
    feeder = _feeder_of(event)
    _check_rule(rule, top_n)
    tables = _final_tables(feeder, skills)
    chosen = [member for table in tables for member in _qualifying_members(table, rule, top_n)]
    if not chosen:
        raise DomainError(msg("no contestant of %(event)s qualifies under this rule", event=feeder.code))
    advanced = set(db.session.scalars(
        select(Registration.feeder_registration_id).where(
            Registration.event_id == event.id,
            Registration.feeder_registration_id.in_([r.id for r in chosen]))))
    found = Qualifiers()
    for registration in chosen:
        (found.already if registration.id in advanced else found.to_advance).append(registration)
    return found


def advance_qualifiers(event: Event, *, rule: Rule, top_n: int | None, skill_map: dict[str, str],
                       skills: Collection[str] | None = None) -> list[Registration]:
    """Advance the top ``top_n`` (``rule="top"``) or the medal winners (``rule="medals"``) of each
    feeder skill's final results into ``event``; returns the new registrations.

    ``top_n`` counts places, not people: rank ≤ N, so a shared N-th place advances everyone sharing
    it. ``skill_map`` maps a feeder skill code to the skill it advances into (unmapped ones match
    by code). Qualifiers advanced before are skipped (see :func:`qualifiers`); when all of them
    were, nothing happens and the list is empty. Eligibility, quotas and the audit are
    :func:`advance_from_feeder`'s, all or nothing.
    """
    _check_skill_map(event, skill_map)
    found = qualifiers(event, rule=rule, top_n=top_n, skills=skills)
    if not found.to_advance:
        return []
    return advance_from_feeder(event, [r.id for r in found.to_advance], skill_map)


def _feeder_of(event: Event) -> Event:
    if event.feeder_event is None:
        raise DomainError(msg("%(event)s names no feeder event", event=event.code))
    return event.feeder_event


def _check_rule(rule: str, top_n: int | None) -> None:
    if rule not in RULES:
        raise DomainError(msg("unknown qualification rule %(rule)s (top or medals)", rule=rule))
    if rule == "top":
        if isinstance(top_n, bool) or not isinstance(top_n, int) or not 1 <= top_n <= MAX_TOP_N:
            raise DomainError(msg("top N needs a whole number N from 1 to %(max)s", max=MAX_TOP_N))
    elif top_n is not None:
        raise DomainError(msg("N belongs to the rule top N, not to medal winners"))


def _check_skill_map(event: Event, skill_map: dict[str, str]) -> None:
    feeder = _feeder_of(event)
    problems = []
    for source, target in skill_map.items():
        if feeder.skill(source) is None:
            problems.append(Problem(source, msg("%(event)s has no skill %(skill)s", event=feeder.code, skill=source)))
        if target and event.skill(target) is None:
            problems.append(Problem(source, msg("%(event)s has no skill %(skill)s", event=event.code, skill=target)))
    if problems:
        raise InputRefused(problems)


def _final_tables(feeder: Event, codes: Collection[str] | None) -> list[SkillTable]:
    """The chosen feeder skills' standings; every one of them must be final."""
    if codes is not None:
        unknown = sorted(c for c in set(codes) if feeder.skill(c) is None)
        if unknown:
            raise DomainError(msg("%(event)s has no skill %(skill)s", event=feeder.code, skill=", ".join(unknown)))
        if not codes:
            raise DomainError(msg("choose at least one skill of %(event)s", event=feeder.code))
    wanted = [s for s in feeder.skills if codes is None or s.code in codes]
    tables = {t.skill.id: t for t in skill_tables(feeder, published_only=False)}
    problems = []
    for skill in wanted:
        table = tables.get(skill.id)
        if table is None:
            problems.append(Problem("", msg("%(skill)s of %(event)s has no results yet",
                                           skill=skill.code, event=feeder.code)))
        elif not table.results.final:
            problems.append(Problem("", msg(
                "%(skill)s of %(event)s is %(state)s, not final: only final results qualify",
                skill=skill.code, event=feeder.code, state=table.results.publication.value)))
    if problems:
        raise InputRefused(problems)
    return [tables[s.id] for s in wanted]


def _qualifying_members(table: SkillTable, rule: str, top_n: int | None) -> list[Registration]:
    found: list[Registration] = []
    for line in table.lines:
        standing = line.standing
        if standing.status != Attendance.COMPETED or standing.rank is None:
            continue
        if (rule == "top" and standing.rank <= top_n) or (rule == "medals" and standing.award in MEDAL_AWARDS):
            found.extend(line.members)
    return found
