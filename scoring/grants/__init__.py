"""Grants, rewards and subsidies (grants.md): policy rule sets as data → grant lines in yuan.

Pure Python on ``Decimal``: the grants page, the command line (``grants compute``) and the ledger
all compute through here, so a line is computed one way. Provinces write their own rules and change
them, so the rules are TOML data (``scoring/policies/grants/<code>.toml``, one file per rule set
and version, each rule citing its source), read and validated by :mod:`.loading` with a model of
the input layer per rule kind (:mod:`.rule_models`); the rule kinds are a registry (:mod:`.kinds`,
:mod:`.training_kinds`, sharing :mod:`.context`); the triggers are plain values the app derives
(:mod:`.facts`); :func:`compute` returns the lines (:mod:`.compute`). Money has one rounding helper, :func:`fen`.

The app calls::

    sets = load_shipped()                        # {code: RuleSet}; read_rule_set(text, catalogue=sets)
    result = compute(sets["jiangxi-2019"], Facts(events=…, competitors=…, titles=…, trainings=…),
                     today=clock.today())        # GrantsError(findings) on nonsense facts
    result.lines, result.not_computed, result.excluded, result.warnings, result.totals(), export(result)

Readings of the policy sentences (grants.md, formats.md, the seeds) this module had to choose
----------------------------------------------------------------------------------------------------
General
  1. Payees are a unit code as it is (formats.md's export; not ``unit:<code>``) or
     ``person:<id_number>``; explanations name a person by name, else by the masked ID number.
  2. The trigger grammar is formats.md's; for facts it does not cover it is extended in its style:
     ``HIRE/<id_number>/<hired_on>``, ``LEVEL/<id_number>/<occupation>/<level>`` and
     ``BASE/<unit>/<base_kind>``. A training's split shares ``TRAINING/<id_number>/<start_date>``;
     its parts are told apart by the rule, ``<rule id>.certificate`` / ``<rule id>.employment``.
  3. ``valid_from``: an event counts from its start day when known, else by its year (an event in
     the year of ``valid_from`` counts); a title by its year; a training by its start day (the
     policy in force when it began); a hire, level rise or base by its day. Rule sets have no end
     date: which version covers a period is the caller's choice.
  4. A line's ``year`` is the event's year, the title's year, or the day the payment fell due (the
     certificate, the employment, the hire, the second payment's day, the rise, the recognition).
  5. One rounding helper, half up to the fen; a split's last part is the remainder; a matched
     amount is ``fen(amount × ratio)``; a cap applies after that. An amount in a file is at most
     100,000,000 yuan.
  6. Facts are refused whole on nonsense (grants.md): negative or too many training days, dates
     after ``today``, a competitor of an event or skill that does not exist, an unknown award or
     title. The same title imported twice is one trigger, paid once; the same training (person and
     start day) twice is refused, since the two rows would disagree on one trigger.
  7. A special contest counts at its ``effective_tier`` for every event rule (tiers.md), and a
     ``national`` event without a class is class 1 (formats.md); ``comprehensive`` counts as class 1.
  8. Jurisdiction is not decided here: every line carries ``unit`` (the payee unit, or the person's
     unit), and the app keeps lines inside the unit tree (``--unit``).
Jiangxi (jiangxi-2019)
  9. "按每个项目或职业（工种）" is per *skill of the event*: the employee and student groups of one
     trade are two skills and two lines (``exclusive`` counts them as one occupation).
 10. 国赛 is the rule set's ``national_tiers``; jiangxi-2019 ships ``["national"]``, leaving out the
     WorldSkills national selection and national industry contests until 《江西省就业补助资金管理办法》
     is checked (grants.md).
 11. 参加 = at least one *competed* contestant of the unit in the skill, paid to the contestant's own
     unit (not its delegation), one line per (unit, event, skill). 承办 = the skill's ``host_unit``
     (no host, no line). 主办 = every organizer, co-organizers included, except ``hr_authority``
     units; any other kind (industry, enterprise, other) is paid.
 12. ``exclusive = true`` keeps the highest unit-per-skill line per (unit, occupation, event year);
     on equal amounts the rule listed first in the file wins, then the trigger; the occupation is
     the skill's occupation code, or its skill code when it has none. Lines of other kinds are
     untouched; the dropped ones are listed as ``excluded``.
 13. 集训基地补助 (amount not in the source): a one-off ``per_base`` rule, ``contest_training``, manual.
Hunan (hunan-2019)
 14. The periodic selection of ten is paid per imported title: ``provincial_skills_award`` 100,000,
     ``provincial_technical_expert`` 20,000. "10" is the selection's size, not a payment limit:
     more than ten titles in one year are all paid, with a warning.
 15. 追加 is Hunan's own top-up on the national honour, paid per imported title
     (``china_skills_award`` +100,000, ``national_technical_expert`` +20,000); the national award
     itself is not Hunan's to pay and is not a line.
 16. "在世界技能大赛中获奖" = a medal or a Medallion for Excellence. "最高50万元" gives no split: each
     prize-winner and each expert team gets a manual line, the cap applying *per line* (the
     competitor's line and the team's line are each at most 500,000).
Shanxi (shanxi-2018)
 17. The whole is 150 × (days up to 10) + 100 × (days 11 to 15); days beyond 15 are paid as 15, not
     refused (grants.md's 20-day example).
 18. 80 % when the trainee has a certificate (no certificate, no subsidy at all); the 20 % (the
     remainder of the whole) when employed between the training's start and 3 calendar months after
     the certificate day, both included: a job found after the course but before the certificate
     counts, a job held before the training began does not. Calendar months keep the day of the
     month, or end the month (30 November + 3 months = end of February).
 19. The placement reward (职业介绍补贴, amount not in the source) is a manual line on the same
     employment condition, to the training body.
 20. 新聘用人员 … 6个月以上劳动合同: a contract of 6 months *or more* (以上 includes the number), small
     and micro enterprises only; "1 年内" = on or before the hire day + 12 calendar months; the second
     300 needs the first's conditions too. Hire records are not held yet: not computed.
 21. 省级公共实训基地: 2,000,000 once per unit (the trigger names no year; a unit recognized twice is
     paid once, at the earliest recognition). Base records are not held yet: not computed.
 22. The 80 % pass / 30 % employment eligibility rule pays nothing and is not a rule here.
Heilongjiang (heilongjiang-2018)
 23. 200 per person to the training body when the columns ``employed_in_province`` and
     ``placed_by_body`` are both Y and the employment day lies between the training's start and 6
     calendar months after its end (both included); no certificate is needed.
 24. 每提升一级职业技能等级均可给予一次培训补贴: one manual line per level reached in an occupation, paid
     to the person (trigger ``LEVEL/…``); skill-level rises are not passed yet: not computed.
Ministry of HR, WorldSkills 2015 (mohrss-worldskills-2015)
 25. Every member of a medal-winning team is a competitor and is paid; the expert team is paid the
     same amount again once per medal (per team entry), through the competitor's unit (the
     delegation the expert team belongs to). ``valid_from`` 2015-01-01: the 2015 competition.
Xiamen (xiamen-2022)
 26. 同比例配套 matches the Ministry's per-competitor amounts 1:1 (``match``), for competitors, not
     for expert teams.
 27. National gold/silver/bronze 50,000/40,000/30,000 are by medal at the flagship event; "national
     class-1 and special contests led by the Ministry, top 3" are non-flagship national events and
     special contests of effective tier ``national``, by rank ≤ 3; provincial class 1 top 3 by rank;
     city class 1 (comprehensive included) by place 1/2/3 → 5,000/4,000/4,000 as printed. A shared
     place shares the reward (places 1, 1, 3 are three lines).
"""
from __future__ import annotations

from .compute import Computation, compute, export, manual_amount_problems
from .core import Explanation, GrantLine, GrantsError, NotComputed, add_months, fen, mask_id, money, msg, yuan
from .facts import (
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
    facts_problems,
    hire_problems,
    training_problems,
)
from .kinds import KINDS, NEEDS
from .loading import (
    SHIPPED_DIR,
    Rule,
    RuleSet,
    load_rule_sets,
    load_shipped,
    read_rule_set,
    rule_set_problems,
    shipped_texts,
)

__all__ = [
    "KINDS", "NEEDS", "SHIPPED_DIR", "Base", "Competitor", "Computation", "Event", "EventSkill",
    "Explanation", "Facts", "GrantLine", "GrantsError", "Hire", "LevelRise", "NotComputed", "Organizer",
    "Rule", "RuleSet", "Title", "Training", "add_months", "compute", "export", "facts_problems", "fen",
    "hire_problems", "load_rule_sets", "load_shipped", "manual_amount_problems", "mask_id", "money", "msg",
    "read_rule_set", "rule_set_problems", "shipped_texts", "training_problems", "yuan",
]
