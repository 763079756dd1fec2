"""Competition as assessment (以赛代评): a placing in a contest → a vocational skill level (promotion.md).

Provinces write their own tables, so the rules are data (one rule set per issuing authority and
version, TOML in ``scoring/policies/promotion/``) applied by one engine, :func:`propose`. Pure
Python: the proposals page, ``promotion propose`` and ``import event`` all ask this module, so a
promotion is decided in one place only.

Terms. The ladder (人社部发〔2022〕14号) has eight levels, lowest first (``scoring.levels.LADDER``);
contests grant only the five numbered ones, ``level5`` 初级工 … ``level1`` 高级技师 (``GRANTABLE``);
特级技师 and 首席技师 are appointed by employers. A level is always held **in an occupation**; the
*current level* is the highest a person holds in the skill's occupation (the level declared at
registration and their own records, as :class:`HeldLevel` values), a level elsewhere counts as
none. A rule: which contests it covers (``tiers``, optional ``classes``, optional ``team_sizes``),
which ``groups`` (employee 职工组, student 学生组), one placing condition (``awards``, ``ranks``
``[first, last]`` or ``top_percent``) and one outcome: ``target`` with optionally ``if_holds`` →
``then`` ("X; 已具有X的，晋升Y"), or ``one_level_up`` with a ``cap``, or a ``title`` to propose;
``student_target`` / ``student_if_holds`` / ``student_then`` replace the target for students.
The engine, per promotion.md: current < target → target; current = if_holds → then; else none.

Every outcome carries its reason as a :class:`~scoring.marks.Finding` (``where`` is the rule id,
an English template and its values, extracted for translation like every ``problem``). Level
values are the Chinese names (技师), as the UI shows levels in both languages; awards, titles and
codes stay codes. A placing is a nested Finding in ``params["placing"]`` (and a missing rule in
``params["why"]``): the web translates nested values too.

Where promotion.md leaves a choice open, these are the readings:

- **N** of ``top_percent`` is the number of competed entrants ranked in the skill (teams once, as
  the ranking gives them; absent, withdrawn and disqualified are not counted): rank ≤ ⌈p × N / 100⌉,
  exact in ``Decimal``. A shared place at the cutoff is in, as for medals.
- **Rank ranges** are places: ``[6, 20]`` is 6 ≤ rank ≤ 20, so a shared 5th is in ``[1, 5]``.
- **Several rules met** (placing, group and contest all fit): the one proposing the highest level
  wins; among equals (or when none promotes) the first in the file, whose reason is given.
- **if_holds** must be at least ``target`` (a lower level already gets the target first) and
  ``then`` above ``if_holds``; the shipped sets have ``if_holds = target`` as their sources say.
  Jiangxi states no "already 技师" clause, so a 技师 placing there gets no promotion.
- **One level up** from no level (or 学徒工) is 初级工; it never passes the ``cap`` (default
  ``level1``); a cap or target of 学徒工, 特级技师 or 首席技师 is refused on load.
- **Groups**: every rule states its ``groups``. Most sources name employees (职工) only, so hunan,
  hainan, jiangxi and zhenxing cover employees; national-2023 covers both (promotion.md says so),
  printing and Tianjin have student columns. A candidate whose group is unknown (a skill with no
  group and none declared) gets no promotion from a rule whose outcome depends on the group (a
  rule for one group, or one with a student variant), with that reason: the organizer sets the
  group rather than the engine guessing. Printing's "certificate only" for students 6–20 is the
  6–20 rule covering employees only.
- **one_per_year** (Tianjin 同一年内参加竞赛只能晋升一次): any promotion by a contest whose event
  ended in the same calendar year counts, under whatever rule set and in whatever occupation (the
  person is promoted once a year), except one from the very event being proposed (proposals are
  computed again after approvals). It is checked last, so a candidate who would not be promoted
  anyway is told the real reason. ``Contest.year`` and ``PriorPromotion.year`` are the years the
  events *ended*.
- **Titles** (全国技术能手, the provincial technical expert) are proposals, never levels: a rule with
  a ``title`` has no level outcome, and the title rides along in :attr:`Outcome.titles` (the national
  top 5, pairs top 3, trios top 2 as three rules with ``team_sizes``). A rule set needs at least one
  level rule, and only level rules count for coverage.
- **Coverage** (``import event``): the event's tier — for a ``special`` contest its effective tier,
  as tiers.md says promotion uses — and class, where a national event without a class is class 1
  and ``comprehensive`` meets a rule naming class 1 (formats.md). A special contest has no class,
  so rules naming classes cover it only at the national tier. A rule may not name ``special``.
- ``valid_from`` is the date the source took effect, shown and kept; it does not refuse contests
  (an organizer picks the rule set per event). Professional-technical events of the national
  competition (certificates, not levels) are out of scope, as promotion.md says.
"""
from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Any, Protocol

from scoring.levels import LADDER, NAMES_ZH, parse_level
from scoring.marks import Finding, has_two_decimals, problem
from scoring.medals import AWARD_CODES
from scoring.rulesets import RuleSetError, parse_rule_set, shipped_text
from scoring.tiers import CLASS_CODES, NEEDS_EFFECTIVE_TIER, TIERS

KIND = "promotion"
SHIPPED = ("national-2023", "national-industry-printing", "zhenxing-2006", "tianjin-2024", "hunan-2022",
           "hainan-2023", "jiangxi-2022")
HIGHEST_GRANTED = "level1"
LOWEST_GRANTED = "level5"
GRANTABLE: tuple[str, ...] = LADDER[LADDER.index(LOWEST_GRANTED):LADDER.index(HIGHEST_GRANTED) + 1]
GROUPS = ("employee", "student")
TITLE_CODES = frozenset({"china_skills_award", "national_technical_expert", "provincial_skills_award",
                         "provincial_technical_expert"})


# --- the ladder ----------------------------------------------------------------------------------

def level_index(level: str | None) -> int:
    """The position on the ladder; no level (``None``) is below 学徒工."""
    if level is None:
        return -1
    if level not in LADDER:
        raise ValueError(f"{level!r} is not a skill level")
    return LADDER.index(level)


def level_up(current: str | None, cap: str = HIGHEST_GRANTED) -> str | None:
    """One level above ``current`` (from none or 学徒工: 初级工), or ``None`` past the cap."""
    if cap not in GRANTABLE:
        raise ValueError(f"{cap!r} is not a level a contest grants")
    above = LOWEST_GRANTED if level_index(current) < level_index(LOWEST_GRANTED) else (
        LADDER[level_index(current) + 1] if level_index(current) + 1 < len(LADDER) else None)
    if above is None or level_index(above) > level_index(cap):
        return None
    return above


def capped(level: str, cap: str) -> str:
    """``level``, or ``cap`` when it is above it."""
    return level if level_index(level) <= level_index(cap) else cap


@dataclass(frozen=True)
class HeldLevel:
    """A level a person holds in one occupation (declared at registration, or a record)."""

    occupation: str
    level: str


def current_level(levels: Iterable[HeldLevel], occupation: str | None) -> str | None:
    """The highest level held in ``occupation``; a level in another occupation counts as none."""
    held = [h.level for h in levels if occupation is not None and h.occupation == occupation]
    return max(held, key=level_index, default=None)


def _name(level: str | None) -> str:
    return NAMES_ZH[level] if level else ""


# --- placing conditions (a registry: the TOML key → its parser) -------------------------------------

class Placing(Protocol):
    def holds(self, rank: int, award: str | None, competed: int) -> bool: ...

    def described(self, rank: int, award: str | None, competed: int) -> Finding: ...


@dataclass(frozen=True)
class Awards:
    awards: tuple[str, ...]

    def holds(self, rank: int, award: str | None, competed: int) -> bool:
        return award in self.awards

    def described(self, rank: int, award: str | None, competed: int) -> Finding:
        return problem("", "award %(award)s", award=award)


@dataclass(frozen=True)
class Ranks:
    first: int
    last: int

    def holds(self, rank: int, award: str | None, competed: int) -> bool:
        return self.first <= rank <= self.last

    def described(self, rank: int, award: str | None, competed: int) -> Finding:
        return problem("", "rank %(rank)s", rank=rank)


@dataclass(frozen=True)
class TopPercent:
    percent: Decimal

    def cutoff(self, competed: int) -> int:
        """⌈p × N / 100⌉: top 30 % of 9 is rank ≤ 3."""
        return math.ceil(self.percent * competed / 100)

    def holds(self, rank: int, award: str | None, competed: int) -> bool:
        return rank <= self.cutoff(competed)

    def described(self, rank: int, award: str | None, competed: int) -> Finding:
        return problem("", "rank %(rank)s of %(competed)s, in the top %(percent)s%% (rank ≤ %(cutoff)s)",
                       rank=rank, competed=competed, percent=_percent(self.percent),
                       cutoff=self.cutoff(competed))


def _percent(value: Decimal) -> str:
    return f"{value.normalize():f}"


def _parse_awards(value: Any, where: str, found: list[Finding]) -> Placing | None:
    if not isinstance(value, list):
        found.append(problem(where, "must be a list"))
        return None
    if not value:
        found.append(problem(where, "must list at least one award"))
    bad = [a for a in value if a not in AWARD_CODES]
    found += [problem(where, "%(value)s is not an award: %(choices)s", value=repr(a),
                      choices=", ".join(sorted(AWARD_CODES))) for a in bad]
    return None if bad or not value else Awards(tuple(dict.fromkeys(value)))


def _parse_ranks(value: Any, where: str, found: list[Finding]) -> Placing | None:
    if (isinstance(value, list) and len(value) == 2 and all(_whole(v) for v in value)
            and 1 <= value[0] <= value[1]):
        return Ranks(value[0], value[1])
    found.append(problem(where, "must be [first, last] with whole numbers 1 ≤ first ≤ last"))
    return None


def _parse_top_percent(value: Any, where: str, found: list[Finding]) -> Placing | None:
    number: Decimal | None = None
    if isinstance(value, (int, str, Decimal)) and not isinstance(value, bool):
        try:
            number = Decimal(value.strip() if isinstance(value, str) else value)
        except InvalidOperation:
            number = None
    if number is None or not number.is_finite() or not 0 < number <= 100 or not has_two_decimals(number):
        found.append(problem(where, "must be a number above 0 and at most 100 with at most 2 decimals"))
        return None
    return TopPercent(number)


PLACINGS: dict[str, Callable[[Any, str, list[Finding]], Placing | None]] = {
    "awards": _parse_awards, "ranks": _parse_ranks, "top_percent": _parse_top_percent,
}


def _whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


# --- outcomes ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Because:
    """What a reason names besides the levels: the rule, its set and how the candidate placed."""

    rule: str
    rule_set: str
    placing: Finding
    student: bool


@dataclass(frozen=True)
class Target:
    """"→ X; 已具有X的，晋升Y": ``level`` X, and ``then`` Y for a holder of ``if_holds``."""

    level: str
    if_holds: str | None = None
    then: str | None = None

    def apply(self, current: str | None, by: _Because) -> tuple[str | None, Finding]:
        if level_index(current) < level_index(self.level):
            if by.student:
                return self.level, problem(by.rule, "%(placing)s, student group → %(level)s (%(rule_set)s)",
                                           placing=by.placing, level=_name(self.level), rule_set=by.rule_set)
            return self.level, problem(by.rule, "%(placing)s → %(level)s (%(rule_set)s)",
                                       placing=by.placing, level=_name(self.level), rule_set=by.rule_set)
        if self.if_holds is not None and self.then is not None and current == self.if_holds:
            if by.student:
                return self.then, problem(
                    by.rule, "%(placing)s, student group, already %(held)s → %(level)s (%(rule_set)s)",
                    placing=by.placing, held=_name(current), level=_name(self.then), rule_set=by.rule_set)
            return self.then, problem(by.rule, "%(placing)s, already %(held)s → %(level)s (%(rule_set)s)",
                                      placing=by.placing, held=_name(current), level=_name(self.then),
                                      rule_set=by.rule_set)
        if self.if_holds is None or self.then is None:
            return None, problem(by.rule, "no promotion: already %(held)s, at or above the %(target)s that "
                                          "%(placing)s gives (%(rule_set)s)", held=_name(current),
                                 target=_name(self.level), placing=by.placing, rule_set=by.rule_set)
        return None, problem(by.rule, "no promotion: already %(held)s; %(placing)s gives %(target)s, "
                                      "or %(then)s to a holder of %(if_holds)s (%(rule_set)s)",
                             held=_name(current), placing=by.placing, target=_name(self.level),
                             then=_name(self.then), if_holds=_name(self.if_holds), rule_set=by.rule_set)


@dataclass(frozen=True)
class OneLevelUp:
    """One level up from the current level, at most ``cap``."""

    cap: str = HIGHEST_GRANTED

    def apply(self, current: str | None, by: _Because) -> tuple[str | None, Finding]:
        up = level_up(current, self.cap)
        if up is None:
            return None, problem(by.rule, "no promotion: already %(held)s, and one level up stops at %(cap)s "
                                          "(%(rule_set)s)", held=_name(current), cap=_name(self.cap),
                                 rule_set=by.rule_set)
        if current is None:
            return up, problem(by.rule, "%(placing)s: one level up from no level → %(level)s (%(rule_set)s)",
                               placing=by.placing, level=_name(up), rule_set=by.rule_set)
        return up, problem(by.rule, "%(placing)s: one level up from %(held)s → %(level)s (%(rule_set)s)",
                           placing=by.placing, held=_name(current), level=_name(up), rule_set=by.rule_set)


# --- rules and rule sets ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Rule:
    """One row of a source's table; ``outcome`` is ``None`` for a rule that proposes a ``title``."""

    id: str
    source: str
    tiers: tuple[str, ...]
    groups: tuple[str, ...]
    placing: Placing
    classes: tuple[str, ...] = ()
    outcome: Target | OneLevelUp | None = None
    student_outcome: Target | None = None
    title: str | None = None
    team_sizes: tuple[int, ...] = ()

    def covers(self, tier: str | None, event_class: str | None) -> bool:
        if tier not in self.tiers:
            return False
        if not self.classes:
            return True
        return event_class in self.classes or (event_class == "comprehensive" and "1" in self.classes)

    def fits_team(self, team_size: int) -> bool:
        return not self.team_sizes or team_size in self.team_sizes

    @property
    def depends_on_group(self) -> bool:
        return set(self.groups) != set(GROUPS) or self.student_outcome is not None


@dataclass(frozen=True)
class PromotionRuleSet:
    code: str
    name: str
    source: str
    valid_from: date
    one_per_year: bool
    rules: tuple[Rule, ...]


# --- the question and the answer --------------------------------------------------------------------

@dataclass(frozen=True)
class Contest:
    """The skill of an event as promotion sees it. ``year``: the calendar year the event ended;
    ``competed``: N, the competed entrants ranked in the skill (a team once); ``occupation``: the
    skill's occupation code (``None``: the skill names none, so no level can be granted)."""

    tier: str
    event_class: str | None
    year: int
    competed: int
    occupation: str | None
    effective_tier: str | None = None
    team_size: int = 1
    event: str = ""


@dataclass(frozen=True)
class Candidate:
    """One contestant (each member of a team alike): ``rank`` ``None`` when not ranked; ``group``
    employee, student or ``None`` (unknown); ``levels`` held, in any occupation."""

    rank: int | None
    award: str | None = None
    group: str | None = None
    levels: tuple[HeldLevel, ...] = ()


@dataclass(frozen=True)
class PriorPromotion:
    """A promotion already granted by a contest (for ``one_per_year``); ``year`` its event's end."""

    year: int
    event: str
    occupation: str
    level: str
    rule_set: str


@dataclass(frozen=True)
class TitleProposal:
    title: str
    rule: str
    reason: Finding


@dataclass(frozen=True)
class Outcome:
    """``current``: the level held in the skill's occupation; ``proposed``: the level to grant
    (``None``: no promotion); ``rule``: the id of the rule the candidate met (placing, group and
    contest), also when it promotes nobody; ``reason`` says why either way."""

    current: str | None
    proposed: str | None
    rule: str | None
    reason: Finding
    titles: tuple[TitleProposal, ...] = ()

    @property
    def promoted(self) -> bool:
        return self.proposed is not None

    @property
    def level(self) -> str | None:
        """The level held in the occupation once the proposal is approved."""
        return self.proposed or self.current


def propose(rule_set: PromotionRuleSet, contest: Contest, candidate: Candidate,
            history: Sequence[PriorPromotion] = ()) -> Outcome:
    """The promotion (or none, and why) for one candidate of one contest under ``rule_set``;
    ``history``: the person's promotions already granted by contests (any year; this one is fine)."""
    _check(contest, candidate)
    tier, event_class = _tier_and_class(contest.tier, contest.event_class, contest.effective_tier)
    current = current_level(candidate.levels, contest.occupation)
    level_rules = [r for r in rule_set.rules if r.outcome is not None and r.covers(tier, event_class)]
    if not level_rules:
        why = coverage_problem(rule_set, contest.tier, contest.event_class, contest.effective_tier)
        assert why is not None
        return Outcome(current, None, None, problem("", "no promotion: %(why)s",
                                                    why=Finding("", why.template, why.params)))
    if candidate.rank is None:
        return Outcome(current, None, None, problem("", "no promotion: not ranked (did not compete)"))
    titles = _titles(rule_set, tier, event_class, contest, candidate)
    sized = [r for r in level_rules if r.fits_team(contest.team_size)]
    if not sized:
        return Outcome(current, None, None, problem("", "no promotion: %(rule_set)s has no rule for teams of "
                                                        "%(size)s", rule_set=rule_set.code,
                                                    size=contest.team_size), titles)
    if contest.occupation is None:
        return Outcome(current, None, None, problem("", "no promotion: the skill names no occupation, and a "
                                                        "level is always held in an occupation"), titles)
    rank, award, n = candidate.rank, candidate.award, contest.competed
    placed = [r for r in sized if r.placing.holds(rank, award, n)]
    if not placed:
        return Outcome(current, None, None, _missed(rule_set.code, sized, candidate, contest), titles)
    fitting = [r for r in placed if _group_refusal(r, candidate.group, rule_set.code, rank, award, n) is None]
    if not fitting:
        refusal = _group_refusal(placed[0], candidate.group, rule_set.code, rank, award, n)
        assert refusal is not None
        return Outcome(current, None, None, refusal, titles)
    tried = [(rule, *_apply(rule, current, candidate, rule_set.code, n)) for rule in fitting]
    rule, proposed, reason = max(tried, key=lambda t: level_index(t[1]))   # the first of the best
    if proposed is not None and rule_set.one_per_year:
        prior = _same_year(history, contest)
        if prior is not None:
            reason = problem(rule.id, "no promotion: already promoted in %(year)s by %(event)s, and "
                                      "%(rule_set)s allows one promotion a year (%(placing)s would give "
                                      "%(level)s)",
                             year=prior.year, event=prior.event, rule_set=rule_set.code,
                             placing=rule.placing.described(rank, award, n), level=_name(proposed))
            proposed = None
    return Outcome(current, proposed, rule.id, reason, titles)


def _check(contest: Contest, candidate: Candidate) -> None:
    """Inconsistent input is a caller's mistake, not a candidate without promotion."""
    if contest.tier not in TIERS:
        raise ValueError(f"{contest.tier!r} is not a tier")
    if contest.effective_tier is not None and contest.effective_tier not in set(TIERS) - NEEDS_EFFECTIVE_TIER:
        raise ValueError(f"{contest.effective_tier!r} is not an effective tier")
    if not _whole(contest.competed) or contest.competed < 0:
        raise ValueError("competed is a whole number from 0")
    if not _whole(contest.team_size) or contest.team_size < 1:
        raise ValueError("team_size is a whole number from 1")
    rank = candidate.rank
    if rank is not None and (not _whole(rank) or not 1 <= rank <= contest.competed):
        raise ValueError(f"rank {rank!r} is not a place from 1 to {contest.competed}")
    if candidate.award is not None and candidate.award not in AWARD_CODES:
        raise ValueError(f"{candidate.award!r} is not an award")
    if candidate.group is not None and candidate.group not in GROUPS:
        raise ValueError(f"{candidate.group!r} is not a group")
    for held in candidate.levels:
        level_index(held.level)


def _tier_and_class(tier: str, event_class: Any, effective_tier: str | None) -> tuple[str | None, str | None]:
    """The tier rules are matched at (a special contest's effective tier) and the class (a national
    contest without one is class 1)."""
    matched = effective_tier if tier in NEEDS_EFFECTIVE_TIER else tier
    klass = None if event_class is None else str(event_class)
    if matched == "national" and klass is None:
        klass = "1"
    return matched, klass


def _titles(rule_set: PromotionRuleSet, tier: str | None, event_class: str | None, contest: Contest,
            candidate: Candidate) -> tuple[TitleProposal, ...]:
    rank, award, n = candidate.rank, candidate.award, contest.competed
    assert rank is not None
    return tuple(
        TitleProposal(r.title, r.id, problem(r.id, "%(placing)s → propose %(title)s (%(rule_set)s)",
                                             placing=r.placing.described(rank, award, n), title=r.title,
                                             rule_set=rule_set.code))
        for r in rule_set.rules
        if r.title is not None and r.covers(tier, event_class) and r.fits_team(contest.team_size)
        and r.placing.holds(rank, award, n) and (candidate.group in r.groups or not r.depends_on_group))


def _apply(rule: Rule, current: str | None, candidate: Candidate, code: str, n: int
           ) -> tuple[str | None, Finding]:
    student = candidate.group == "student" and rule.student_outcome is not None
    outcome = rule.student_outcome if student else rule.outcome
    assert outcome is not None and candidate.rank is not None
    because = _Because(rule.id, code, rule.placing.described(candidate.rank, candidate.award, n), student)
    return outcome.apply(current, because)


def _group_refusal(rule: Rule, group: str | None, code: str, rank: int, award: str | None, n: int
                   ) -> Finding | None:
    if group is None:
        if not rule.depends_on_group:
            return None
        return problem(rule.id, "no promotion: the contestant's group (employee or student) is not known, "
                                "and rule %(rule)s depends on it (%(rule_set)s)", rule=rule.id, rule_set=code)
    if group in rule.groups:
        return None
    placing = rule.placing.described(rank, award, n)
    if group == "student":
        return problem(rule.id, "no promotion: %(placing)s meets rule %(rule)s, which covers employees only "
                                "(%(rule_set)s)", placing=placing, rule=rule.id, rule_set=code)
    return problem(rule.id, "no promotion: %(placing)s meets rule %(rule)s, which covers students only "
                            "(%(rule_set)s)", placing=placing, rule=rule.id, rule_set=code)


def _missed(code: str, rules: Sequence[Rule], candidate: Candidate, contest: Contest) -> Finding:
    """Why no rule's placing condition holds, as plainly as the rules allow."""
    rank, award, n = candidate.rank, candidate.award, contest.competed
    assert rank is not None
    placings = [r.placing for r in rules]
    if all(isinstance(p, Ranks) for p in placings):
        reach = max(p.last for p in placings if isinstance(p, Ranks))
        if rank > reach:
            return problem("", "no promotion: rank %(rank)s; %(rule_set)s promotes ranks up to %(reach)s "
                               "here", rank=rank, rule_set=code, reach=reach)
    if len(placings) == 1 and isinstance(placings[0], TopPercent):
        top = placings[0]
        return problem("", "no promotion: rank %(rank)s of %(competed)s is outside the top %(percent)s%% "
                           "(rank ≤ %(cutoff)s) that %(rule_set)s promotes", rank=rank, competed=n,
                       percent=_percent(top.percent), cutoff=top.cutoff(n), rule_set=code)
    if all(isinstance(p, Awards) for p in placings):
        listed = ", ".join(dict.fromkeys(a for p in placings if isinstance(p, Awards) for a in p.awards))
        if award is None:
            return problem("", "no promotion: no award; %(rule_set)s promotes %(awards)s", rule_set=code,
                           awards=listed)
        return problem("", "no promotion: award %(award)s is not among those %(rule_set)s promotes: "
                           "%(awards)s", award=award, rule_set=code, awards=listed)
    return problem("", "no promotion: rank %(rank)s, award %(award)s meets none of the placings that "
                       "%(rule_set)s promotes here", rank=rank, award=award or "—", rule_set=code)


def _same_year(history: Iterable[PriorPromotion], contest: Contest) -> PriorPromotion | None:
    same = [p for p in history if p.year == contest.year and not (contest.event and p.event == contest.event)]
    return min(same, key=lambda p: (p.event, p.occupation, p.level), default=None)


# --- coverage (import event) ---------------------------------------------------------------------

def rule_applies(rule_set: PromotionRuleSet, tier: str, event_class: str | None = None,
                 effective_tier: str | None = None) -> bool:
    """Whether a level rule of the set covers an event of this tier and class."""
    matched, klass = _tier_and_class(tier, event_class, effective_tier)
    return any(r.outcome is not None and r.covers(matched, klass) for r in rule_set.rules)


def coverage_problem(rule_set: PromotionRuleSet, tier: str, event_class: str | None = None,
                     effective_tier: str | None = None) -> Finding | None:
    """Why ``import event`` refuses the event's ``promotion_rules``; ``None`` when a rule covers it."""
    if rule_applies(rule_set, tier, event_class, effective_tier):
        return None
    matched, klass = _tier_and_class(tier, event_class, effective_tier)
    where, code = "promotion_rules", rule_set.code
    if tier in NEEDS_EFFECTIVE_TIER and matched is not None:
        return problem(where, "promotion rule set %(rule_set)s has no rule for a special contest at tier "
                              "%(tier)s", rule_set=code, tier=matched)
    if klass is not None:
        return problem(where, "promotion rule set %(rule_set)s has no rule for tier %(tier)s, class "
                              "%(class)s", rule_set=code, tier=matched, **{"class": klass})
    if matched in TIERS and TIERS[matched].classes:
        return problem(where, "promotion rule set %(rule_set)s has no rule for tier %(tier)s without a class",
                       rule_set=code, tier=matched)
    return problem(where, "promotion rule set %(rule_set)s has no rule for tier %(tier)s", rule_set=code,
                   tier=matched or tier)


# --- loading (TOML) ------------------------------------------------------------------------------------

RULE_KEYS = frozenset({"id", "source", "tiers", "classes", "groups", *PLACINGS, "target", "if_holds", "then",
                       "one_level_up", "cap", "student_target", "student_if_holds", "student_then", "title",
                       "team_sizes"})
STUDENT_KEYS = ("student_target", "student_if_holds", "student_then")


def load_rule_set(text: str) -> tuple[PromotionRuleSet | None, list[Finding]]:
    """A promotion rule set from TOML, or ``None`` with every problem found."""
    doc, found = parse_rule_set(text, KIND)
    if doc is None:
        return None, found
    one_per_year = doc.settings.get("one_per_year")
    if one_per_year is None:
        found.append(problem("one_per_year", "is required"))
    elif not isinstance(one_per_year, bool):
        found.append(problem("one_per_year", "must be true or false"))
    rules = [rule for table, where in zip(doc.rules, doc.rule_paths)
             if (rule := _rule(table, where, found)) is not None]
    if rules and len(rules) == len(doc.rules) and all(r.outcome is None for r in rules):
        found.append(problem("rules", "a promotion rule set needs at least one rule with a level outcome"))
    if found or doc.valid_from is None:
        return None, found
    return PromotionRuleSet(code=doc.code, name=doc.name, source=doc.source, valid_from=doc.valid_from,
                            one_per_year=bool(one_per_year), rules=tuple(rules)), found


def read_rule_set(text: str) -> PromotionRuleSet:
    """As :func:`load_rule_set`, raising :class:`~scoring.rulesets.RuleSetError` with every problem."""
    rule_set, found = load_rule_set(text)
    if rule_set is None:
        raise RuleSetError(found)
    return rule_set


@cache
def shipped_rule_set(code: str) -> PromotionRuleSet:
    """One of the shipped rule sets (``SHIPPED``); ``KeyError`` for an unknown code."""
    return read_rule_set(shipped_text(KIND, code))


def _rule(table: dict[str, Any], where: str, found: list[Finding]) -> Rule | None:
    before = len(found)
    found += [problem(f"{where}.{key}", "unknown key") for key in sorted(map(str, set(table) - RULE_KEYS))]
    tiers = _tiers(table.get("tiers"), f"{where}.tiers", found)
    classes = _classes(table.get("classes"), tiers, f"{where}.classes", found)
    groups = _groups(table.get("groups"), f"{where}.groups", found)
    placing = _placing(table, where, found)
    outcome = _level_outcome(table, where, found)
    student = _student_outcome(table, groups, where, found)
    title = _title(table.get("title"), f"{where}.title", found)
    team_sizes = _team_sizes(table.get("team_sizes"), f"{where}.team_sizes", found)
    has_level = any(key in table for key in ("target", "one_level_up", *STUDENT_KEYS))
    if "title" in table and has_level:
        found.append(problem(where, "proposes both a level and a title; write two rules"))
    elif "title" not in table and "target" not in table and "one_level_up" not in table:
        found.append(problem(where, "needs an outcome: target, one_level_up or title"))
    if len(found) > before or tiers is None or groups is None or placing is None:
        return None
    return Rule(id=str(table.get("id", "")), source=str(table.get("source", "")).strip(), tiers=tiers,
                groups=groups, placing=placing, classes=classes or (), outcome=outcome,
                student_outcome=student, title=title, team_sizes=team_sizes)


def _tiers(value: Any, where: str, found: list[Finding]) -> tuple[str, ...] | None:
    if value is None:
        found.append(problem(where, "is required"))
        return None
    if not isinstance(value, list):
        found.append(problem(where, "must be a list"))
        return None
    if not value:
        found.append(problem(where, "must list at least one tier"))
        return None
    ok = True
    for tier in value:
        if tier in NEEDS_EFFECTIVE_TIER:
            found.append(problem(where, "a special contest is matched by its effective tier; name that tier"))
            ok = False
        elif tier not in TIERS:
            found.append(problem(where, "%(value)s is not a tier", value=repr(tier)))
            ok = False
    return tuple(dict.fromkeys(value)) if ok else None


def _classes(value: Any, tiers: tuple[str, ...] | None, where: str, found: list[Finding]
             ) -> tuple[str, ...] | None:
    if value is None:
        return ()
    if not isinstance(value, list):
        found.append(problem(where, "must be a list"))
        return None
    if any(isinstance(v, bool) or not isinstance(v, (int, str)) for v in value):
        found.append(problem(where, "must list classes: %(choices)s", choices=", ".join(CLASS_CODES)))
        return None
    classes = tuple(dict.fromkeys(str(v).strip() for v in value))
    bad = [(klass, tier) for klass in classes for tier in tiers or () if klass not in TIERS[tier].classes]
    found += [problem(where, "%(value)s is not a class of tier %(tier)s", value=repr(klass), tier=tier)
              for klass, tier in bad]
    return None if bad else classes


def _groups(value: Any, where: str, found: list[Finding]) -> tuple[str, ...] | None:
    if value is None:
        found.append(problem(where, "is required"))
        return None
    if not isinstance(value, list):
        found.append(problem(where, "must be a list"))
        return None
    if not value:
        found.append(problem(where, "must list at least one group"))
        return None
    bad = [g for g in value if g not in GROUPS]
    found += [problem(where, "%(value)s is not a group: %(choices)s", value=repr(g),
                      choices=", ".join(GROUPS)) for g in bad]
    return None if bad else tuple(g for g in GROUPS if g in value)


def _placing(table: dict[str, Any], where: str, found: list[Finding]) -> Placing | None:
    given = [key for key in PLACINGS if key in table]
    if not given:
        found.append(problem(where, "needs one placing condition: awards, ranks or top_percent"))
        return None
    if len(given) > 1:
        found.append(problem(where, "has more than one placing condition (%(keys)s); give one",
                             keys=", ".join(given)))
        return None
    return PLACINGS[given[0]](table[given[0]], f"{where}.{given[0]}", found)


def _level(table: dict[str, Any], key: str, where: str, found: list[Finding], granted: bool) -> str | None:
    """A level code (or Chinese name) from ``table[key]``; a granted one is 初级工 … 高级技师."""
    value = table.get(key)
    if value is None:
        return None
    level = parse_level(value) if isinstance(value, str) else None
    if level is None:
        found.append(problem(f"{where}.{key}", "%(value)s is not a skill level", value=repr(value)))
        return None
    if granted and level_index(level) > level_index(HIGHEST_GRANTED):
        found.append(problem(f"{where}.{key}", "no contest grants %(level)s; the highest is level1 (高级技师)",
                             level=level))
        return None
    if granted and level_index(level) < level_index(LOWEST_GRANTED):
        found.append(problem(f"{where}.{key}", "no contest grants %(level)s; the lowest is level5 (初级工)",
                             level=level))
        return None
    return level


def _target(table: dict[str, Any], where: str, found: list[Finding], prefix: str = "") -> Target | None:
    """``target`` / ``if_holds`` / ``then`` (or their ``student_`` forms), checked together."""
    t_key, h_key, n_key = f"{prefix}target", f"{prefix}if_holds", f"{prefix}then"
    target = _level(table, t_key, where, found, granted=True)
    holds = _level(table, h_key, where, found, granted=False)
    then = _level(table, n_key, where, found, granted=True)
    if h_key in table and n_key not in table:
        found.append(problem(f"{where}.{h_key}", "needs %(then)s (the level a holder of %(if_holds)s gets)",
                             then=n_key, if_holds=h_key))
    if n_key in table and h_key not in table:
        found.append(problem(f"{where}.{n_key}", "needs %(key)s", key=h_key))
    if holds is not None and then is not None and level_index(then) <= level_index(holds):
        found.append(problem(f"{where}.{n_key}", "must be above %(key)s (%(level)s)", key=h_key, level=holds))
    if holds is not None and target is not None and level_index(holds) < level_index(target):
        found.append(problem(f"{where}.{h_key}", "must be at least %(target)s (%(level)s); a lower level "
                                                 "already gets %(target)s", target=t_key, level=target))
    return None if target is None else Target(target, holds, then)


def _level_outcome(table: dict[str, Any], where: str, found: list[Finding]) -> Target | OneLevelUp | None:
    up = table.get("one_level_up", False)
    if not isinstance(up, bool):
        found.append(problem(f"{where}.one_level_up", "must be true or false"))
        up = False
    target = _target(table, where, found)
    if up and "target" in table:
        found.append(problem(where, "has both target and one_level_up; give one"))
    if "target" not in table:
        for key in ("if_holds", "then"):
            if key in table:
                found.append(problem(f"{where}.{key}", "only with %(key)s", key="target") if up
                             else problem(f"{where}.{key}", "needs %(key)s", key="target"))
    cap = _level(table, "cap", where, found, granted=True)
    if "cap" in table and not up:
        found.append(problem(f"{where}.cap", "only with %(key)s", key="one_level_up"))
    if up:
        return OneLevelUp(cap or HIGHEST_GRANTED)
    return target


def _student_outcome(table: dict[str, Any], groups: tuple[str, ...] | None, where: str,
                     found: list[Finding]) -> Target | None:
    given = [key for key in STUDENT_KEYS if key in table]
    if not given:
        return None
    student = _target(table, where, found, prefix="student_")
    if "student_target" not in table:
        found.append(problem(f"{where}.{given[0]}", "needs %(key)s", key="student_target"))
    if groups is not None and "student" not in groups:
        found.append(problem(f"{where}.{given[0]}", "the rule does not cover students"))
    elif groups == ("student",):
        found.append(problem(f"{where}.{given[0]}",
                             "the rule covers students only; write their outcome in target"))
    return student


def _title(value: Any, where: str, found: list[Finding]) -> str | None:
    if value is None:
        return None
    if value not in TITLE_CODES:
        found.append(problem(where, "%(value)s is not a title: %(choices)s", value=repr(value),
                             choices=", ".join(sorted(TITLE_CODES))))
        return None
    return str(value)


def _team_sizes(value: Any, where: str, found: list[Finding]) -> tuple[int, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not value or not all(_whole(v) and v >= 1 for v in value):
        found.append(problem(where, "must list whole numbers from 1"))
        return ()
    return tuple(dict.fromkeys(value))
