"""The one place that builds a skill's standings: load, call ``scoring``, save (Tabbycat's adapter).

:func:`rebuild` runs on every signal that can change a result (a criterion locked or unlocked,
attendance, a penalty, a component score, an amendment, an event's ranking settings) and after
``import timings``, inside the transaction of the change. Pages and exports read the stored rows.

Choices where results.md is silent, written down here:

- Results count *locked* criteria only. While a criterion is unlocked or reopened for someone, or
  a competed competitor lacks a component score, the standings are built from what is locked (a
  missing component counts 0) and carry the reasons in ``incomplete``; they cannot be published.
- Competitors who did not compete (absent, withdrawn, disqualified) get no total: ``raw_total``,
  ``scale``, ``rank`` and ``award`` are null and their criteria are empty.
- With components, the practical component is the scheme's marks scaled to 100 when the scheme's
  maximum is not 100 (half up), penalties are deducted from the weighted total.
- A judgement mark is computed from every stored score of its set (the write path refused any
  judge who may not mark that competitor).
- Final results are frozen: a rebuild outside an amendment is refused, so an unlock, a check-in
  change or a penalty after final publication is refused with a pointer to ``results amend``.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from decimal import Decimal
from fractions import Fraction

from sqlalchemy import delete, insert, inspect, select

from app import audit, clock
from app.errors import DomainError
from app.events.models import Attendance, Event, Registration, Skill
from app.extensions import db
from app.marking.competitors import Competitor, competitors
from app.marking.locking import open_reopenings
from app.marking.models import ComponentScore, Penalty, SchemeCriterion
from app.marking.schemes import load_scheme
from app.marking.values import stored_values
from app.messages import Message, msg
from app.results import caching
from app.results.models import CompletionTime, Publication, SkillResults, Standing
from app.signals import result_amended
from scoring.marks import Scheme, judgement_mark, round_mark, totals
from scoring.medals import Placed, award_skill
from scoring.ranking import Contestant, rank
from scoring.standardize import HUNDRED, median, scale, spread, total_with_penalties, weighted_total

PRACTICAL = "practical"
# The reason of the amendment under way (``None``: none is): it travels with ``result_amended`` to
# every revocation the amendment causes (results.md: "revoked with that reason").
_amending: ContextVar[str | None] = ContextVar("results_amending", default=None)


@contextmanager
def amending(reason: str) -> Iterator[None]:
    """Inside an amendment (results amend) final standings may be rebuilt; ``reason`` is its reason."""
    token = _amending.set(reason)
    try:
        yield
    finally:
        _amending.reset(token)


def results_of(skill: Skill) -> SkillResults | None:
    """The skill's stored results (standings, publication, version); ``None`` before its first rebuild."""
    return db.session.scalar(select(SkillResults).where(SkillResults.skill_id == skill.id))


def bump(results: SkillResults) -> None:
    """Every change a reader could see moves the version: the public pages' ETag and cache key, and
    the one place their cache is invalidated (:mod:`app.results.caching`)."""
    results.version += 1
    caching.version_moved(results)


def rebuild(skill: Skill, *, allow_final: bool = False, reason: str | None = None) -> SkillResults | None:
    """Recompute and store the skill's standings; ``None`` while it has no marking scheme.

    Final standings change only inside an amendment or when a reopened criterion is locked again
    (``allow_final``, with the reopening's ``reason``); then every changed line is audited and
    announced with ``result_amended``, carrying the amendment's reason.
    """
    scheme = load_scheme(skill)
    if scheme is None:
        return None
    results = results_of(skill)
    if results is not None and results.final and not (allow_final or _amending.get() is not None):
        raise DomainError(msg("the results of %(skill)s are final: change them with an amendment "
                              "(results amend)", skill=skill.code))
    if results is None:
        results = SkillResults(skill_id=skill.id, event_id=skill.event_id, version=0,
                               publication=Publication.PRIVATE)
        db.session.add(results)
    before = _summaries(skill) if results.final else None
    _Build(skill, scheme, results).run()
    bump(results)
    results.rebuilt_at = clock.now()
    db.session.flush()
    if before is not None:
        _announce_amendment(skill, before, _summaries(skill), reason or _amending.get()
                            or msg("the result was amended"))
    return results


def criterion_medians(codes: list[str], standings: Iterable[Standing]) -> dict[str, Decimal]:
    """Per criterion, the median over the competed lines, to the fen like the marks beside it:
    stored with the standings so a contestant's page reads it instead of every line."""
    competed = [s for s in standings if s.status == Attendance.COMPETED]
    medians = {}
    for code in codes:
        values = [s.criterion_marks[code] for s in competed if code in s.criteria]
        if values:
            medians[code] = round_mark(median(values))
    return medians


SUMMARY_FIELDS = ("status", "raw_total", "scale", "rank", "award", "criteria")


def _summaries(skill: Skill) -> dict[int, dict]:
    """What a certificate or a promotion may depend on, per competitor."""
    rows = db.session.scalars(select(Standing).where(Standing.skill_id == skill.id)).all()
    return {r.competitor_id: audit.snapshot(r, list(SUMMARY_FIELDS)) for r in rows}


def _announce_amendment(skill: Skill, before: dict[int, dict], after: dict[int, dict], reason: str) -> None:
    changed = sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))
    if not changed:
        return
    bibs = {registration_id: bib for registration_id, bib in db.session.execute(
        select(Registration.id, Registration.contestant_no).where(Registration.id.in_(changed)))}
    audit.record("results.amended", "skill", f"{skill.event.code}/{skill.code}", event_id=skill.event_id,
                 before={bibs[k]: before.get(k) for k in changed}, after={bibs[k]: after.get(k) for k in changed},
                 note=reason[:500])
    result_amended.send(skill.event_id, skill_id=skill.id, competitor_ids=changed, reason=reason)


class _Build:
    def __init__(self, skill: Skill, scheme: Scheme, results: SkillResults):
        self.skill, self.event, self.scheme, self.results = skill, skill.event, scheme, results
        self.competitors = competitors(skill)
        self.values = stored_values(skill.id)
        self.criteria = db.session.scalars(select(SchemeCriterion).where(SchemeCriterion.skill_id == skill.id)
                                           .order_by(SchemeCriterion.position)).all()
        self.locked = [c.code for c in self.criteria if c.locked]
        self.incomplete: list[Message] = []
        # Not yet marked in full (a criterion never locked, a component score missing): no awards. A
        # criterion reopened for one competitor (an appeal, an amendment) keeps them until re-marked.
        self.unfinished = False
        self.weights = skill.component_weights
        self.components = self._component_scores()
        self.penalties = self._penalties()
        self.seconds = {competitor_id: seconds for competitor_id, seconds in db.session.execute(
            select(CompletionTime.competitor_id, CompletionTime.seconds).where(CompletionTime.skill_id == skill.id))}

    def run(self) -> None:
        self._check_complete()
        competed = [c for c in self.competitors if c.competed]
        rows = {c.id: self._row(c) for c in self.competitors}
        self._place(competed, rows)
        bib = {c.id: c.lead.contestant_no for c in self.competitors}
        ordered = sorted(rows.values(), key=lambda r: (r.rank is None, r.rank or 0, bib[r.competitor_id]))
        db.session.execute(delete(Standing).where(Standing.skill_id == self.skill.id))
        for position, row in enumerate(ordered, 1):
            row.position = position
        if ordered:
            db.session.execute(insert(Standing), [_set_columns(row) for row in ordered])
        self.results.incomplete = [{"template": m.template, "params": m.params} for m in self.incomplete]
        self.results.locked_criteria = self.locked
        self.results.criterion_max = {c.code: str(c.max_total) for c in self.scheme.criteria}
        self.results.competed = len(competed)
        medians = criterion_medians(list(self.results.criterion_max), ordered)
        self.results.criterion_medians = {code: str(value) for code, value in medians.items()}

    # --- loading ------------------------------------------------------------------------------

    def _component_scores(self) -> dict[int, dict[str, Decimal]]:
        found: dict[int, dict[str, Decimal]] = defaultdict(dict)
        for row in db.session.scalars(select(ComponentScore).where(ComponentScore.skill_id == self.skill.id)):
            found[row.competitor_id][row.component] = row.score
        return found

    def _penalties(self) -> dict[int, list[Penalty]]:
        found: dict[int, list[Penalty]] = defaultdict(list)
        for penalty in db.session.scalars(select(Penalty).where(Penalty.skill_id == self.skill.id,
                                                                Penalty.withdrawn_at.is_(None))
                                          .order_by(Penalty.recorded_at, Penalty.id)):
            found[penalty.competitor_id].append(penalty)
        return found

    def _check_complete(self) -> None:
        unlocked = [c.code for c in self.criteria if not c.locked]
        if unlocked:
            self.unfinished = True
            self.incomplete.append(msg("criteria not locked: %(codes)s", codes=", ".join(unlocked)))
        for reopening in open_reopenings(self.skill.id):
            self.incomplete.append(msg("criterion %(criterion)s reopened for %(bib)s",
                                       criterion=reopening.criterion.code,
                                       bib=reopening.competitor.contestant_no))

    # --- one competitor -----------------------------------------------------------------------

    def _aspect_marks(self, competitor: Competitor) -> dict[str, Decimal]:
        marks: dict[str, Decimal] = {}
        competitor_id, measured, judged = competitor.id, self.values.measured, self.values.judged
        for aspect in self.values.aspects:
            if aspect.criterion not in self.locked:
                continue
            key = (aspect.id, competitor_id)
            if aspect.kind == "M":
                if key in measured:
                    marks[aspect.code] = measured[key]
            elif judged.get(key):
                marks[aspect.code] = judgement_mark(aspect.max_mark, judged[key])
        return marks

    def _row(self, competitor: Competitor) -> Standing:
        row = Standing(skill_id=self.skill.id, competitor_id=competitor.id, status=_status(competitor),
                       criteria={}, sub_criteria={}, penalties=[], skipped_tie_breakers=[])
        penalties = self.penalties.get(competitor.id, [])
        row.penalties = [{"amount": str(p.points), "reason": p.reason} for p in penalties]
        if not competitor.competed:
            return row
        found = totals(self.scheme, self._aspect_marks(competitor))
        locked_subs = {s.id for c in self.scheme.criteria if c.code in self.locked for s in c.sub_criteria}
        row.criteria = {code: str(v) for code, v in found.criteria.items() if code in self.locked}
        row.sub_criteria = {code: str(v) for code, v in found.sub_criteria.items() if code in locked_subs}
        row.marks_total = sum((found.criteria[c] for c in self.locked), Decimal("0.00"))
        total = row.marks_total
        if self.weights:
            scores = self._components_of(competitor, row.marks_total)
            row.components = {code: str(v) for code, v in scores.items()}
            total = weighted_total(scores, self.weights)
        row.raw_total = total_with_penalties(total, (p.points for p in penalties))
        return row

    def _components_of(self, competitor: Competitor, marks_total: Decimal) -> dict[str, Decimal]:
        maximum = self.scheme.max_total
        practical = marks_total if maximum == HUNDRED else \
            round_mark(Fraction(marks_total) * 100 / Fraction(maximum))
        scores = {}
        for code in self.weights:
            if code == PRACTICAL:
                scores[code] = practical
            elif code in self.components.get(competitor.id, {}):
                scores[code] = self.components[competitor.id][code]
            else:
                self.unfinished = True
                self.incomplete.append(msg("%(component)s score missing for %(bib)s", component=code,
                                           bib=competitor.lead.contestant_no))
                scores[code] = Decimal("0.00")
        return scores

    # --- the skill ----------------------------------------------------------------------------

    def _place(self, competed: list[Competitor], rows: dict[int, Standing]) -> None:
        """Scale, rank and award the competed competitors (results.md)."""
        raws = [rows[c.id].raw_total for c in competed]
        scaled = scale(raws, self.event.min_standardized)
        for competitor, value in zip(competed, scaled, strict=True):
            if value is not None:
                rows[competitor.id].scale_exact, rows[competitor.id].scale = str(value.unrounded), value.shown
        self.results.standardized = bool(competed) and scaled[0] is not None
        # Shown to the fen like every mark (half up); the scale above used the exact median, which
        # has a third decimal when the two middle totals are an odd number of fen apart.
        self.results.median = round_mark(spread(raws).median) if raws else None
        self.results.scale_basis = spread(raws).basis if self.results.standardized else None
        ranked = rank([Contestant(c.id, rows[c.id].raw_total,
                                  rows[c.id].criterion_marks,
                                  self.seconds.get(c.id)) for c in competed],
                      tie_breakers=self.event.tie_breakers or (), tie_window=self.event.tie_window,
                      criterion_max={c.code: c.max_total for c in self.scheme.criteria})
        for r in ranked:
            rows[r.key].rank, rows[r.key].skipped_tie_breakers = r.rank, list(r.skipped_tie_breakers)
        if self.unfinished:  # medals from some criteria only would be read as results: none until complete
            return
        placed = [Placed(r.key, r.rank, rows[r.key].raw_total, rows[r.key].scale,
                         rows[r.key].scale_unrounded) for r in ranked]
        awards = award_skill(placed, self.event.award_rules, self.skill.team_size)
        for key, award in awards.award.items():
            rows[key].award = award
        for key in awards.technical_expert_proposals:
            rows[key].technical_expert_proposed = True


_STANDING_COLUMNS = frozenset(inspect(Standing).column_attrs.keys())


def _set_columns(row: Standing) -> dict:
    """The columns a built row has set, for one bulk INSERT of the skill's rows: the ORM's unit of
    work spent a third of a 2,000-contestant rebuild adding and flushing them one by one. Unset
    columns take their defaults (or NULL) exactly as a flush would give them."""
    return {key: value for key, value in inspect(row).dict.items() if key in _STANDING_COLUMNS}


def _status(competitor: Competitor) -> Attendance:
    """A team competed when any member did; otherwise the lead's own status."""
    return Attendance.COMPETED if competitor.competed else competitor.lead.attendance


def rebuild_event(event: Event) -> None:
    """Rebuild the standings of every skill of the event, after a setting that changes them all."""
    for skill in event.skills:
        rebuild(skill)


# --- signal receivers (connected in create_app) --------------------------------------------------

def _on_skill_change(event_id: int, skill_id: int, **_: object) -> None:
    skill = db.session.get(Skill, skill_id)
    if skill is not None:
        rebuild(skill)


def _on_lock(event_id: int, skill_id: int, reason: str | None = None, **_: object) -> None:
    """After final publication a criterion is locked only when a reopened one is closed again: the
    amendment (or the upheld appeal) is what changes the result, and its reason is the reopening's."""
    skill = db.session.get(Skill, skill_id)
    if skill is not None:
        rebuild(skill, allow_final=True, reason=reason)


def _on_event_change(event_id: int, **_: object) -> None:
    event = db.session.get(Event, event_id)
    if event is not None:
        rebuild_event(event)


def connect() -> None:
    """Rebuild standings whenever marks, attendance, penalties, components or event settings change."""
    from app.signals import (
        attendance_changed,
        components_changed,
        criterion_locked,
        criterion_unlocked,
        event_settings_changed,
        penalty_changed,
    )
    criterion_locked.connect(_on_lock)
    for signal in (criterion_unlocked, attendance_changed, penalty_changed, components_changed):
        signal.connect(_on_skill_change)
    event_settings_changed.connect(_on_event_change)
