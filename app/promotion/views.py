"""The organizer's promotion proposals page per event, its decisions and download, and a person's
level history.

Who (on top of the role table): the proposals page and everything on it are for the event's
organizers (``can_organize``: admins, organizers of an organizing unit's tree); anyone else gets
404, which does not confirm the event exists. A person's level history is for admins, organizers
of an event the person was registered in, and the contestant account linked to that person.

Every post is one transaction: the service writes and audits, the view commits, or rolls back and
flashes the refusal, then redirects back to the page with its filters (post/redirect/get).
"""
from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from app.auth.models import Role
from app.auth.permissions import allow
from app.auth.scope import require
from app.events.models import Event, Registration
from app.events.organized import organized_event
from app.events.scope import can_organize
from app.extensions import db
from app.people.models import Person, SkillLevelRecord
from app.promotion.export import export_document, export_table
from app.promotion.forms import ComputeForm, DecideForm
from app.promotion.models import PromotionProposal, ProposalStatus
from app.promotion.services import approve, not_final, proposals_of, propose, reject
from app.tabular import csv_bytes, xlsx_bytes
from app.transaction import refusals_return_to
from scoring.levels import NAMES_ZH

bp = Blueprint("promotion", __name__)
EVENT_URL = "/events/<code>/promotion"
MIMETYPES = {"json": "application/json", "csv": "text/csv; charset=utf-8",
             "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def level_label(code: str | None) -> str:
    """A skill level as the pages show it, its Chinese name with the code (a dash for none)."""
    return "—" if not code else f"{NAMES_ZH.get(code, code)} ({code})"


@bp.app_context_processor
def _helpers() -> dict:
    return {"level_label": level_label}


def _filters(event: Event) -> dict[str, str]:
    skill = request.args.get("skill", "")
    status = request.args.get("status", "")
    return {"skill": skill if event.skill(skill) is not None else "",
            "status": status if status in {s.value for s in ProposalStatus} else ""}


def _back(event: Event, filters: dict[str, str]):
    return redirect(url_for("promotion.page", code=event.code, **{k: v for k, v in filters.items() if v}))


@bp.route(EVENT_URL)
@allow(Role.ADMIN, Role.ORGANIZER)
def page(code: str):
    """The promotion proposals of an event (its organizers and admins), filtered by skill and status, with
    the skills whose results are not final yet."""
    event = organized_event(code)
    filters = _filters(event)
    proposals = proposals_of(event, skill=event.skill(filters["skill"]) if filters["skill"] else None,
                             status=ProposalStatus(filters["status"]) if filters["status"] else None)
    labels = {ProposalStatus.PROPOSED: _("proposed"), ProposalStatus.APPROVED: _("approved"),
              ProposalStatus.REJECTED: _("rejected")}
    return render_template("promotion/proposals.html", event=event, proposals=proposals, filters=filters,
                           here={k: v for k, v in filters.items() if v},
                           statuses=list(ProposalStatus), status_labels=labels, waiting=not_final(event),
                           compute_form=ComputeForm(formdata=None),
                           decide_form=DecideForm(formdata=None))


@bp.route(f"{EVENT_URL}/compute", methods=["POST"])
@allow(Role.ADMIN, Role.ORGANIZER)
def compute(code: str):
    """Compute the proposals of the event's final skills again (its organizers and admins); approved and
    rejected ones are left as decided."""
    event = organized_event(code)
    filters = _filters(event)
    if not ComputeForm().validate_on_submit():
        flash(_("The form could not be read. Reload the page and try again."), "error")
        return _back(event, filters)
    if not_final(event) == sorted(s.code for s in event.skills):  # "nothing final" is on the page already
        return _back(event, filters)
    refusals_return_to(_back(event, filters).location)
    found = propose(event)
    flash(_("Computed %(n)s proposal(s); approved and rejected ones are unchanged.", n=len(found)), "success")
    return _back(event, filters)


@bp.route(f"{EVENT_URL}/decide", methods=["POST"])
@allow(Role.ADMIN, Role.ORGANIZER)
def decide(code: str):
    """Approve or reject the ticked proposals of the event, all or none (its organizers and admins); an
    approval creates the person's skill-level record."""
    event = organized_event(code)
    filters = _filters(event)
    form = DecideForm()
    if not form.validate_on_submit() or form.decision.data not in ("approve", "reject"):
        for errors in form.errors.values():
            for error in errors:
                flash(str(error), "error")
        if not form.errors:
            flash(_("Choose approve or reject."), "error")
        return _back(event, filters)
    ids = sorted(set(form.proposals.data))
    chosen = list(db.session.scalars(select(PromotionProposal).where(
        PromotionProposal.event_id == event.id, PromotionProposal.id.in_(ids))))
    if len(chosen) != len(ids):
        flash(_("Some ticked proposals are not in this event; nothing was decided."), "error")
        return _back(event, filters)
    chosen.sort(key=lambda p: (p.skill.code, p.registration.contestant_no))
    refusals_return_to(_back(event, filters).location)
    if form.decision.data == "approve":
        approve(chosen)
    else:
        reject(chosen, form.reason.data or "")
    if form.decision.data == "approve":
        flash(_("Approved %(n)s promotion(s); the skill-level records were created.", n=len(chosen)), "success")
    else:
        flash(_("Rejected %(n)s proposal(s).", n=len(chosen)), "success")
    return _back(event, filters)


@bp.route(f"{EVENT_URL}/export.<fmt>")
@allow(Role.ADMIN, Role.ORGANIZER)
def export(code: str, fmt: str):
    """Approved promotions for provincial reporting (full ID numbers: the organizers' file)."""
    event = organized_event(code)
    require(fmt in MIMETYPES)
    if fmt == "json":
        import json
        data = json.dumps(export_document(event), ensure_ascii=False, indent=2).encode("utf-8")
    else:
        header, rows = export_table(event)
        data = csv_bytes(header, rows) if fmt == "csv" else xlsx_bytes(header, rows, title=event.code)
    return Response(data, mimetype=MIMETYPES[fmt], headers={
        "Content-Disposition": f'attachment; filename="{event.code}-promotions.{fmt}"'})


def _may_see(person: Person) -> bool:
    if current_user.role == Role.ADMIN:
        return True
    if current_user.role == Role.CONTESTANT:
        return current_user.person_id == person.id
    # ids first: DISTINCT over whole event rows fails on PostgreSQL (no equality for json columns)
    ids = select(Registration.event_id).where(Registration.person_id == person.id)
    events = db.session.scalars(select(Event).where(Event.id.in_(ids)))
    return any(can_organize(current_user, event) for event in events)


@bp.route("/people/<int:person_id>/levels")
@allow(Role.ADMIN, Role.ORGANIZER, Role.CONTESTANT)
def levels(person_id: int):
    """A person's skill-level history with the promotions behind it, for admins, organizers of an event the
    person entered, and the person's own contestant account."""
    person = db.session.get(Person, person_id)
    require(person is not None and _may_see(person))
    records = sorted(db.session.scalars(select(SkillLevelRecord).where(SkillLevelRecord.person_id == person.id)),
                     key=lambda r: (r.obtained_on is None, r.obtained_on, r.id), reverse=True)
    proposals = {p.level_record_id: p for p in db.session.scalars(select(PromotionProposal).where(
        PromotionProposal.person_id == person.id, PromotionProposal.level_record_id.is_not(None)))}
    revoked = list(db.session.scalars(select(PromotionProposal).where(
        PromotionProposal.person_id == person.id, PromotionProposal.revoked_at.is_not(None))))
    return render_template("promotion/levels.html", person=person, records=records, proposals=proposals,
                           revoked=revoked)
