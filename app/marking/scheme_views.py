"""A skill's marking-scheme page: summary, sections against their weights, the full scheme as the
judges read it, the upload, and the JSON and CIS downloads.

Who: the event's organizers (and admins) and every member of the skill's panel — supervisors
included, they read everything — may read the scheme and download it; anyone else gets 404, which
does not confirm the skill exists. Organizers and the skill's chief expert may upload; the chief
does so as chief expert, so once marking has started only the chief can still change the wording
(:func:`app.marking.schemes.save_scheme`). Other panel members posting get 403.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from io import BytesIO

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from app.auth.models import Role
from app.auth.permissions import allow
from app.auth.scope import require
from app.auth.services import user_by_name
from app.errors import DomainError, InputRefused, Problem
from app.events.models import Skill
from app.events.panels import is_chief, member_of
from app.events.scope import can_organize
from app.events.services import event_by_code
from app.extensions import db
from app.marking.models import SchemeSource
from app.marking.scheme_forms import SchemeUploadForm
from app.marking.schemes import (
    has_marks,
    load_scheme,
    read_scheme_file,
    save_scheme,
    scheme_document,
    scheme_xlsx,
)
from scoring.marks import Scheme

bp = Blueprint("schemes", __name__)
READERS = (Role.ADMIN, Role.ORGANIZER, Role.EXPERT)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class CriterionLine:
    """One row of the summary table."""

    code: str
    name: str
    total: Decimal
    sub_criteria: int
    measurement: int
    judgement: int


@dataclass(frozen=True)
class SectionLine:
    """A standards section beside the marks the scheme gives it; ``beyond`` the event's tolerance."""

    section: str
    name: str
    weight: Decimal
    marks: Decimal
    variation: Decimal
    beyond: bool


def _readable_skill(code: str, skill_code: str) -> Skill:
    """The skill when the user organizes its event or sits on its panel; 404 otherwise."""
    event = event_by_code(code)
    skill = event.skill(skill_code) if event else None
    require(skill is not None and _reads(skill))
    return skill


def _reads(skill: Skill) -> bool:
    """The event's organizers (and admins) and every panel member, supervisors included."""
    return can_organize(current_user, skill.event) or member_of(skill, current_user) is not None


def _upload_role(skill: Skill) -> bool | None:
    """``by_chief_expert`` for a user who may upload, ``None`` for one who may only read."""
    if can_organize(current_user, skill.event):
        return False
    return True if is_chief(current_user, skill) else None


def _stored_scheme(skill: Skill) -> Scheme:
    """A download of a skill without a scheme is 404: there is nothing to send."""
    scheme = load_scheme(skill)
    require(scheme is not None)
    return scheme


def criterion_lines(scheme: Scheme) -> list[CriterionLine]:
    """Per criterion its marks and its counts, to check a file against the Technical Description."""
    lines = []
    for c in scheme.criteria:
        aspects = list(c.aspects())
        judged = sum(1 for a in aspects if a.is_judgement)
        lines.append(CriterionLine(c.code, c.name, c.max_total, len(c.sub_criteria),
                                   measurement=len(aspects) - judged, judgement=judged))
    return lines


def section_lines(scheme: Scheme, tolerance: Decimal) -> list[SectionLine]:
    """Checked again on every view: the event's tolerance may have been narrowed since the import."""
    marks = scheme.section_marks()
    return [SectionLine(s.section, s.name, s.weight, marks[s.section], marks[s.section] - s.weight,
                        abs(marks[s.section] - s.weight) > tolerance) for s in scheme.standards]


def _actor_label(actor: str) -> str:
    """An audit actor (``user:wang``) as the account's display label; CLI actors stay as written."""
    user = user_by_name(actor.removeprefix("user:")) if actor.startswith("user:") else None
    return user.label if user is not None else actor


def _summary(skill: Skill, scheme: Scheme) -> dict:
    """What the summary shows beside the scheme itself: counts, sections and where it came from."""
    source = db.session.scalar(select(SchemeSource).where(SchemeSource.skill_id == skill.id))
    tolerance = skill.event.section_tolerance
    return {"criteria": criterion_lines(scheme), "sections": section_lines(scheme, tolerance),
            "tolerance": tolerance, "section_names": {s.section: s.name for s in scheme.standards},
            "source": source, "imported_by": _actor_label(source.imported_by) if source else ""}


def _page(skill: Skill, form: SchemeUploadForm | None, problems: list[Problem], by_chief: bool | None,
          status: int = 200):
    scheme = load_scheme(skill)
    return render_template("schemes/scheme.html", event=skill.event, skill=skill, scheme=scheme, form=form,
                           problems=problems, frozen=has_marks(skill), chief_uploads=by_chief is True,
                           **(_summary(skill, scheme) if scheme else {})), status


def _saved_message(outcome: str, filename: str) -> str:
    if outcome == "created":
        return _("Marking scheme imported from %(file)s.", file=filename)
    if outcome == "replaced":
        return _("Marking scheme replaced by %(file)s.", file=filename)
    return _("Wording of the marking scheme updated from %(file)s.", file=filename)


@bp.route("/events/<code>/skills/<skill_code>/scheme", methods=["GET", "POST"])
@allow(*READERS)
def scheme(code: str, skill_code: str):
    """The marking-scheme page of a skill (organizers, admins and its panel), and the upload for organizers
    and the chief expert; other panel members posting get 403."""
    skill = _readable_skill(code, skill_code)
    by_chief = _upload_role(skill)
    if by_chief is None:
        if request.method == "POST":
            abort(403)
        return _page(skill, None, [], None)
    form = SchemeUploadForm()
    if form.validate_on_submit():
        file = form.file.data
        try:
            source = read_scheme_file(file.read(), file.filename or "",
                                      section_tolerance=skill.event.section_tolerance)
            outcome = save_scheme(skill, source, by_chief_expert=by_chief)
        except InputRefused as refused:  # shown on the page: the request rolls back
            return _page(skill, form, refused.problems, by_chief, 422)
        except DomainError as error:
            form.file.errors = [error.args[0]]  # a Message: the field macro translates it
            return _page(skill, form, [], by_chief, 422)
        flash(_saved_message(outcome, file.filename or ""), "info")
        return redirect(url_for("schemes.scheme", code=code, skill_code=skill_code))
    return _page(skill, form, [], by_chief)


def _download_name(skill: Skill, extension: str) -> str:
    return f"{skill.event.code}-{skill.code}-scheme.{extension}"


@bp.route("/events/<code>/skills/<skill_code>/scheme.json")
@allow(*READERS)
def scheme_json(code: str, skill_code: str):
    """The stored scheme as the JSON of formats.md (same readers as the page); the upload reads it back."""
    skill = _readable_skill(code, skill_code)
    body = json.dumps(scheme_document(_stored_scheme(skill)), ensure_ascii=False, indent=2).encode("utf-8")
    return send_file(BytesIO(body), mimetype="application/json", as_attachment=True,
                     download_name=_download_name(skill, "json"))


@bp.route("/events/<code>/skills/<skill_code>/scheme.xlsx")
@allow(*READERS)
def scheme_cis(code: str, skill_code: str):
    """The stored scheme as a CIS spreadsheet, in the layout of the imported sheet when it came from one
    (same readers as the page)."""
    skill = _readable_skill(code, skill_code)
    return send_file(BytesIO(scheme_xlsx(skill, _stored_scheme(skill))), mimetype=XLSX, as_attachment=True,
                     download_name=_download_name(skill, "xlsx"))
