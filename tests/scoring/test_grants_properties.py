"""Properties of grant computation over generated facts and rule parameters.

The worked examples (test_grants.py) pin single amounts; these pin what a payment office relies on
whatever the data: no amount is negative or finer than the fen, a split always adds back up to the
whole to the fen, a capped rule never pays above its cap, a line is never there twice, and the order
in which the app happens to list its triggers changes nothing.
"""
from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from scoring.grants import (
    Base,
    Competitor,
    Event,
    EventSkill,
    Facts,
    Hire,
    LevelRise,
    Organizer,
    Title,
    Training,
    compute,
    fen,
    load_shipped,
    read_rule_set,
    shipped_texts,
)
from scoring.medals import AWARD_CODES
from scoring.tiers import TIERS

TODAY = date(2026, 12, 31)
SHIPPED = load_shipped()
SHIPPED_TEXT = shipped_texts()
UNITS = ("U-A", "U-B", "U-C", "HR")
KINDS_OF = {"U-A": "school", "U-B": "industry", "U-C": "enterprise", "HR": "hr_authority"}
SKILLS = (("WELD", "6-18-02-04"), ("WELD-S", "6-18-02-04"), ("CNC", "6-18-01-02"), ("CHEF", "4-03-02-01"))
PEOPLE = ("110101199001011234", "220102199202021235", "330102199503031236")
TITLE_CODES = ("china_skills_award", "national_technical_expert", "provincial_skills_award",
               "provincial_technical_expert")
days_before_today = st.integers(0, 2_000).map(lambda n: TODAY - timedelta(days=n))


@st.composite
def events(draw) -> tuple[Event, ...]:
    found = []
    for i in range(draw(st.integers(0, 4))):
        tier = draw(st.sampled_from(sorted(TIERS)))
        found.append(Event(
            f"E{i}", tier=tier, year=draw(st.integers(2014, 2026)),
            event_class=draw(st.sampled_from((None, "1", "2", "3", "comprehensive"))),
            effective_tier=draw(st.sampled_from(("national", "provincial", "municipal"))) if tier == "special"
            else None,
            flagship=draw(st.booleans()),
            organizers=tuple(Organizer(u, KINDS_OF[u]) for u in draw(st.sets(st.sampled_from(UNITS)))),
            skills=tuple(EventSkill(code, name=code, occupation=occ,
                                    host_unit=draw(st.sampled_from((None, *UNITS))))
                         for code, occ in draw(st.lists(st.sampled_from(SKILLS), min_size=1, max_size=4,
                                                        unique=True)))))
    return tuple(found)


@st.composite
def facts(draw) -> Facts:
    evs = draw(events())
    competitors = []
    for event in evs:
        for sk in event.skills:
            for n in range(draw(st.integers(0, 3))):
                award = draw(st.sampled_from((None, *sorted(AWARD_CODES))))
                competitors.append(Competitor(
                    event=event.code, skill=sk.code, contestant_no=f"{sk.code}-{n}",
                    id_number=draw(st.sampled_from(PEOPLE)), unit=draw(st.sampled_from(UNITS)),
                    rank=draw(st.integers(1, 8)), award=award))
    trainings = []
    for person in draw(st.lists(st.sampled_from(PEOPLE), max_size=3, unique=True)):
        start = draw(days_before_today) - timedelta(days=60)
        span = draw(st.integers(1, 40))
        end = start + timedelta(days=span - 1)
        certificate = draw(st.one_of(st.none(), st.integers(0, 40)))
        certificate = None if certificate is None else end + timedelta(days=certificate)
        employed = draw(st.one_of(st.none(), st.integers(-20, 300)))
        employed = None if employed is None else end + timedelta(days=employed)
        trainings.append(Training(
            id_number=person, training_body=draw(st.sampled_from(UNITS)), start_date=start, end_date=end,
            days=draw(st.integers(1, span)),
            certificate_date=certificate if certificate and certificate <= TODAY else None,
            employed_date=employed if employed and start <= employed <= TODAY else None,
            employed_in_province=draw(st.booleans()), placed_by_body=draw(st.booleans())))
    titles = tuple(Title(p, draw(st.sampled_from(TITLE_CODES)), draw(st.integers(2015, 2026)), unit="U-A")
                   for p in draw(st.lists(st.sampled_from(PEOPLE), max_size=3)))
    hired_days = draw(st.lists(st.tuples(st.sampled_from(PEOPLE), days_before_today), max_size=3,
                               unique_by=lambda x: x[0]))
    hires = tuple(Hire(draw(st.sampled_from(UNITS)), p, hired, contract_months=draw(st.integers(1, 36)),
                       small_or_micro=draw(st.booleans()),
                       skill_rise_on=draw(st.sampled_from((None, min(TODAY, hired + timedelta(days=200))))))
                  for p, hired in hired_days)
    base_kinds = st.sampled_from(("public_training", "contest_training"))
    bases = tuple(Base(u, draw(base_kinds), draw(days_before_today))
                  for u in draw(st.lists(st.sampled_from(UNITS), max_size=3)))
    rises = tuple(LevelRise(p, "6-18-02-04", level, draw(days_before_today), unit="U-C")
                  for p, level in draw(st.lists(st.tuples(st.sampled_from(PEOPLE),
                                                          st.sampled_from(("level4", "level3", "level2"))),
                                                max_size=3)))
    return Facts(events=evs, competitors=tuple(competitors), titles=titles, trainings=tuple(trainings),
                 hires=hires, bases=bases, level_rises=rises)


def shuffled(value: Facts, seed: int) -> Facts:
    rng = random.Random(seed)

    def mix(items):
        if items is None:
            return None
        items = list(items)
        rng.shuffle(items)
        return tuple(items)

    evs = tuple(Event(**{**e.__dict__, "skills": mix(e.skills), "organizers": mix(e.organizers)})
                for e in mix(value.events))
    return Facts(events=evs, competitors=mix(value.competitors), titles=mix(value.titles),
                 trainings=mix(value.trainings), hires=mix(value.hires), bases=mix(value.bases),
                 level_rises=mix(value.level_rises))


@settings(max_examples=150, deadline=None)
@given(facts(), st.sampled_from(sorted(SHIPPED)))
def test_amounts_are_never_negative_and_always_to_the_fen(generated, code):
    result = compute(SHIPPED[code], generated, today=TODAY)
    for line in result.lines:
        assert line.amount is None or (line.amount >= 0 and line.amount == fen(line.amount)
                                       and line.amount.as_tuple().exponent == -2)
    assert result.total == sum(result.totals().values(), Decimal("0.00"))


@settings(max_examples=150, deadline=None)
@given(facts(), st.sampled_from(sorted(SHIPPED)), st.integers(0, 10_000), st.booleans())
def test_the_order_of_triggers_does_not_change_the_lines(generated, code, seed, exclusive):
    rule_set = SHIPPED[code]
    if exclusive:
        rule_set = read_rule_set(SHIPPED_TEXT[code].replace("exclusive = false", "exclusive = true"),
                                 catalogue=SHIPPED)
    first = compute(rule_set, generated, today=TODAY)
    again = compute(rule_set, shuffled(generated, seed), today=TODAY)
    assert first.lines == again.lines
    assert first.excluded == again.excluded
    assert first.not_computed == again.not_computed
    assert first.warnings == again.warnings


@settings(max_examples=150, deadline=None)
@given(facts(), st.sampled_from(sorted(SHIPPED)))
def test_a_line_is_unique_per_rule_payee_and_trigger(generated, code):
    lines = compute(SHIPPED[code], generated, today=TODAY).lines
    keys = [line.key for line in lines]
    assert len(keys) == len(set(keys))
    assert keys == sorted(keys, key=lambda k: (k[2], k[1], k[3]))


@settings(max_examples=100, deadline=None)
@given(facts())
def test_exclusive_pays_one_line_per_unit_occupation_and_year_and_never_more(generated):
    text = SHIPPED_TEXT["jiangxi-2019"]
    exclusive = read_rule_set(text.replace("exclusive = false", "exclusive = true"))
    every = compute(SHIPPED["jiangxi-2019"], generated, today=TODAY)
    one = compute(exclusive, generated, today=TODAY)
    groups = [(ln.payee, ln.occupation, ln.year) for ln in one.lines if ln.kind == "unit_per_skill"]
    assert len(groups) == len(set(groups))
    assert one.total <= every.total
    by_key = sorted(one.lines + one.excluded, key=lambda ln: ln.key)
    assert by_key == sorted(every.lines, key=lambda ln: ln.key)


TRAINING = '''kind = "grants"
code = "t-2026"
name = "t"
source = "s"
valid_from = 2000-01-01

[[rules]]
id = "training"
kind = "training_days"
source = "s"
first_days = {first_days}
first_rate = "{first_rate}"
later_rate = "{later_rate}"
max_days = {max_days}
parts = [{parts}]
'''
rates = st.integers(0, 100_000).map(lambda n: Decimal(n).scaleb(-2))


@st.composite
def training_rules(draw):
    first_days = draw(st.integers(1, 20))
    max_days = draw(st.integers(first_days, 40))
    first_rate, later_rate = draw(rates), draw(rates)
    # shares: hundredths that add up to 100 (or thousandths, to exercise the rounding)
    scale = draw(st.sampled_from((2, 3)))
    whole = 10 ** scale
    cut = draw(st.integers(1, whole - 1))
    shares = [Decimal(cut).scaleb(-scale), Decimal(whole - cut).scaleb(-scale)]
    parts = (f'{{on = "certificate", share = "{shares[0]}"}}, '
             f'{{on = "employment", share = "{shares[1]}", within_months = 3}}')
    text = TRAINING.format(first_days=first_days, first_rate=first_rate, later_rate=later_rate,
                           max_days=max_days, parts=parts)
    return read_rule_set(text), first_days, max_days, first_rate, later_rate


@settings(max_examples=300, deadline=None)
@given(training_rules(), st.integers(1, 60))
def test_the_split_sums_to_the_whole_and_the_cap_holds(rule, days):
    rule_set, first_days, max_days, first_rate, later_rate = rule
    start = date(2026, 1, 5)
    record = Training(id_number=PEOPLE[0], training_body="U-A", start_date=start,
                      end_date=start + timedelta(days=days - 1), days=days,
                      certificate_date=start + timedelta(days=days),
                      employed_date=start + timedelta(days=days + 5))
    result = compute(rule_set, Facts(trainings=(record,)), today=TODAY)
    amounts = {line.rule: line.amount for line in result.lines}
    paid = min(days, max_days)
    whole = fen(first_rate * min(paid, first_days) + later_rate * max(0, paid - first_days))
    cap = fen(first_rate * first_days + later_rate * (max_days - first_days))
    assert amounts["training.certificate"] + amounts["training.employment"] == whole
    assert whole <= cap
    assert all(a is not None and a >= 0 for a in amounts.values())


AWARD_CAP = '''kind = "grants"
code = "cap-2026"
name = "cap"
source = "s"
valid_from = 2000-01-01

[[rules]]
id = "matched"
kind = "person_by_award"
source = "s"
tiers = ["worldskills"]
match = "mohrss-worldskills-2015/competitor"
ratio = "{ratio}"
cap = {cap}
'''


@settings(max_examples=150, deadline=None)
@given(st.integers(1, 500).map(lambda n: Decimal(n).scaleb(-2)), st.integers(0, 300_000),
       st.sampled_from(sorted(AWARD_CODES)))
def test_a_capped_award_never_pays_above_its_cap(ratio, cap, award):
    rule_set = read_rule_set(AWARD_CAP.format(ratio=ratio, cap=cap), catalogue=SHIPPED)
    event = Event("WS2026", tier="worldskills", year=2026, skills=(EventSkill("WELD"),))
    who = Competitor(event="WS2026", skill="WELD", contestant_no="1", id_number=PEOPLE[0], unit="U-A",
                     award=award, rank=1)
    for line in compute(rule_set, Facts(events=(event,), competitors=(who,)), today=TODAY).lines:
        assert line.amount is not None and 0 <= line.amount <= cap
