"""Medals and awards of a skill against results.md ("Medals and awards"), then their properties.

Each table row is one rule or example of the domain text; a skill is written as its ranks (and
scales), contestants being named by position (``c1``, ``c2``, …) so a row reads like a standings
table. The properties hold whatever the ranking: the input order never matters, a better place
never gets a worse award, and equal places (with equal totals and scales) get equal awards.
"""
from __future__ import annotations

import random
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scoring.medals import (
    AWARD_CODES,
    AWARD_SCHEMES,
    Placed,
    SkillAwards,
    albert_vidal,
    award_skill,
    best_of_unit_by_scale,
    unit_points,
    validate_award_table,
)

D = Decimal
OLD_NATIONAL = {"bands": [{"award": "first_prize", "top_percent": 10},
                          {"award": "second_prize", "top_percent": 20},
                          {"award": "third_prize", "top_percent": 30}]}
# Better first; within a scheme's codes a smaller index is a better award.
ORDER = {"gold": 0, "silver": 1, "bronze": 2, "excellence": 3,
         "first_prize": 0, "second_prize": 1, "third_prize": 2, None: 9}


def skill(ranks: list[int], scales: list[int | None] | None = None, units: list[str] | None = None,
          raws: list[str] | None = None) -> list[Placed]:
    """Contestants ``c1``, ``c2``, … with these ranks; raw totals fall with the rank by default."""
    scales = scales or [None] * len(ranks)
    units = units or [f"U{i}" for i in range(1, len(ranks) + 1)]
    raws = raws or [str(100 - r) for r in ranks]
    return [Placed(f"c{i}", rank, D(raw), shown, None if shown is None else D(shown), unit)
            for i, (rank, shown, unit, raw) in enumerate(zip(ranks, scales, units, raws, strict=False), start=1)]


def awards_of(result: SkillAwards) -> list[str | None]:
    return list(result.award.values())


# --- medals (both schemes) --------------------------------------------------------------------------

@pytest.mark.parametrize("scheme", ["worldskills", "cn_standard"])
@pytest.mark.parametrize(("ranks", "medals"), [
    pytest.param([1, 2, 3, 4], ["gold", "silver", "bronze", None], id="one each"),
    pytest.param([1, 1, 3, 4], ["gold", "gold", "bronze", None], id="two at 1st: no silver, then bronze"),
    pytest.param([1, 2, 2, 4], ["gold", "silver", "silver", None], id="shared 2nd: two silvers, no bronze"),
    pytest.param([1, 2, 3, 3, 5], ["gold", "silver", "bronze", "bronze", None], id="shared 3rd"),
    pytest.param([1, 1, 1, 4], ["gold", "gold", "gold", None], id="three at 1st: three golds only"),
    pytest.param([1], ["gold"], id="alone"),
])
def test_places_decide_the_medals(scheme, ranks, medals):
    """Medals only: a Medallion or 优胜奖 beside them is another rule's business."""
    awards = awards_of(award_skill(skill(ranks, [800] * len(ranks)), scheme))
    assert [None if a == "excellence" else a for a in awards] == medals


def test_no_contestants_no_awards():
    assert award_skill([], "worldskills") == SkillAwards()
    assert award_skill([], OLD_NATIONAL) == SkillAwards()


# --- worldskills --------------------------------------------------------------------------------------

@pytest.mark.parametrize(("shown", "award"), [
    pytest.param(700, "excellence", id="exactly 700"),
    pytest.param(735, "excellence", id="above 700"),
    pytest.param(699, None, id="699"),
    pytest.param(None, None, id="no scale (skill not standardized)"),
])
def test_medallion_for_excellence(shown, award):
    result = award_skill(skill([1, 2, 3, 4], [780, 760, 740, shown]), "worldskills")
    assert result.award["c4"] == award


def test_a_medallist_gets_the_medal_not_the_medallion():
    result = award_skill(skill([1, 2, 3, 4, 5], [650, 640, 630, 710, 600]), "worldskills")
    assert awards_of(result) == ["gold", "silver", "bronze", "excellence", None]


@pytest.mark.parametrize(("ranks", "units", "best"), [
    pytest.param([1, 2, 3, 4], ["A", "B", "A", "B"], {"A": ["c1"], "B": ["c2"]}, id="best rank per unit"),
    pytest.param([1, 2, 2, 4], ["A", "B", "B", "A"], {"A": ["c1"], "B": ["c2", "c3"]},
                 id="shared on an equal rank"),
    pytest.param([1, 2, 3, 3], ["A", "A", "B", "B"], {"A": ["c1"], "B": ["c3", "c4"]},
                 id="shared without a better one in the unit"),
    pytest.param([4, 1, 2, 3], ["A", "B", "C", "A"], {"A": ["c4"], "B": ["c2"], "C": ["c3"]},
                 id="input order does not matter"),
])
def test_best_of_unit(ranks, units, best):
    assert award_skill(skill(ranks, units=units), "worldskills").best_of_unit == best


def test_best_of_unit_follows_the_rank_when_a_tie_breaker_split_equal_totals():
    placed = skill([1, 2], units=["A", "A"], raws=["80.00", "80.00"])
    assert award_skill(placed, "worldskills").best_of_unit == {"A": ["c1"]}


def test_worldskills_proposes_no_technical_experts():
    assert award_skill(skill([1, 2, 3]), "worldskills").technical_expert_proposals == []


@pytest.mark.parametrize(("awards", "points"), [
    pytest.param([("A", "gold"), ("A", "silver"), ("B", "bronze"), ("B", "excellence")],
                 {"A": 7, "B": 3}, id="gold 4, silver 3, bronze 2, Medallion 1"),
    pytest.param([("A", "excellence"), ("A", "excellence"), ("B", None)], {"A": 2, "B": 0},
                 id="every Medallion counts; a unit without awards is listed with 0"),
    pytest.param([("A", "first_prize")], {"A": 0}, id="prizes of a table carry no points"),
    pytest.param([], {}, id="nothing"),
])
def test_unit_points(awards, points):
    assert unit_points(awards) == points


def test_unit_points_refuse_an_unknown_award():
    with pytest.raises(ValueError):
        unit_points([("A", "platinum")])


@pytest.mark.parametrize(("scales", "winners"), [
    pytest.param({"a": D("781.2"), "b": D("781.19"), "c": D("700")}, ["a"],
                 id="unrounded: 781.2 beats 781.19 though both show 781"),
    pytest.param({"a": D("781.25"), "b": D("781.250"), "c": None}, ["a", "b"], id="shared on an exact tie"),
    pytest.param({"a": None, "b": None}, [], id="no scale anywhere: nobody"),
    pytest.param({}, [], id="no contestants"),
    pytest.param({"a": None, "b": D("612.5")}, ["b"], id="a null scale is skipped"),
])
def test_albert_vidal(scales, winners):
    assert albert_vidal(scales) == winners


def test_best_of_unit_across_the_event_uses_the_unrounded_scale():
    entries = [("a", "A", D("720.4")), ("b", "A", D("720.6")), ("c", "B", D("701")), ("d", "B", D("701.0")),
               ("e", "C", None)]
    assert best_of_unit_by_scale(entries) == {"A": ["b"], "B": ["c", "d"]}


# --- cn_standard --------------------------------------------------------------------------------------

@pytest.mark.parametrize(("ranks", "awards"), [
    pytest.param([1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
                 ["gold", "silver", "bronze", "excellence", "excellence", None, None, None, None, None],
                 id="N=10: 优胜奖 to ranks 4..5"),
    pytest.param([1, 2, 3, 4, 5, 6, 7, 8, 9],
                 ["gold", "silver", "bronze", "excellence", "excellence", None, None, None, None],
                 id="N=9: ⌈9/2⌉ = 5"),
    pytest.param([1, 2, 3, 3, 5, 6, 7, 8],
                 ["gold", "silver", "bronze", "bronze", None, None, None, None],
                 id="N=8: shared 3rd, the next rank 5 is past ⌈8/2⌉ = 4"),
    pytest.param([1, 2, 3, 3, 5, 6, 7, 8, 9],
                 ["gold", "silver", "bronze", "bronze", "excellence", None, None, None, None],
                 id="N=9: shared 3rd, rank 5 is just within ⌈9/2⌉"),
    pytest.param([1, 2, 3, 4, 5, 5, 7, 8, 9, 10],
                 ["gold", "silver", "bronze"] + ["excellence"] * 3 + [None] * 4,
                 id="a place shared at ⌈N/2⌉ stays together"),
    pytest.param([1, 2, 3, 4], ["gold", "silver", "bronze", None], id="N=4: the top half is all medals"),
    pytest.param([1, 2], ["gold", "silver"], id="N=2"),
])
def test_cn_standard_excellence_within_the_top_half(ranks, awards):
    assert awards_of(award_skill(skill(ranks), "cn_standard")) == awards


def test_cn_standard_gives_no_medallion_for_the_scale():
    result = award_skill(skill([1, 2, 3, 4, 5, 6], [780, 760, 740, 720, 710, 705]), "cn_standard")
    assert result.award["c6"] is None
    assert result.best_of_unit == {}


@pytest.mark.parametrize(("team_size", "ranks", "proposed"), [
    pytest.param(1, [1, 2, 3, 4, 5, 6, 7], ["c1", "c2", "c3", "c4", "c5"], id="individuals: top 5"),
    pytest.param(2, [1, 2, 3, 4, 5], ["c1", "c2", "c3"], id="2-person teams: top 3"),
    pytest.param(3, [1, 2, 3, 4, 5], ["c1", "c2"], id="3-person teams: top 2"),
    pytest.param(4, [1, 2, 3, 4, 5], ["c1"], id="larger teams: top 1"),
    pytest.param(1, [1, 2, 3, 4, 5, 5, 7], ["c1", "c2", "c3", "c4", "c5", "c6"],
                 id="a place shared at the cutoff is proposed whole"),
    pytest.param(1, [1, 2, 3, 4, 4, 6], ["c1", "c2", "c3", "c4", "c5"], id="rank 6 after a shared 4th: no"),
    pytest.param(3, [1, 1, 3], ["c1", "c2"], id="two teams at 1st"),
    pytest.param(1, [1, 2, 3], ["c1", "c2", "c3"], id="fewer than 5 contestants"),
])
def test_technical_expert_proposals(team_size, ranks, proposed):
    result = award_skill(skill(ranks), "cn_standard", team_size=team_size)
    assert result.technical_expert_proposals == proposed


# --- inline award tables ------------------------------------------------------------------------------

def table_awards(ranks: list[int], table: dict, raws: list[str] | None = None) -> list[str | None]:
    return awards_of(award_skill(skill(ranks, raws=raws), table))


def test_old_national_table_n20():
    """N = 20 with 10/20/30 %: cutoffs 2, 6, 12."""
    assert table_awards(list(range(1, 21)), OLD_NATIONAL) == (
        ["first_prize"] * 2 + ["second_prize"] * 4 + ["third_prize"] * 6 + [None] * 8)


@pytest.mark.parametrize(("ranks", "expected"), [
    pytest.param([1, 2, 2, 4], ["first_prize"] * 3 + ["second_prize"], id="tie straddling 2: better band"),
    pytest.param([1, 2, 3, 4, 5, 6, 6, 8], ["first_prize"] * 2 + ["second_prize"] * 5 + ["third_prize"],
                 id="tie straddling 6: both second"),
    pytest.param([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 12, 14],
                 ["first_prize"] * 2 + ["second_prize"] * 4 + ["third_prize"] * 7 + [None],
                 id="tie straddling 12: both third"),
    pytest.param([1, 2, 3, 4, 5, 6, 6, 6], ["first_prize"] * 2 + ["second_prize"] * 6,
                 id="a tie may carry a band past its cutoff"),
])
def test_table_ties_stay_together(ranks, expected):
    padded = ranks + list(range(len(ranks) + 1, 21))   # N = 20
    assert table_awards(padded, OLD_NATIONAL)[:len(ranks)] == expected


@pytest.mark.parametrize(("n", "cutoffs"), [
    pytest.param(1, (1, 2, 3), id="N=1: ⌈0.1⌉ = 1 each"),
    pytest.param(7, (1, 3, 6), id="N=7: ⌈0.7⌉, ⌈1.4⌉, ⌈2.1⌉"),
    pytest.param(10, (1, 3, 6), id="N=10: exact"),
    pytest.param(11, (2, 5, 9), id="N=11: ⌈1.1⌉, ⌈2.2⌉, ⌈3.3⌉"),
])
def test_table_cutoffs_are_successive_sums_of_ceilings(n, cutoffs):
    awards = table_awards(list(range(1, n + 1)), OLD_NATIONAL)
    first, second, third = cutoffs
    assert awards == (["first_prize"] * min(first, n) + ["second_prize"] * max(0, min(second, n) - first)
                      + ["third_prize"] * max(0, min(third, n) - second) + [None] * max(0, n - third))


@pytest.mark.parametrize(("raws", "expected"), [
    pytest.param(["90.00", "60.00", "59.99", "40.00"], ["first_prize", "second_prize", None, None],
                 id="at min_raw an award, a cent below none"),
    pytest.param(["59.00", "58.00", "57.00", "56.00"], [None] * 4, id="nobody reaches min_raw"),
])
def test_table_min_raw(raws, expected):
    table = {"bands": [{"award": "first_prize", "top_percent": 25}, {"award": "second_prize",
                                                                     "top_percent": "25.00"},
                       {"award": "third_prize", "top_percent": 50}], "min_raw": "60.00"}
    assert table_awards([1, 2, 3, 4], table, raws) == expected


def test_min_raw_can_split_a_place_shared_within_a_tie_window():
    table = {**OLD_NATIONAL, "min_raw": "60.00"}
    assert table_awards([1, 1], table, ["60.50", "59.80"]) == ["first_prize", None]


def test_table_as_the_event_file_stores_it():
    """The importer hands over string percents and ``min_raw: None``."""
    table = {"bands": [{"award": "gold", "top_percent": "12.5"}], "min_raw": None}
    assert table_awards(list(range(1, 9)), table) == ["gold"] + [None] * 7


@pytest.mark.parametrize(("table", "problems"), [
    pytest.param(OLD_NATIONAL, [], id="old national"),
    pytest.param({**OLD_NATIONAL, "min_raw": "60.00"}, [], id="with min_raw"),
    pytest.param({"bands": [{"award": "first_prize", "top_percent": 100}], "min_raw": 60}, [], id="100 %"),
    pytest.param({"bands": [{"award": "platinum", "top_percent": 10}]}, ["bands[0].award"],
                 id="unknown award"),
    pytest.param({"bands": [{"award": "gold", "top_percent": 0}]}, ["bands[0].top_percent"], id="0 %"),
    pytest.param({"bands": [{"award": "gold", "top_percent": 101}]}, ["bands[0].top_percent"], id="101 %"),
    pytest.param({"bands": [{"award": "gold", "top_percent": "-5"}]}, ["bands[0].top_percent"],
                 id="negative"),
    pytest.param({"bands": [{"award": "gold", "top_percent": "1.005"}]}, ["bands[0].top_percent"],
                 id="3 decimals"),
    pytest.param({"bands": [{"award": "gold", "top_percent": 10.0}]}, ["bands[0].top_percent"], id="float"),
    pytest.param({"bands": [{"award": "gold", "top_percent": True}]}, ["bands[0].top_percent"], id="boolean"),
    pytest.param({"bands": [{"award": "gold", "top_percent": "ten"}]}, ["bands[0].top_percent"], id="text"),
    pytest.param({"bands": [{"award": "gold"}]}, ["bands[0].top_percent"], id="missing percent"),
    pytest.param({"bands": [{"award": "gold", "top_percent": 60}, {"award": "silver", "top_percent": 41}]},
                 ["bands: top_percent values add up to 101"], id="over 100 in all"),
    pytest.param({**OLD_NATIONAL, "min_raw": "60.001"}, ["min_raw"], id="min_raw with 3 decimals"),
    pytest.param({**OLD_NATIONAL, "min_raw": "sixty"}, ["min_raw"], id="min_raw not a number"),
    pytest.param({**OLD_NATIONAL, "min_raw": "-1"}, ["min_raw"], id="negative min_raw"),
    pytest.param({**OLD_NATIONAL, "min_raw": 60.5}, ["min_raw"], id="float min_raw"),
    pytest.param({"bands": []}, ["bands"], id="no bands"),
    pytest.param({}, ["bands"], id="no bands key"),
    pytest.param({**OLD_NATIONAL, "colour": "red"}, ["unknown key 'colour'"], id="unknown key"),
    pytest.param({"bands": ["first_prize"]}, ["bands[0]"], id="band not an object"),
    pytest.param("first_prize", ["an award table"], id="not an object"),
    pytest.param({"bands": [{"award": "x", "top_percent": 0}]}, ["bands[0].award", "bands[0].top_percent"],
                 id="every problem listed"),
])
def test_validate_award_table(table, problems):
    found = validate_award_table(table)
    assert len(found) == len(problems), found
    for text, expected in zip(found, problems, strict=False):
        assert text.startswith(expected)


def test_a_table_with_problems_is_refused_with_them():
    with pytest.raises(ValueError, match="bands\\[0\\].award"):
        award_skill(skill([1]), {"bands": [{"award": "platinum", "top_percent": 10}]})


# --- refusals and agreement with the event file --------------------------------------------------------

@pytest.mark.parametrize(("placed", "awards", "team_size"), [
    pytest.param(skill([1, 2]), "olympic", 1, id="unknown scheme"),
    pytest.param(skill([1]) * 2, "worldskills", 1, id="a contestant twice"),
    pytest.param(skill([0]), "worldskills", 1, id="rank 0"),
    pytest.param(skill([1]), "cn_standard", 0, id="team of 0"),
])
def test_refusals(placed, awards, team_size):
    with pytest.raises(ValueError):
        award_skill(placed, awards, team_size)


def test_codes_agree_with_the_event_file():
    from app.events.event_file import AWARD_CODES as FILE_CODES
    from app.events.event_file import AWARD_SCHEMES as FILE_SCHEMES
    assert (AWARD_CODES, AWARD_SCHEMES) == (FILE_CODES, FILE_SCHEMES)


# --- properties ---------------------------------------------------------------------------------------

@st.composite
def rankings(draw) -> list[Placed]:
    """A ranked skill: raw totals fall (or stay) down the list; each contestant shares the place
    above or not (ties, tie-breakers and tie windows all give such rankings); scales fall with the
    raw total, or are all missing (a skill too small to standardize)."""
    n = draw(st.integers(1, 30))
    cents = sorted(draw(st.lists(st.integers(0, 10_000), min_size=n, max_size=n)), reverse=True)
    shares = draw(st.lists(st.booleans(), min_size=n, max_size=n))
    standardized = draw(st.booleans())
    scales = sorted(draw(st.lists(st.integers(0, 1_000_000), min_size=n, max_size=n)), reverse=True)
    units = draw(st.lists(st.sampled_from("ABCD"), min_size=n, max_size=n))
    placed, rank = [], 1
    for i in range(n):
        if i and not shares[i]:
            rank = i + 1
        scale = D(scales[i]).scaleb(-3) + 600 if standardized else None
        shown = None if scale is None else int(scale.to_integral_value(rounding="ROUND_HALF_UP"))
        placed.append(Placed(f"c{i}", rank, D(cents[i]).scaleb(-2), shown, scale, units[i]))
    return placed


BAND_AWARDS = ("first_prize", "second_prize", "third_prize", "excellence")
schemes = st.one_of(
    st.sampled_from(["worldskills", "cn_standard", OLD_NATIONAL, {**OLD_NATIONAL, "min_raw": "60.00"}]),
    st.lists(st.integers(1, 50), min_size=1, max_size=4).filter(lambda ps: sum(ps) <= 100).map(
        lambda ps: {"bands": [{"award": a, "top_percent": p} for a, p in zip(BAND_AWARDS, ps, strict=False)]}))


def band_order(awards) -> dict[str | None, int]:
    if isinstance(awards, str):
        return ORDER
    return {**{b["award"]: i for i, b in enumerate(awards["bands"])}, None: 99}


@given(rankings(), schemes, st.integers(1, 5), st.randoms(use_true_random=False))
def test_permuting_the_input_changes_no_award(placed, awards, team_size, rnd: random.Random):
    shuffled = list(placed)
    rnd.shuffle(shuffled)
    first, second = award_skill(placed, awards, team_size), award_skill(shuffled, awards, team_size)
    assert first.award == second.award
    assert {u: set(ks) for u, ks in first.best_of_unit.items()} == {
        u: set(ks) for u, ks in second.best_of_unit.items()}
    assert set(first.technical_expert_proposals) == set(second.technical_expert_proposals)


@given(rankings(), schemes, st.integers(1, 5))
def test_a_better_place_never_gets_a_worse_award(placed, awards, team_size):
    result, order = award_skill(placed, awards, team_size), band_order(awards)
    for better in placed:
        for worse in placed:
            if better.rank < worse.rank:
                assert order[result.award[better.key]] <= order[result.award[worse.key]]
                if worse.key in result.technical_expert_proposals:
                    assert better.key in result.technical_expert_proposals


@given(rankings(), schemes, st.integers(1, 5))
def test_equal_places_get_equal_awards(placed, awards, team_size):
    result = award_skill(placed, awards, team_size)
    for a in placed:
        for b in placed:
            if (a.rank, a.raw, a.scale_shown) == (b.rank, b.raw, b.scale_shown):
                assert result.award[a.key] == result.award[b.key]
            if a.rank == b.rank:
                assert (a.key in result.technical_expert_proposals) == (
                    b.key in result.technical_expert_proposals)


@given(rankings(), schemes)
def test_every_contestant_gets_a_known_award_or_none(placed, awards):
    result = award_skill(placed, awards)
    assert set(result.award) == {p.key for p in placed}
    assert set(result.award.values()) <= AWARD_CODES | {None}


@given(rankings())
def test_medals_and_medallions_of_worldskills(placed):
    """Only ranks 1–3 get medals; the Medallion goes exactly to the others shown at 700 or more;
    each unit's best is its best rank."""
    result = award_skill(placed, "worldskills")
    for p in placed:
        medal = {1: "gold", 2: "silver", 3: "bronze"}.get(p.rank)
        medallion = p.scale_shown is not None and p.scale_shown >= 700
        assert result.award[p.key] == (medal or ("excellence" if medallion else None))
    for unit, keys in result.best_of_unit.items():
        best = min(p.rank for p in placed if p.unit == unit)
        assert set(keys) == {p.key for p in placed if p.unit == unit and p.rank == best}


@given(rankings())
def test_cn_standard_awards_reach_no_further_than_the_top_half(placed):
    result = award_skill(placed, "cn_standard")
    half = -(-len(placed) // 2)
    for p in placed:
        if p.rank > 3:
            assert (result.award[p.key] == "excellence") == (p.rank <= half)


@given(rankings())
def test_table_awards_reach_no_rank_past_the_last_cutoff(placed):
    result = award_skill(placed, OLD_NATIONAL)
    n = len(placed)
    last = sum(-(-p * n // 100) for p in (10, 20, 30))
    for p in placed:
        if result.award[p.key] is not None:
            assert p.rank <= last


@given(st.dictionaries(st.text(max_size=3), st.one_of(st.none(), st.integers(0, 10_000).map(D))))
def test_albert_vidal_is_the_highest_scale(scales):
    winners = albert_vidal(scales)
    values = [s for s in scales.values() if s is not None]
    assert (winners == []) == (values == [])
    if values:
        assert {scales[k] for k in winners} == {max(values)}
        assert len(winners) == values.count(max(values))


@given(st.lists(st.tuples(st.sampled_from("ABC"), st.sampled_from([None, *sorted(AWARD_CODES)]))))
def test_unit_points_add_up(awards):
    points = {"gold": 4, "silver": 3, "bronze": 2, "excellence": 1}
    assert sum(unit_points(awards).values()) == sum(points.get(a or "", 0) for _, a in awards)
