"""The promotion engine (promotion.md): the ladder, placing conditions, outcomes and :func:`propose`.

The rule sets it applies are read by :mod:`scoring.promotion.loading`; the readings of promotion.md
this engine makes are listed in :mod:`scoring.promotion`.
"""
from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, Protocol

from scoring.levels import LADDER, NAMES_ZH
from scoring.marks import Finding, problem
from scoring.medals import AWARD_CODES
from scoring.tiers import NEEDS_EFFECTIVE_TIER, TIERS

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


# --- placing conditions ---------------------------------------------------------------------------

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


def whole(value: Any) -> bool:
    """An integer as written, ``True`` being no number."""
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
    if not whole(contest.competed) or contest.competed < 0:
        raise ValueError("competed is a whole number from 0")
    if not whole(contest.team_size) or contest.team_size < 1:
        raise ValueError("team_size is a whole number from 1")
    rank = candidate.rank
    if rank is not None and (not whole(rank) or not 1 <= rank <= contest.competed):
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
