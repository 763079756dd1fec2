"""The marking page of a skill: criterion states, sign-off, lock and unlock, criteria reopened for
one competitor (locked again by the chief), penalties, marking teams and the paper-marks upload.

Who (checked here, on top of the role table): the event's organizers (and admins) and every member
of the skill's panel see the page — supervisors (督导) read only; anyone else gets 404, which does
not confirm the skill exists. A judge who marked a criterion signs it off; locking, unlocking,
penalties and marking teams are the skill's chief expert's alone; the chief and the organizers
upload paper marks. Anyone else who can see the page and posts gets 403.

Blind marking (the event's ``blind_marking``): panel members other than the chief expert see every
competitor on this page by secret number (:mod:`app.marking.naming`) — criterion states, reopenings,
penalties — and not the free-text reasons, which may name a contestant. Check-in and the draw are on
their own pages (:mod:`app.marking.draw_views`), linked from here for the chief and the organizers.

Every change is one transaction: the service writes and audits, the request commits, or rolls
back and shows the refusal (:mod:`app.transaction`). Posts redirect back to the page
(post/redirect/get); the upload is the one exception: it answers with the page itself, to list a
refused file's problems (422) or the spread warnings of an accepted one.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from app.auth.models import Role
from app.auth.permissions import allow
from app.auth.scope import require
from app.errors import InputRefused, Problem
from app.events.models import PanelMember, PanelRole, Skill
from app.events.panels import member_of
from app.events.scope import can_organize
from app.events.services import event_by_code
from app.extensions import db
from app.form_problems import valid_or_flashed
from app.marking.forms import LockForm, PenaltyForm, ReasonForm, TeamForm
from app.marking.judges import MARKING_ROLES
from app.marking.locking import (
    CriterionState,
    close_reopening,
    criterion_states,
    lock,
    open_reopenings,
    reopening_state,
    sign_off,
    unlock,
)
from app.marking.marksheet import Marksheet
from app.marking.models import CriterionReopening, Penalty, SchemeCriterion
from app.marking.naming import OPEN, Naming
from app.marking.overview import Overview, load_overview
from app.marking.paper import MARK_COLUMNS, MarksImported, import_marks
from app.marking.penalties import add_penalty, withdraw_penalty
from app.marking.teams import marking_members, set_team
from app.tabular import read_table, xlsx_template
from app.transaction import refusals_return_to
from app.upload_form import UploadForm

bp = Blueprint("marking", __name__)
SKILL_URL = "/events/<code>/skills/<skill_code>"
READERS = (Role.ADMIN, Role.ORGANIZER, Role.EXPERT)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Viewer:
    """The skill and what the current user is to it."""

    skill: Skill
    member: PanelMember | None
    organizer: bool

    @property
    def chief(self) -> bool:
        return self.member is not None and self.member.role == PanelRole.CHIEF

    @property
    def marks(self) -> bool:
        return self.member is not None and self.member.role in MARKING_ROLES

    @property
    def uploads(self) -> bool:
        return self.chief or self.organizer

    @property
    def blind(self) -> bool:
        """Under blind marking every panel member but the chief expert sees secret numbers only (the
        organizers, who check contestants in, see bibs too)."""
        return self.skill.event.blind_marking and not (self.chief or self.organizer)


def _viewer(code: str, skill_code: str) -> Viewer:
    """404 unless the user organizes the event or sits on the skill's panel."""
    event = event_by_code(code)
    skill = event.skill(skill_code) if event else None
    require(skill is not None)
    viewer = Viewer(skill, member_of(skill, current_user), can_organize(current_user, event))
    require(viewer.organizer or viewer.member is not None)
    return viewer


def _acting(code: str, skill_code: str, may: Callable[[Viewer], bool]) -> Viewer:
    """The viewer of a post: 404 as for the page, then 403 when ``may`` refuses them."""
    viewer = _viewer(code, skill_code)
    if not may(viewer):
        abort(403)
    return viewer


def _criterion(skill: Skill, code: str) -> SchemeCriterion:
    criterion = db.session.scalar(select(SchemeCriterion).where(SchemeCriterion.skill_id == skill.id,
                                                                SchemeCriterion.code == code))
    require(criterion is not None)
    return criterion


def _state(skill: Skill, code: str) -> CriterionState:
    """The criterion's state computed now, inside the transaction that acts on it."""
    state = next((s for s in criterion_states(Marksheet(skill)) if s.criterion.code == code), None)
    require(state is not None)
    return state


def _back(viewer: Viewer, anchor: str):
    skill = viewer.skill
    return redirect(url_for("marking.page", code=skill.event.code, skill_code=skill.code, _anchor=anchor))


def _refusals_back(viewer: Viewer, anchor: str) -> None:
    """A refused post is shown on the page at the anchor it came from (app.transaction)."""
    skill = viewer.skill
    refusals_return_to(url_for("marking.page", code=skill.event.code, skill_code=skill.code, _anchor=anchor))


def _render(viewer: Viewer, *, problems: list[Problem] | None = None, imported: MarksImported | None = None):
    naming = Naming.blind_for(viewer.skill) if viewer.blind else OPEN
    overview = load_overview(viewer.skill, naming.competitor)
    penalty_form = PenaltyForm(formdata=None)
    penalty_form.bib.choices = _bib_choices(overview) if viewer.chief else []  # the form is the chief's
    sheet = Marksheet(viewer.skill)
    reopenings = [(r, reopening_state(sheet, r)) for r in open_reopenings(viewer.skill.id)]
    return render_template("marking/page.html", viewer=viewer, skill=viewer.skill, event=viewer.skill.event,
                           overview=overview, penalty_form=penalty_form, upload_form=UploadForm(formdata=None),
                           problems=problems or [], imported=imported, columns=MARK_COLUMNS,
                           reopenings=reopenings, naming=naming)


def _bib_choices(overview: Overview) -> list[tuple[str, str]]:
    return [(c.lead.contestant_no, c.label) for c in overview.competed]


@bp.route(f"{SKILL_URL}/marking")
@allow(*READERS)
def page(code: str, skill_code: str):
    """The marking page of a skill (organizers, admins and its panel; supervisors read only), by secret
    number for panel members under blind marking."""
    return _render(_viewer(code, skill_code))


@bp.route(f"{SKILL_URL}/marking/<criterion>/sign-off", methods=["POST"])
@allow(Role.EXPERT)
def sign_off_criterion(code: str, skill_code: str, criterion: str):
    """Sign off a criterion the judge marked (panel members who mark): it must be complete and unflagged,
    and the chief may lock it only once every marker has signed."""
    viewer = _acting(code, skill_code, lambda v: v.marks)
    state = _state(viewer.skill, criterion)
    _refusals_back(viewer, f"criterion-{criterion}")
    sign_off(state.criterion, current_user, state)
    flash(_("You signed off criterion %(criterion)s.", criterion=criterion), "info")
    return _back(viewer, f"criterion-{criterion}")


@bp.route(f"{SKILL_URL}/marking/<criterion>/lock", methods=["POST"])
@allow(Role.EXPERT)
def lock_criterion(code: str, skill_code: str, criterion: str):
    """Lock a complete, unflagged criterion (the chief expert only) so that its marks can no longer
    change; reduced judgement sets (fewer judges than the panel) need the confirmation box first."""
    viewer = _acting(code, skill_code, lambda v: v.chief)
    state = _state(viewer.skill, criterion)
    form = LockForm()
    if valid_or_flashed(form):
        _refusals_back(viewer, f"criterion-{criterion}")
        lock(state.criterion, state, confirm_reduced=form.confirm_reduced.data)
        flash(_("Criterion %(criterion)s is locked.", criterion=criterion), "info")
    return _back(viewer, f"criterion-{criterion}")


@bp.route(f"{SKILL_URL}/marking/<criterion>/unlock", methods=["POST"])
@allow(Role.EXPERT)
def unlock_criterion(code: str, skill_code: str, criterion: str):
    """Open a locked criterion again with a reason (the chief expert only); its sign-offs are cleared, since
    they were given for the marks as they stood."""
    viewer = _acting(code, skill_code, lambda v: v.chief)
    row = _criterion(viewer.skill, criterion)
    form = ReasonForm()
    if valid_or_flashed(form):
        _refusals_back(viewer, f"criterion-{criterion}")
        unlock(row, form.reason.data)
        flash(_("Criterion %(criterion)s is unlocked; its sign-offs were cleared.", criterion=criterion),
              "info")
    return _back(viewer, f"criterion-{criterion}")


@bp.route(f"{SKILL_URL}/marking/<criterion>/team", methods=["POST"])
@allow(Role.EXPERT)
def team(code: str, skill_code: str, criterion: str):
    """Set which panel members mark a criterion (the chief expert only, before it is locked); none chosen
    opens it to the whole panel."""
    viewer = _acting(code, skill_code, lambda v: v.chief)
    row = _criterion(viewer.skill, criterion)
    form = TeamForm()
    form.members.choices = [(m.user_id, m.user.username) for m in marking_members(viewer.skill)]
    if valid_or_flashed(form):
        _refusals_back(viewer, f"team-{criterion}")
        set_team(row, set(form.members.data or ()))
        flash(_("Marking team of criterion %(criterion)s saved.", criterion=criterion), "info")
    return _back(viewer, f"team-{criterion}")


@bp.route(f"{SKILL_URL}/marking/reopenings/<int:reopening_id>/close", methods=["POST"])
@allow(Role.EXPERT)
def reopening_close(code: str, skill_code: str, reopening_id: int):
    """Lock a criterion reopened for one competitor (an upheld appeal, an amendment) again."""
    viewer = _acting(code, skill_code, lambda v: v.chief)
    reopening = db.session.get(CriterionReopening, reopening_id)
    require(reopening is not None and reopening.closed_at is None
            and reopening.criterion.skill_id == viewer.skill.id)
    _refusals_back(viewer, "reopened")
    close_reopening(Marksheet(viewer.skill), reopening)
    flash(_("Criterion %(criterion)s is locked again for %(bib)s.", criterion=reopening.criterion.code,
            bib=reopening.competitor.contestant_no), "info")
    return _back(viewer, "reopened")


@bp.route(f"{SKILL_URL}/penalties", methods=["POST"])
@allow(Role.EXPERT)
def penalty_add(code: str, skill_code: str):
    """Deduct penalty points from a competitor with a reason (the chief expert only); the results rebuild."""
    viewer = _acting(code, skill_code, lambda v: v.chief)
    overview = load_overview(viewer.skill)
    form = PenaltyForm()
    form.bib.choices = _bib_choices(overview)
    if valid_or_flashed(form):
        competitor = next(c for c in overview.competed if c.lead.contestant_no == form.bib.data)
        _refusals_back(viewer, "penalties")
        add_penalty(viewer.skill, competitor, form.points.data, form.reason.data)
        flash(_("Penalty of %(points)s for %(bib)s recorded.", points=f"{form.points.data:.2f}",
                bib=competitor.label), "info")
    return _back(viewer, "penalties")


@bp.route(f"{SKILL_URL}/penalties/<int:penalty_id>/withdraw", methods=["POST"])
@allow(Role.EXPERT)
def penalty_withdraw(code: str, skill_code: str, penalty_id: int):
    """Withdraw a penalty with a reason (the chief expert only); it is kept, not deleted, so what was deducted
    and why survives."""
    viewer = _acting(code, skill_code, lambda v: v.chief)
    penalty = db.session.get(Penalty, penalty_id)
    require(penalty is not None and penalty.skill_id == viewer.skill.id)
    form = ReasonForm()
    if valid_or_flashed(form):
        _refusals_back(viewer, "penalties")
        withdraw_penalty(penalty, form.reason.data)
        flash(_("Penalty for %(bib)s withdrawn.", bib=penalty.competitor.contestant_no), "info")
    return _back(viewer, "penalties")


@bp.route(f"{SKILL_URL}/marks/upload", methods=["POST"])
@allow(*READERS)
def marks_upload(code: str, skill_code: str):
    """Paper marks: the same parser and checks as ``flask import marks`` (without ``--lock``)."""
    viewer = _acting(code, skill_code, lambda v: v.uploads)
    form = UploadForm()
    if not valid_or_flashed(form):
        return _back(viewer, "upload")
    file = form.file.data
    try:
        result = import_marks(viewer.skill, read_table(file.read(), file.filename or "", MARK_COLUMNS))
    except InputRefused as refused:
        return _render(viewer, problems=refused.problems), 422  # shown on the page: the request rolls back
    return _render(viewer, imported=result)


@bp.route(f"{SKILL_URL}/marks/template.xlsx")
@allow(*READERS)
def marks_template(code: str, skill_code: str):
    """An empty paper-marks spreadsheet with the columns the upload expects (the chief expert and organizers)."""
    _acting(code, skill_code, lambda v: v.uploads)
    return Response(xlsx_template(MARK_COLUMNS), mimetype=XLSX,
                    headers={"Content-Disposition": "attachment; filename=marks-template.xlsx"})
