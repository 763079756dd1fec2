"""The appeals page of a skill and its amendment page (results.md "Publication", "Amending a final
result").

Who (checked here, on top of the role table): the event's organizers, its arbiters (仲裁) and the
skill's chief expert see every appeal of the skill; a unit admin whose units have a contestant in
the skill sees those contestants' appeals only, and files them; anyone else gets 404, which does
not confirm the skill exists. Only an arbiter decides (the chief expert marked the criterion, so
does not judge an appeal against it). Amendments are the arbiters' and the organizers'.

Every change is one transaction: the service writes and audits, the view commits, or rolls back
and shows the refusal. A successful post redirects (post/redirect/get); a refused appeal or
amendment shows its page again with what was typed, a refused decision redirects with the flash.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from app import audit, clock
from app.auth.models import Role
from app.auth.permissions import allow
from app.auth.scope import manageable_unit_ids, require
from app.errors import DomainError
from app.events.models import Skill
from app.events.panels import is_chief
from app.events.scope import can_appeal_for, can_arbitrate, can_organize
from app.events.services import event_by_code
from app.extensions import db
from app.form_problems import valid_or_flashed
from app.marking.competitors import Competitor, by_bib, competitors
from app.marking.locking import open_reopenings
from app.marking.models import SchemeCriterion
from app.messages import translated
from app.results.amendment import amend, decide_appeal, file_appeal
from app.results.appeal_forms import DISQUALIFY, REOPEN, AmendForm, AppealForm, DecisionForm
from app.results.models import Appeal, Publication, SkillResults
from app.results.standings import results_of
from app.transaction import refusals_return_to

bp = Blueprint("appeals", __name__)
SKILL_URL = "/events/<code>/skills/<skill_code>"
READERS = (Role.ADMIN, Role.ORGANIZER, Role.ARBITER, Role.EXPERT, Role.UNIT_ADMIN)
AMENDERS = (Role.ADMIN, Role.ORGANIZER, Role.ARBITER)


@dataclass(frozen=True)
class Reader:
    """The skill and what the current user is to it; ``units`` limits a unit admin's view."""

    skill: Skill
    organizer: bool
    arbiter: bool
    units: set[int] | None

    def sees(self, appeal: Appeal) -> bool:
        return self.units is None or appeal.competitor.unit_id in self.units


@dataclass(frozen=True)
class Window:
    """``private`` (not published), ``open`` (until ``closes_at``), ``closed`` or ``final``."""

    state: str
    closes_at: datetime | None


def _skill(code: str, skill_code: str) -> Skill:
    event = event_by_code(code)
    skill = event.skill(skill_code) if event else None
    require(skill is not None)
    return skill


def _reader(code: str, skill_code: str) -> Reader:
    """404 unless the user organizes, arbitrates, is the chief expert, or has a contestant here."""
    skill = _skill(code, skill_code)
    organizer, arbiter = can_organize(current_user, skill.event), can_arbitrate(current_user, skill.event)
    if organizer or arbiter or is_chief(current_user, skill):
        return Reader(skill, organizer, arbiter, None)
    require(current_user.role == Role.UNIT_ADMIN and bool(_appealable(skill)))
    return Reader(skill, False, False, manageable_unit_ids(current_user) or set())


def _appealable(skill: Skill) -> list[Competitor]:
    """The competed competitors the current user may appeal for (their unit's)."""
    return [c for c in competitors(skill) if c.competed and can_appeal_for(current_user, c.lead)]


def window_of(results: SkillResults | None) -> Window:
    """Where a skill's results stand for appeals (private, open until a time, closed or final), as the
    appeals and amendment pages show it."""
    if results is None or results.publication == Publication.PRIVATE:
        return Window("private", None)
    if results.final:
        return Window("final", None)
    if results.appeals_close_at is not None and clock.now() < results.appeals_close_at:
        return Window("open", results.appeals_close_at)
    return Window("closed", results.appeals_close_at)


def _criteria(skill: Skill) -> list[SchemeCriterion]:
    return db.session.scalars(select(SchemeCriterion).where(SchemeCriterion.skill_id == skill.id)
                              .order_by(SchemeCriterion.position, SchemeCriterion.code)).all()


def _appeal_form(skill: Skill, *, posted: bool) -> AppealForm:
    form = AppealForm() if posted else AppealForm(formdata=None)
    form.bib.choices = [(c.lead.contestant_no, c.label) for c in _appealable(skill)]
    form.criterion.choices = [(c.code, f"{c.code} {c.name}") for c in _criteria(skill)]
    return form


def _refused(operation: Callable[[], object], done: str) -> bool:
    """Run one operation; a domain refusal is flashed and the caller shows its form again with 422,
    which rolls the request back (app.transaction)."""
    try:
        operation()
    except DomainError as error:
        flash(translated(error.args[0]), "error")
        return True
    flash(done, "info")
    return False


def _page(reader: Reader, appeal_form: AppealForm | None = None):
    skill = reader.skill
    appeals = db.session.scalars(select(Appeal).where(Appeal.skill_id == skill.id)
                                 .order_by(Appeal.filed_at, Appeal.id)).all()
    return render_template("appeals/index.html", skill=skill, event=skill.event, reader=reader,
                           window=window_of(results_of(skill)), appeals=[a for a in appeals if reader.sees(a)],
                           appeal_form=appeal_form or _appeal_form(skill, posted=False),
                           decision_form=DecisionForm(formdata=None))


def _to_index(skill: Skill):
    return redirect(url_for("appeals.index", code=skill.event.code, skill_code=skill.code))


@bp.route(f"{SKILL_URL}/appeals")
@allow(*READERS)
def index(code: str, skill_code: str):
    """The appeals page of a skill: every appeal for its organizers, arbiters and chief expert, only their
    own contestants' for a unit admin, who files them here."""
    return _page(_reader(code, skill_code))


@bp.route(f"{SKILL_URL}/appeals", methods=["POST"])
@allow(Role.ADMIN, Role.UNIT_ADMIN)
def file(code: str, skill_code: str):
    """File an appeal against a criterion for a contestant of the unit admin's own tree (403 for another
    unit's), while the skill's appeal window is open."""
    reader = _reader(code, skill_code)
    skill = reader.skill
    form = _appeal_form(skill, posted=True)
    named = by_bib(competitors(skill)).get(form.bib.data or "")
    if (named is not None and not can_appeal_for(current_user, named.lead)) or not form.bib.choices:
        abort(403)  # another unit's contestant: the unit files its own appeals
    if not form.validate():
        return _page(reader, form)
    if _refused(lambda: file_appeal(skill, form.bib.data, form.criterion.data, form.reason.data),
                _("Appeal for %(bib)s against criterion %(criterion)s filed.",
                  bib=form.bib.data, criterion=form.criterion.data)):
        return _page(reader, form), 422
    return _to_index(skill)


@bp.route(f"{SKILL_URL}/appeals/<int:appeal_id>/decide", methods=["POST"])
@allow(Role.ADMIN, Role.ARBITER)
def decide(code: str, skill_code: str, appeal_id: int):
    """Uphold or dismiss an appeal (arbiters only: the chief expert marked the criterion, so does not judge
    it); upholding reopens the criterion for that contestant."""
    reader = _reader(code, skill_code)
    appeal = db.session.get(Appeal, appeal_id)
    require(appeal is not None and appeal.skill_id == reader.skill.id)
    if not reader.arbiter:
        abort(403)
    form = DecisionForm()
    if valid_or_flashed(form):
        upheld = form.outcome.data == "upheld"
        refusals_return_to(url_for("appeals.index", code=reader.skill.event.code, skill_code=reader.skill.code))
        decide_appeal(appeal, upheld=upheld, decision=form.decision.data)
        flash(_("Appeal %(id)s upheld: criterion %(criterion)s is reopened for %(bib)s.", id=appeal.id,
                criterion=appeal.criterion, bib=appeal.competitor.contestant_no) if upheld
              else _("Appeal %(id)s dismissed.", id=appeal.id), "info")
    return _to_index(reader.skill)


@bp.route(f"{SKILL_URL}/amend", methods=["GET", "POST"])
@allow(*AMENDERS)
def amend_result(code: str, skill_code: str):
    """The amendment page of a skill (organizers and arbiters): disqualify a contestant or reopen a
    criterion for re-marking, with a reason; only once results are final (before, appeals do that)."""
    skill = _skill(code, skill_code)
    require(can_organize(current_user, skill.event) or can_arbitrate(current_user, skill.event))
    form = AmendForm()
    form.bib.choices = [(c.lead.contestant_no, c.label) for c in competitors(skill)]
    form.action.choices = [(DISQUALIFY, _("Disqualify"))] + [
        (REOPEN + c.code, _("Reopen criterion %(code)s (%(name)s) for re-marking", code=c.code, name=c.name))
        for c in _criteria(skill)]
    status = 200
    if form.validate_on_submit():
        if not _refused(
                lambda: amend(skill, form.bib.data, form.reason.data, disqualify=form.disqualify,
                              reopen_criterion=form.criterion),
                _("%(bib)s is disqualified; the standings were rebuilt.", bib=form.bib.data) if form.disqualify
                else _("Criterion %(criterion)s is reopened for %(bib)s: re-mark it, then lock it again on the "
                       "marking page.", criterion=form.criterion, bib=form.bib.data)):
            return redirect(url_for("appeals.amend_result", code=skill.event.code, skill_code=skill.code))
        status = 422
    return render_template("appeals/amend.html", skill=skill, event=skill.event, form=form,
                           window=window_of(results_of(skill)), reopenings=open_reopenings(skill.id),
                           history=_amendments(skill)), status


def _amendments(skill: Skill) -> list[audit.AuditEntry]:
    """The skill's amendments, newest first, from the audit log (the one record of them)."""
    return db.session.scalars(select(audit.AuditEntry).where(
        audit.AuditEntry.action == "results.amend",
        audit.AuditEntry.entity_id == f"{skill.event.code}/{skill.code}")
        .order_by(audit.AuditEntry.id.desc())).all()
