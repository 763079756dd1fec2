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

from .engine import (
    GRANTABLE,
    GROUPS,
    HIGHEST_GRANTED,
    LOWEST_GRANTED,
    TITLE_CODES,
    Awards,
    Candidate,
    Contest,
    HeldLevel,
    OneLevelUp,
    Outcome,
    Placing,
    PriorPromotion,
    PromotionRuleSet,
    Ranks,
    Rule,
    Target,
    TitleProposal,
    TopPercent,
    capped,
    coverage_problem,
    current_level,
    level_index,
    level_up,
    propose,
    rule_applies,
)
from .loading import KIND, SHIPPED, load_rule_set, read_rule_set, shipped_rule_set

__all__ = [
    "GRANTABLE", "GROUPS", "HIGHEST_GRANTED", "KIND", "LOWEST_GRANTED", "SHIPPED", "TITLE_CODES", "Awards",
    "Candidate", "Contest", "HeldLevel", "OneLevelUp", "Outcome", "Placing", "PriorPromotion",
    "PromotionRuleSet", "Ranks", "Rule", "Target", "TitleProposal", "TopPercent", "capped", "coverage_problem",
    "current_level", "level_index", "level_up", "load_rule_set", "propose", "read_rule_set", "rule_applies",
    "shipped_rule_set",
]
