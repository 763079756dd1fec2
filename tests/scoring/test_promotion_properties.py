"""Properties of the promotion engine over generated contests, candidates and rule sets.

The tables (test_promotion.py) pin single cases; these pin what an organizer relies on whatever the
placing: no contest grants beyond 高级技师, nobody is proposed a level at or below the one they hold,
a better place never yields a lower level (shipped sets, awards following the places as cn_standard
gives them), levels in other occupations change nothing, the answer is the same every time and
always explained, and under ``one_per_year`` a second promotion in a year never happens.
"""
from __future__ import annotations

import math

from hypothesis import assume, given
from hypothesis import strategies as st

from scoring.levels import LADDER
from scoring.promotion import (
    GRANTABLE,
    SHIPPED,
    Candidate,
    Contest,
    HeldLevel,
    PriorPromotion,
    PromotionRuleSet,
    load_rule_set,
    propose,
    rule_applies,
    shipped_rule_set,
)
from scoring.tiers import TIERS

OCCUPATION = "6-18-02-04"
OTHERS = ("6-18-01-01", "4-14-01-02")
AWARDS = (None, "gold", "silver", "bronze", "excellence", "first_prize")
GROUPS = ("employee", "student", None)
CLASSES = (None, "1", "2", "3", "comprehensive")


def index(level: str | None) -> int:
    return -1 if level is None else LADDER.index(level)


def cn_standard_award(rank: int, n: int) -> str | None:
    """Awards that follow the places, as the cn_standard scheme gives them (results.md)."""
    medal = {1: "gold", 2: "silver", 3: "bronze"}.get(rank)
    return medal or ("excellence" if rank <= math.ceil(n / 2) else None)


@st.composite
def covered_contests(draw, rule_set: PromotionRuleSet) -> Contest:
    """A contest that one of the rule set's rules covers (so the rules, not coverage, decide)."""
    rule = draw(st.sampled_from([r for r in rule_set.rules if r.outcome is not None]))
    tier = draw(st.sampled_from(rule.tiers))
    klass = draw(st.sampled_from(rule.classes)) if rule.classes else draw(
        st.sampled_from((None, *TIERS[tier].classes)))
    # A special contest has no class: it is covered only where the rule names none (or at national).
    special = draw(st.booleans()) and (not rule.classes or (tier == "national" and "1" in rule.classes))
    return Contest(tier="special" if special else tier, event_class=None if special else klass,
                   effective_tier=tier if special else None, year=2024, competed=draw(st.integers(1, 60)),
                   occupation=OCCUPATION, team_size=draw(st.sampled_from((1, 1, 2, 3))), event="EV")


@st.composite
def any_contests(draw) -> Contest:
    tier = draw(st.sampled_from(sorted(TIERS)))
    effective = draw(st.sampled_from(sorted(set(TIERS) - {"special"}))) if tier == "special" else None
    return Contest(tier=tier, event_class=draw(st.sampled_from(CLASSES)), effective_tier=effective, year=2024,
                   competed=draw(st.integers(1, 60)), occupation=draw(st.sampled_from((OCCUPATION, None))),
                   team_size=draw(st.integers(1, 4)), event="EV")


held_levels = st.lists(st.tuples(st.sampled_from((OCCUPATION, *OTHERS)), st.sampled_from(LADDER)), max_size=4)


@st.composite
def candidates(draw, n: int, placed_awards: bool = False) -> Candidate:
    rank = draw(st.one_of(st.none(), st.integers(1, n))) if not placed_awards else draw(st.integers(1, n))
    award = cn_standard_award(rank, n) if placed_awards and rank else draw(st.sampled_from(AWARDS))
    levels = tuple(HeldLevel(o, lv) for o, lv in draw(held_levels))
    return Candidate(rank=rank, award=award, group=draw(st.sampled_from(GROUPS)), levels=levels)


history = st.lists(st.builds(PriorPromotion, year=st.sampled_from((2023, 2024)),
                             event=st.sampled_from(("EV", "OTHER")),
                             occupation=st.sampled_from((OCCUPATION, *OTHERS)),
                             level=st.sampled_from(GRANTABLE), rule_set=st.sampled_from(SHIPPED)), max_size=2)


# --- generated rule sets ----------------------------------------------------------------------------

LEVELS = GRANTABLE


@st.composite
def generated_rule_sets(draw) -> PromotionRuleSet:
    """A valid rule set of 1–4 level rules over random tiers, placings and outcomes."""
    rules = []
    for i in range(draw(st.integers(1, 4))):
        tier = draw(st.sampled_from(sorted(set(TIERS) - {"special"})))
        groups = draw(st.sampled_from((["employee"], ["student"], ["employee", "student"])))
        lines = [f'id = "r{i}"', 'source = "generated"', f'tiers = ["{tier}"]',
                 "groups = [" + ", ".join(f'"{g}"' for g in groups) + "]"]
        placing = draw(st.sampled_from(("awards", "ranks", "top_percent")))
        if placing == "awards":
            awards = draw(st.lists(st.sampled_from(AWARDS[1:]), min_size=1, max_size=4, unique=True))
            lines.append("awards = [" + ", ".join(f'"{a}"' for a in awards) + "]")
        elif placing == "ranks":
            first = draw(st.integers(1, 20))
            lines.append(f"ranks = [{first}, {draw(st.integers(first, 40))}]")
        else:
            lines.append(f'top_percent = "{draw(st.integers(1, 10000)) / 100:.2f}"')
        if draw(st.booleans()):
            target = draw(st.integers(0, len(LEVELS) - 1))
            lines.append(f'target = "{LEVELS[target]}"')
            if target < len(LEVELS) - 1 and draw(st.booleans()):
                holds = draw(st.integers(target, len(LEVELS) - 2))
                then = draw(st.integers(holds + 1, len(LEVELS) - 1))
                lines += [f'if_holds = "{LEVELS[holds]}"', f'then = "{LEVELS[then]}"']
        else:
            lines += ["one_level_up = true", f'cap = "{draw(st.sampled_from(LEVELS))}"']
        if groups == ["employee", "student"] and draw(st.booleans()):
            lines.append(f'student_target = "{draw(st.sampled_from(LEVELS))}"')
        rules.append("[[rules]]\n" + "\n".join(lines))
    one_per_year = "true" if draw(st.booleans()) else "false"
    text = (f'kind = "promotion"\ncode = "generated"\nname = "g"\nsource = "g"\nvalid_from = 2024-01-01\n'
            f"one_per_year = {one_per_year}\n\n" + "\n\n".join(rules) + "\n")
    rule_set, found = load_rule_set(text)
    assert found == [], [str(f) for f in found]
    assert rule_set is not None
    return rule_set


any_rule_sets = st.one_of(st.sampled_from(SHIPPED).map(shipped_rule_set), generated_rule_sets())


@st.composite
def cases(draw):
    rule_set = draw(any_rule_sets)
    contest = draw(st.one_of(covered_contests(rule_set), any_contests()))
    return rule_set, contest, draw(candidates(contest.competed)), draw(history)


# --- properties -------------------------------------------------------------------------------------

@given(cases())
def test_never_beyond_level1_and_never_at_or_below_the_level_held(case):
    rule_set, contest, candidate, prior = case
    outcome = propose(rule_set, contest, candidate, prior)
    if outcome.proposed is not None:
        assert outcome.proposed in GRANTABLE
        assert index(outcome.proposed) > index(outcome.current)
    assert index(outcome.level) >= index(outcome.current)


@given(cases())
def test_the_current_level_is_the_highest_held_in_the_skill_s_occupation(case):
    rule_set, contest, candidate, prior = case
    outcome = propose(rule_set, contest, candidate, prior)
    held = [lv.level for lv in candidate.levels if lv.occupation == contest.occupation]
    assert outcome.current == (max(held, key=index) if held and contest.occupation else None)


@given(cases(), held_levels)
def test_levels_in_other_occupations_change_nothing(case, more):
    rule_set, contest, candidate, prior = case
    elsewhere = tuple(HeldLevel(f"X-{o}", lv) for o, lv in more)
    widened = Candidate(candidate.rank, candidate.award, candidate.group, candidate.levels + elsewhere)
    assert propose(rule_set, contest, widened, prior) == propose(rule_set, contest, candidate, prior)


@given(cases())
def test_deterministic_and_always_explained(case):
    rule_set, contest, candidate, prior = case
    outcome = propose(rule_set, contest, candidate, prior)
    assert outcome == propose(rule_set, contest, candidate, list(prior))
    assert outcome.reason.text.strip() and "%(" not in outcome.reason.text
    assert outcome.promoted == (outcome.proposed is not None)
    if not outcome.promoted:
        assert outcome.reason.text.startswith("no promotion")
    if outcome.rule is not None:
        assert outcome.reason.where == outcome.rule
    assert all(t.reason.text.strip() and "%(" not in t.reason.text for t in outcome.titles)


@given(st.data())
def test_a_better_rank_never_gives_a_lower_level(data):
    """Within one shipped rule set and contest, same candidate otherwise, awards following places."""
    rule_set = shipped_rule_set(data.draw(st.sampled_from(SHIPPED)))
    contest = data.draw(covered_contests(rule_set))
    better, worse = sorted(data.draw(st.lists(st.integers(1, contest.competed), min_size=2, max_size=2)))
    base = data.draw(candidates(contest.competed))
    prior = data.draw(history)

    def level_at(rank: int) -> int:
        placed = Candidate(rank, cn_standard_award(rank, contest.competed), base.group, base.levels)
        return index(propose(rule_set, contest, placed, prior).level)

    assert level_at(better) >= level_at(worse)


@given(st.data())
def test_one_per_year_never_grants_a_second_promotion_in_a_year(data):
    rule_set = data.draw(generated_rule_sets())
    assume(rule_set.one_per_year)
    contest = data.draw(covered_contests(rule_set))
    candidate = data.draw(candidates(contest.competed))
    prior = PriorPromotion(contest.year, "OTHER", OCCUPATION, "level4", "anything")
    assert propose(rule_set, contest, candidate, [prior]).proposed is None


@given(st.data())
def test_a_covered_contest_is_one_the_rule_set_applies_to(data):
    rule_set = data.draw(any_rule_sets)
    contest = data.draw(covered_contests(rule_set))
    assert rule_applies(rule_set, contest.tier, contest.event_class, contest.effective_tier)
