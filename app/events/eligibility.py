"""Eligibility rules for registering contestants (formats.md "contestants", tiers.md).

A *candidate* is one parsed row (of a file or of the web form). Each rule is a small function that
returns a :class:`Finding` — the column at fault and a message a person can act on — or ``None``
(the ID rule returns a list, as a number can be wrong twice; the window rule, about the event
rather than a row, a bare message).
The caller locates findings (``row 5, id_number: …`` for files, the form field for the web form).
Rules read the :class:`Roster`: the event's registrations, then the earlier rows of the same file,
so a file that breaks a quota or repeats a person is refused as a whole.

Terms: a *delegation* is the unit that quotas count against (see :func:`delegation_of`); an *entry*
is one place in a quota: a team for team skills, a contestant otherwise.

``bar_previous_medallists`` reads the people's :class:`~app.people.models.MedalRecord` (kept by the
results feature from final results). Choice where tiers.md is silent: "the same tier" is the tier
an event counts as (``effective_tier`` for a special contest), any earlier event of it; a medal is
gold, silver or bronze (not 优胜奖).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select

from app.events.models import Event, Registration, RegistrationStatus, Skill, SkillGroup
from app.extensions import db
from app.messages import Message, msg
from app.people import idcard
from app.people.models import Gender, IdType, MedalRecord, Person
from app.units.models import Unit, UnitKind
from scoring.levels import NAMES_ZH, level_index

PersonKey = tuple[IdType, str]
EntryKey = tuple[str, str | int]  # one quota place: a team, or a single registration or row


@dataclass(frozen=True)
class Finding:
    column: str
    message: Message


@dataclass(frozen=True)
class Candidate:
    """One row, parsed; a field is ``None`` when its cell could not be read (already reported)."""

    row: int
    unit: Unit | None
    skill: Skill | None
    contestant_no: str
    name: str
    id_type: IdType | None
    id_number: str
    birth_date: date | None
    gender: Gender | None
    group: SkillGroup | None
    current_level: str | None
    current_level_cert_no: str
    phone: str
    team: str

    @property
    def person_key(self) -> PersonKey | None:
        return (self.id_type, self.id_number) if self.id_type is not None and self.id_number else None


def delegation_of(unit: Unit, kind: UnitKind | None) -> Unit:
    """The unit a quota counts against: the nearest of the unit and its ancestors whose kind is the
    event's ``delegation_kind``. The unit itself when the event sets none, and also when no unit
    above it has that kind (e.g. a provincial school directly under the province at an event with
    city delegations): it then competes as its own delegation rather than being refused."""
    if kind is not None:
        for node in (unit, *unit.ancestors()):
            if node.kind == kind:
                return node
    return unit


def person_key_of(registration: Registration) -> PersonKey:
    """The key a registration's person is known by across files: ID type and number, never the name."""
    return (registration.person.id_type, registration.person.id_number)


@dataclass
class Roster:
    """The registrations a row is checked against, growing with each row of the file before it."""

    event: Event
    persons: dict[PersonKey, Person]
    bibs: dict[str, Registration] = field(default_factory=dict)
    entered: dict[PersonKey, Registration] = field(default_factory=dict)
    rejected: dict[PersonKey, Registration] = field(default_factory=dict)
    teams: dict[int, set[str]] = field(default_factory=dict)
    entries: dict[tuple[int, int], set[EntryKey]] = field(default_factory=dict)
    file_bibs: dict[str, int] = field(default_factory=dict)
    file_people: dict[PersonKey, int] = field(default_factory=dict)
    file_entries: dict[tuple[int, int], set[EntryKey]] = field(default_factory=dict)
    medals: dict[int, list[MedalRecord]] = field(default_factory=dict)

    @classmethod
    def of(cls, event: Event, registrations: list[Registration], persons: dict[PersonKey, Person]) -> Roster:
        roster = cls(event=event, persons=persons)
        if event.bar_previous_medallists and persons:
            for record in db.session.scalars(select(MedalRecord).where(
                    MedalRecord.person_id.in_([p.id for p in persons.values()]),
                    MedalRecord.tier == event_tier(event))):
                roster.medals.setdefault(record.person_id, []).append(record)
        for reg in registrations:
            roster.bibs[reg.contestant_no] = reg
            if reg.status == RegistrationStatus.REJECTED:
                roster.rejected[person_key_of(reg)] = reg
                continue
            roster.entered[person_key_of(reg)] = reg
            if reg.team:
                roster.teams.setdefault(reg.skill_id, set()).add(reg.team)
            key = (delegation_of(reg.unit, event.delegation_kind).id, reg.skill_id)
            entry = ("team", reg.team) if reg.team else ("registration", reg.id)
            roster.entries.setdefault(key, set()).add(entry)
        return roster

    def reusable(self, c: Candidate) -> Registration | None:
        """A rejected registration of the same person, which a new row re-submits."""
        return self.rejected.get(c.person_key) if c.person_key else None

    def add(self, c: Candidate) -> None:
        """Count a row for the rows after it."""
        if c.contestant_no:
            self.file_bibs.setdefault(c.contestant_no, c.row)
        if c.person_key:
            self.file_people.setdefault(c.person_key, c.row)
        if c.unit is not None and c.skill is not None:
            key = (delegation_of(c.unit, self.event.delegation_kind).id, c.skill.id)
            self.file_entries.setdefault(key, set()).add(_entry_key(c))


def _entry_key(c: Candidate) -> EntryKey:
    return ("team", c.team) if c.skill is not None and c.skill.team_size > 1 and c.team else ("row", c.row)


def _level_name(code: str) -> str:
    return f"{code} ({NAMES_ZH[code]})"


# --- the rules ----------------------------------------------------------------------------------

def window_open(event: Event, today: date) -> Message | None:
    """Units register inside the window (``closes`` inclusive); the organizer may register late."""
    if event.registration_opens is None or event.registration_closes is None:
        return msg("%(event)s has no registration window; only the organizer can register contestants",
                   event=event.code)
    if today < event.registration_opens:
        return msg("opens on %(day)s; try again then", day=event.registration_opens.isoformat())
    if today > event.registration_closes:
        return msg("closed on %(day)s (Asia/Shanghai); ask the organizer to register late entries",
                   day=event.registration_closes.isoformat())
    return None


def id_number_valid(c: Candidate) -> list[Finding]:
    """The check digit, birth date and gender digit of 18-character IDs (GB 11643); one finding
    per disagreement, since a number can be wrong about both."""
    if c.id_type is None or not c.id_number or c.id_type.value not in idcard.CHECKED_TYPES:
        return []
    found = idcard.problems(c.id_number, c.birth_date, c.gender.value if c.gender else None)
    return [Finding("id_number", message) for message in found]


def matches_person_on_record(c: Candidate, roster: Roster) -> Finding | None:
    """A known ID number must come with the same name, birth date and gender: a mismatch is more
    likely a mistyped number than a changed person. The message names no stored value, so typing
    numbers cannot reveal who they belong to."""
    person = roster.persons.get(c.person_key) if c.person_key else None
    if person is None:
        return None
    for column, ours, theirs in (("name", c.name, person.name),
                                 ("birth_date", c.birth_date, person.birth_date),
                                 ("gender", c.gender, person.gender)):
        if ours and theirs and ours != theirs:
            return Finding(column, msg("differs from the %(column)s on record for this ID number; check both",
                                       column=column))
    return None


def bib_unused(c: Candidate, roster: Roster) -> Finding | None:
    """Bib numbers are unique in the event; a re-submitted rejected entry may keep its own."""
    if not c.contestant_no:
        return None
    holder = roster.bibs.get(c.contestant_no)
    if holder is not None and holder is not roster.reusable(c):
        return Finding("contestant_no", msg("%(bib)s is already taken in this event", bib=c.contestant_no))
    if c.contestant_no in roster.file_bibs:
        return Finding("contestant_no", msg("%(bib)s is already on row %(row)s", bib=c.contestant_no,
                                            row=roster.file_bibs[c.contestant_no]))
    return None


def person_once(c: Candidate, roster: Roster) -> Finding | None:
    """One person enters one skill per event; a rejected entry does not count."""
    if c.person_key is None:
        return None
    held = roster.entered.get(c.person_key)
    if held is not None:
        return Finding("id_number", msg("already registered in this event (bib %(bib)s, skill %(skill)s); "
                                        "a person enters one skill per event",
                                        bib=held.contestant_no, skill=held.skill.code))
    if c.person_key in roster.file_people:
        return Finding("id_number", msg("already on row %(row)s; a person enters one skill per event",
                                        row=roster.file_people[c.person_key]))
    return None


def event_tier(event: Event) -> str:
    """The tier an event counts at: a special contest's ``effective_tier``, else its own (tiers.md)."""
    return event.effective_tier or event.tier


def not_a_previous_medallist(c: Candidate, roster: Roster) -> Finding | None:
    """``bar_previous_medallists``: no medal at an event of the same tier (WorldSkills: compete once)."""
    person = roster.persons.get(c.person_key) if c.person_key else None
    if person is None:
        return None
    won = next((m for m in roster.medals.get(person.id, []) if m.event_code != roster.event.code), None)
    if won is None:
        return None
    return Finding("id_number", msg("won %(award)s in %(skill)s at %(event)s (%(year)s), a contest of the same "
                                    "tier; this event bars previous medallists", award=won.award,
                                    skill=won.skill_code, event=won.event_code, year=won.year))


def group_matches(c: Candidate) -> Finding | None:
    """A skill held for one group (employees or students) refuses a candidate of the other group."""
    if c.skill is None or c.skill.group is None or c.group is None or c.group == c.skill.group:
        return None
    return Finding("group", msg("%(skill)s is for the %(wanted)s group, not %(given)s", skill=c.skill.code,
                                wanted=c.skill.group.value, given=c.group.value))


def completed_years(born: date, on: date) -> int:
    """Age in completed years; someone born on 29 February completes a year on 1 March."""
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def age_allowed(c: Candidate) -> Finding | None:
    """The candidate's age in completed years on the skill's reference date must be within its limits."""
    if c.skill is None or c.birth_date is None:
        return None
    on = c.skill.reference_date
    age = completed_years(c.birth_date, on)
    if c.skill.min_age is not None and age < c.skill.min_age:
        return Finding("birth_date", msg("is %(age)s on %(day)s; %(skill)s requires at least %(limit)s",
                                         age=age, day=on.isoformat(), skill=c.skill.code,
                                         limit=c.skill.min_age))
    if c.skill.max_age is not None and age > c.skill.max_age:
        return Finding("birth_date", msg("is %(age)s on %(day)s; %(skill)s allows at most %(limit)s",
                                         age=age, day=on.isoformat(), skill=c.skill.code,
                                         limit=c.skill.max_age))
    return None


def level_sufficient(c: Candidate) -> Finding | None:
    """The declared level in the skill's occupation must reach the skill's ``min_level``."""
    if c.skill is None or not c.skill.min_level:
        return None
    if c.current_level is None:
        return Finding("current_level", msg("is empty; %(skill)s requires at least %(level)s",
                                            skill=c.skill.code, level=_level_name(c.skill.min_level)))
    if level_index(c.current_level) < level_index(c.skill.min_level):
        return Finding("current_level", msg("%(level)s is below %(minimum)s, which %(skill)s requires",
                                            level=_level_name(c.current_level),
                                            minimum=_level_name(c.skill.min_level), skill=c.skill.code))
    return None


def team_label(c: Candidate, roster: Roster) -> Finding | None:
    """Team skills need a label not used by an earlier registration; solo skills none."""
    if c.skill is None:
        return None
    if c.skill.team_size == 1:
        return Finding("team", msg("must be empty: %(skill)s is not a team skill", skill=c.skill.code)) \
            if c.team else None
    if not c.team:
        return Finding("team", msg("is empty; %(skill)s is a team skill: give each team's %(size)s members "
                                   "the same label", skill=c.skill.code, size=c.skill.team_size))
    if c.team in roster.teams.get(c.skill.id, set()):
        return Finding("team", msg("team %(team)s already exists in %(skill)s; teams are registered whole, "
                                   "so use another label", team=c.team, skill=c.skill.code))
    return None


def team_complete(members: list[Candidate]) -> Finding | None:
    """Rows sharing a skill and team label form one team: exactly ``team_size``, one unit."""
    first = members[0]
    size = first.skill.team_size
    rows = ", ".join(str(m.row) for m in members)
    if len(members) != size:
        return Finding("team", msg("team %(team)s in %(skill)s has %(n)s member(s) (rows %(rows)s); "
                                   "it needs exactly %(size)s",
                                   team=first.team, skill=first.skill.code, n=len(members), rows=rows,
                                   size=size))
    units = sorted({m.unit.code for m in members if m.unit is not None})
    if len(units) > 1:
        return Finding("team", msg("team %(team)s in %(skill)s mixes units %(units)s; "
                                   "a team comes from one unit",
                                   team=first.team, skill=first.skill.code, units=", ".join(units)))
    return None


def within_quota(c: Candidate, roster: Roster) -> Finding | None:
    """At most ``quota_per_unit`` contestants (teams, for team skills) per delegation and skill."""
    if c.unit is None or c.skill is None:
        return None
    delegation = delegation_of(c.unit, roster.event.delegation_kind)
    key = (delegation.id, c.skill.id)
    before, earlier = roster.entries.get(key, set()), roster.file_entries.get(key, set())
    entry = _entry_key(c)
    if entry in before or entry in earlier or len(before) + len(earlier) < c.skill.quota_per_unit:
        return None
    values = {"unit": c.unit.code, "delegation": delegation.code, "quota": c.skill.quota_per_unit,
              "skill": c.skill.code, "registered": len(before), "earlier": len(earlier)}
    teams, own = c.skill.team_size > 1, delegation is c.unit
    if teams and own:
        message = msg("quota reached: %(unit)s may enter %(quota)s teams in %(skill)s "
                      "(%(registered)s registered, %(earlier)s earlier in this file)", **values)
    elif teams:
        message = msg("quota reached: delegation %(delegation)s (of %(unit)s) may enter %(quota)s teams in "
                      "%(skill)s (%(registered)s registered, %(earlier)s earlier in this file)", **values)
    elif own:
        message = msg("quota reached: %(unit)s may enter %(quota)s contestants in %(skill)s "
                      "(%(registered)s registered, %(earlier)s earlier in this file)", **values)
    else:
        message = msg("quota reached: delegation %(delegation)s (of %(unit)s) may enter %(quota)s "
                      "contestants in %(skill)s (%(registered)s registered, %(earlier)s earlier in this "
                      "file)", **values)
    return Finding("unit_code", message)


def employs_organizer(c: Candidate, organizer_ids: set[int]) -> Finding | None:
    """``employees_of_organizers_only``: the unit is an organizer or lies below one."""
    if c.unit is None or any(node.id in organizer_ids for node in (c.unit, *c.unit.ancestors())):
        return None
    return Finding("unit_code", msg("%(unit)s is neither an organizer of this event nor below one; "
                                    "the event admits only the organizers' own employees", unit=c.unit.code))


def check(candidates: list[Candidate], roster: Roster) -> list[tuple[int, Finding]]:
    """Every rule on every row, in file order, then the team rules; findings sorted by row."""
    event = roster.event
    organizer_ids = {link.unit_id for link in event.organizer_links}
    found: list[tuple[int, Finding]] = []
    for c in candidates:
        results = [*id_number_valid(c), matches_person_on_record(c, roster), bib_unused(c, roster),
                   person_once(c, roster), group_matches(c), age_allowed(c), level_sufficient(c),
                   team_label(c, roster), within_quota(c, roster)]
        if event.employees_of_organizers_only:
            results.append(employs_organizer(c, organizer_ids))
        if event.bar_previous_medallists:
            results.append(not_a_previous_medallist(c, roster))
        found += [(c.row, f) for f in results if f is not None]
        roster.add(c)
    teams: dict[tuple[int, str], list[Candidate]] = {}
    for c in candidates:
        if c.skill is not None and c.skill.team_size > 1 and c.team:
            teams.setdefault((c.skill.id, c.team), []).append(c)
    for members in teams.values():
        finding = team_complete(members)
        if finding is not None:
            found.append((members[0].row, finding))
    return sorted(found, key=lambda item: item[0])
