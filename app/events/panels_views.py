"""The panel page of a skill, the judges upload, and an expert's own list of panels.

The skill's chief expert and the event's organizers (and admins) edit a panel; anyone else gets
404, which does not confirm the skill exists. The chief manages the other seats; the chief seat
itself is the organizers' to fill, change or empty. A one-time login link for a created account is
shown in the response to the request that created it and never again (only its hash is stored).
"""
from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.auth.models import Role
from app.auth.permissions import allow
from app.auth.scope import require
from app.errors import DomainError, InputRefused, Problem
from app.events.models import PanelMember, PanelRole, Skill
from app.events.organized import organized_event
from app.events.panel_forms import AddMemberForm, RemoveMemberForm, RoleForm
from app.events.panels import (
    JUDGE_COLUMNS,
    add_member,
    can_edit_panel,
    change_role,
    import_judges,
    panel_of,
    panels_of_user,
    remove_member,
)
from app.events.scope import can_organize
from app.events.services import event_by_code
from app.extensions import db
from app.i18n import label
from app.tabular import read_table, xlsx_template
from app.transaction import refusals_return_to
from app.upload_form import UploadForm

bp = Blueprint("panels", __name__)
PANEL_EDITORS = (Role.ADMIN, Role.ORGANIZER, Role.EXPERT)


def _editable_skill(code: str, skill_code: str) -> Skill:
    event = event_by_code(code)
    skill = event.skill(skill_code) if event else None
    require(skill is not None and can_edit_panel(current_user, skill))
    return skill


def _member(skill: Skill, member_id: int) -> PanelMember:
    member = db.session.get(PanelMember, member_id)
    require(member is not None and member.skill_id == skill.id)
    return member


def _guard_chief_seat(skill: Skill, *roles: PanelRole) -> None:
    """Only organizers fill, change or empty the chief seat."""
    if PanelRole.CHIEF in roles and not can_organize(current_user, skill.event):
        abort(403)


def _panel_page(skill: Skill, form: AddMemberForm, problems: list[Problem], created: list[tuple[str, str]],
                status: int = 200):
    return render_template("panels/panel.html", skill=skill, event=skill.event, members=panel_of(skill),
                           form=form, problems=problems, created=created, roles=list(PanelRole),
                           organizer=can_organize(current_user, skill.event)), status


@bp.route("/events/<code>/skills/<skill_code>/panel", methods=["GET", "POST"])
@allow(*PANEL_EDITORS)
def panel(code: str, skill_code: str):
    """A skill's panel page, and adding a member (the skill's chief expert, the event's organizers and
    admins); a new expert account's login link is shown on this answer only, never again."""
    skill = _editable_skill(code, skill_code)
    form = AddMemberForm()
    if form.validate_on_submit():
        _guard_chief_seat(skill, PanelRole(form.role.data))
        try:
            member, link = add_member(skill, username=form.username.data, name=form.name.data or "",
                                      role=form.role.data)
        except InputRefused as refused:
            return _panel_page(skill, form, [p for p in refused.problems if not _attach(form, p)], [], 422)
        except DomainError as error:  # a Message: the page translates it
            return _panel_page(skill, form, [Problem("", error.args[0])], [], 422)
        if link is None:
            flash(_("%(user)s added to the panel.", user=member.user.label), "info")
            return redirect(url_for("panels.panel", code=code, skill_code=skill_code))
        return _panel_page(skill, AddMemberForm(formdata=None), [], [(member.user.username, link)])
    return _panel_page(skill, form, [], [])


def _attach(form: AddMemberForm, problem: Problem) -> bool:
    field = getattr(form, problem.where, None)
    if field is None:
        return False
    field.errors = list(field.errors) + [problem.message]
    return True


@bp.route("/events/<code>/skills/<skill_code>/panel/role", methods=["POST"])
@allow(*PANEL_EDITORS)
def panel_role(code: str, skill_code: str):
    """Give a panel member another role (same people as the panel page); only organizers move anyone into
    or out of the chief seat, since the chief runs the skill's marking."""
    skill = _editable_skill(code, skill_code)
    form = RoleForm()
    if not form.validate():
        abort(400)
    member = _member(skill, form.member_id.data)
    role = PanelRole(form.role.data)
    _guard_chief_seat(skill, role, member.role)
    back = url_for("panels.panel", code=code, skill_code=skill_code)
    refusals_return_to(back)
    change_role(member, role)
    flash(_("%(user)s is now %(role)s.", user=member.user.label, role=label("panel_role", role)), "info")
    return redirect(back)


@bp.route("/events/<code>/skills/<skill_code>/panel/remove", methods=["POST"])
@allow(*PANEL_EDITORS)
def panel_remove(code: str, skill_code: str):
    """Take a member off a skill's panel (same people as the panel page; the chief seat only by organizers)."""
    skill = _editable_skill(code, skill_code)
    form = RemoveMemberForm()
    if not form.validate():
        abort(400)
    member = _member(skill, form.member_id.data)
    _guard_chief_seat(skill, member.role)
    name = member.user.label
    remove_member(member)
    flash(_("%(user)s removed from the panel.", user=name), "info")
    return redirect(url_for("panels.panel", code=code, skill_code=skill_code))


@bp.route("/events/<code>/judges/import", methods=["GET", "POST"])
@allow(Role.ADMIN, Role.ORGANIZER)
def judges_upload(code: str):
    """The judges file on the web: same parser and checks as ``flask import judges``."""
    event = organized_event(code)
    form = UploadForm()
    problems: list[Problem] = []
    if form.validate_on_submit():
        file = form.file.data
        try:
            result = import_judges(event, read_table(file.read(), file.filename or "", JUDGE_COLUMNS))
        except InputRefused as refused:
            problems = refused.problems
        else:
            return render_template("panels/imported.html", event=event, result=result)
    return render_template("imports/upload.html", form=form, problems=problems,
                           title=_("Import judges into %(code)s", code=event.code), columns=JUDGE_COLUMNS,
                           template_url=url_for("panels.judges_template", code=event.code)), \
        422 if problems else 200


@bp.route("/events/<code>/judges/template.xlsx")
@allow(Role.ADMIN, Role.ORGANIZER)
def judges_template(code: str):
    """An empty judges spreadsheet with the columns the judges upload expects (the event's organizers and admins)."""
    organized_event(code)
    return Response(xlsx_template(JUDGE_COLUMNS),
                    mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": "attachment; filename=judges-template.xlsx"})


@bp.route("/panels")
@allow(Role.EXPERT)
def mine():
    """An expert's panel seats; the chief's seats link to the panel page."""
    return render_template("panels/mine.html", seats=panels_of_user(current_user))
