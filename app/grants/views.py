"""The grants pages: the rule sets (and uploading one), an organizer's page per rule set (compute,
review, fill in manual amounts, approve, budget, export) and a unit's read-only view of what it is
owed and why.

Who (checked here, on top of the role table):

- **Rule sets** are listed and uploaded by organizers and admins: a rule set is province-wide data,
  like the shipped files, and every import is audited by :func:`app.rulesets.import_rule_set`.
- **The grants page** (``/grants/<policy>``) is the organizers' and admins'. Its scope is a rule set
  with a year, an event and a unit (the jurisdiction); an organizer's unit is always one of their
  own tree and defaults to their own unit, so they compute, see, fill in and approve only lines
  whose unit is in their tree. A unit outside the tree is answered like an unknown one (a message,
  no lines), which does not confirm it exists; a line id outside the scope in a post is 404.
- **Budgets** are per rule set and year (:mod:`app.grants.budgets`), set by organizers and admins;
  the page compares it with the computed and approved totals *of the scope shown*, labelled so.
- **What a unit is owed** (``/grants/owed``) is for unit admins, organizers and admins, for a unit of
  their tree (default their own): the stored ledger lines of that unit and the units below it, per
  rule set, read only. It shows what the organizers computed; it never computes itself.

Every change is one transaction (the service writes and audits, the request commits, or rolls back and
shows the refusal) and answers with a redirect back to the page and its filters (post/redirect/get);
the rule-set upload answers with the page itself, to list a refused file's problems.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from decimal import Decimal
from typing import Any

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup, escape
from sqlalchemy import select

from app import clock
from app.auth.models import Role
from app.auth.permissions import allow
from app.auth.scope import manageable_unit_ids
from app.errors import DomainError, InputRefused, Problem
from app.events.models import Event
from app.extensions import db
from app.form_problems import valid_or_flashed
from app.grants.budgets import budget, set_budget
from app.grants.forms import AmountForm, ApproveForm, BudgetForm, ComputeForm
from app.grants.models import PERSON, LedgerLine, LineStatus
from app.grants.services import (
    LedgerError,
    Scope,
    Totals,
    approve,
    export_bytes,
    fill_amount,
    grant_rule_set,
    ledger,
    lines_by_id,
    not_computed_messages,
    recompute,
    totals,
)
from app.messages import msg, translated
from app.numbers import NotANumber, parse_whole
from app.people.idcard import mask
from app.rulesets import GRANTS, import_rule_set, rule_sets
from app.transaction import refusals_return_to
from app.units.models import Unit
from app.upload_form import UploadForm
from scoring import grants

bp = Blueprint("grants", __name__, url_prefix="/grants")

MANAGERS = (Role.ADMIN, Role.ORGANIZER)
OWED_READERS = (Role.ADMIN, Role.ORGANIZER, Role.UNIT_ADMIN)
FORMATS = {"csv": "text/csv; charset=utf-8",
           "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
STATUS_LABELS = {LineStatus.COMPUTED: _l("computed"), LineStatus.APPROVED: _l("approved"),
                 LineStatus.CHANGED: _l("changed")}
CODE_LENGTH = 40
ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Filters:
    """The page's scope and status filter, read from the query string (posts keep it too)."""

    year: int | None
    event: str | None
    unit: str | None
    status: LineStatus | None

    def args(self) -> dict[str, Any]:
        """The query string that shows this page again (``year=all``: every year)."""
        found = {k: (v.value if isinstance(v, LineStatus) else v) for k, v in asdict(self).items()
                 if v is not None}
        return {"year": "all", **found}

    def scope(self, policy: str) -> Scope:
        return Scope(policy, year=self.year, event=self.event, unit=self.unit)


def payee_shown(payee: str) -> str:
    """A totals row's payee as a page shows it: a person's ID number masked (grants.md)."""
    return PERSON + mask(payee.removeprefix(PERSON)) if payee.startswith(PERSON) else payee


def breakable(code: str) -> Markup:
    """A rule id that may wrap after its underscores (``provincial_class1_organizing``) on a narrow
    screen, instead of widening the table or breaking mid-word."""
    return Markup(escape(code).replace("_", Markup("_<wbr>")))


@bp.app_template_filter("breakable")
def _breakable(code: str) -> Markup:
    return breakable(code)


# --- reading the request --------------------------------------------------------------------------

def _policy(policy: str) -> grants.RuleSet:
    try:
        return grant_rule_set(policy)
    except LedgerError:
        abort(404)


def _own_unit_code() -> str | None:
    """The user's own unit (the default jurisdiction); 404 for a non-admin without one."""
    if current_user.role == Role.ADMIN:
        return None
    if current_user.unit_id is None:
        abort(404)
    return db.session.get(Unit, current_user.unit_id).code


def _in_reach(code: str) -> bool:
    """An existing unit of the user's tree (any unit for an admin)."""
    unit_id = db.session.scalar(select(Unit.id).where(Unit.code == code))
    if unit_id is None:
        return False
    ids = manageable_unit_ids(current_user)
    return ids is None or unit_id in ids


def _text(name: str) -> str | None:
    value = (request.args.get(name) or "").strip()
    return value[:CODE_LENGTH] or None


def _filters(*, with_status: bool = True) -> tuple[Filters, list[str]]:
    """The filters and what was wrong with them (shown on the page; a bad filter is dropped, an
    unknown or foreign unit leaves the page without lines)."""
    notes: list[str] = []
    year: int | None = clock.today().year
    raw_year = request.args.get("year")
    if raw_year is not None:
        if raw_year.strip() in ("", "all"):
            year = None
        else:
            try:
                year = parse_whole(raw_year, digits=4) if len(raw_year.strip()) == 4 else None
            except NotANumber:
                year = None
            if year is None:
                notes.append(_("The year must be 4 digits; showing every year."))
    status = None
    raw_status = request.args.get("status")
    if with_status and raw_status:
        try:
            status = LineStatus(raw_status)
        except ValueError:
            notes.append(_("Unknown status %(status)s; showing every status.",
                           status=raw_status[:CODE_LENGTH]))
    unit = _text("unit") or _own_unit_code()
    return Filters(year, _text("event"), unit, status), notes


def _scope_problem(filters: Filters) -> str | None:
    """Why the filters name no scope the user may see, or ``None``."""
    if filters.unit is not None and not _in_reach(filters.unit):
        return translated(msg("unknown unit %(code)s", code=filters.unit))
    return None


def _acting_scope(policy: str) -> tuple[Filters, Scope]:
    """For a post: the scope of the page it came from; 404 when it is outside the user's reach."""
    _policy(policy)
    filters, _notes = _filters()
    if _scope_problem(filters):
        abort(404)
    return filters, filters.scope(policy)


def _back(policy: str, filters: Filters):
    return redirect(_back_url(policy, filters))


def _back_url(policy: str, filters: Filters) -> str:
    return url_for("grants.policy_page", policy=policy, **filters.args())


# --- rule sets ------------------------------------------------------------------------------------

def _rule_amount(rule: grants.Rule) -> tuple[str, Decimal | None]:
    """``("amount", x)``, ``("manual", cap)`` or ``("table", None)`` (rates, awards: see the source)."""
    manual, cap = rule.spec.manual_cap()
    amount = getattr(rule.spec, "amount", None)
    if isinstance(amount, Decimal):
        return "amount", amount
    if manual:
        return "manual", cap
    return "table", None


def _render_rule_sets(problems: list[Problem] | None = None, status: int = 200):
    listed = []
    for info in rule_sets(GRANTS):
        read = grant_rule_set(info.code)
        listed.append((info, [(rule, *_rule_amount(rule)) for rule in read.rules]))
    return render_template("grants/rule_sets.html", rule_sets=listed, upload_form=UploadForm(formdata=None),
                           problems=problems or []), status


@bp.route("/")
@allow(*MANAGERS)
def rule_sets_page():
    """The grant rule sets with their rules and amounts, and the upload form (organizers and admins)."""
    return _render_rule_sets()


@bp.route("/rule-sets", methods=["POST"])
@allow(*MANAGERS)
def rule_set_upload():
    """A new rule set or version (.toml): every problem listed, nothing saved on refusal."""
    form = UploadForm()
    if not valid_or_flashed(form):
        return redirect(url_for("grants.rule_sets_page"))
    file = form.file.data
    try:
        imported = import_rule_set(file.read(), file.filename or "")
    except InputRefused as refused:
        return _render_rule_sets(refused.problems, 422)  # shown on the page: the request rolls back
    except DomainError as error:
        return _render_rule_sets([Problem("file", error.args[0])], 422)
    if imported.version is None:
        flash(_("%(code)s: this text is the version in force already; nothing was stored.",
                code=imported.code), "info")
    else:
        flash(_("%(code)s version %(version)s imported with %(rules)s rules; it is in force now.",
                code=imported.code, version=imported.in_force, rules=imported.rules), "info")
    return redirect(url_for("grants.rule_sets_page"))


# --- an organizer's page per rule set -------------------------------------------------------------

@dataclass(frozen=True)
class Overview:
    """The budget of the year against the scope's computed and approved totals."""

    budget: Any
    computed: Decimal
    approved: Decimal
    open_manual: int


def _overview(policy: str, filters: Filters, lines: list[LedgerLine]) -> Overview:
    approved = sum((line.amount or ZERO for line in lines if line.approved), ZERO)
    found = totals(lines)
    return Overview(budget(policy, filters.year) if filters.year is not None else None, found.total, approved,
                    found.manual_open)


def _choices(policy: str) -> dict[str, list[Any]]:
    """The filter menus: the years of events, the events, and the units of the user's tree."""
    events = list(db.session.scalars(select(Event).order_by(Event.year.desc(), Event.code)))
    years = sorted({e.year for e in events} | {clock.today().year}, reverse=True)
    ids = manageable_unit_ids(current_user)
    query = select(Unit).order_by(Unit.code)
    units = [u for u in db.session.scalars(query) if ids is None or u.id in ids]
    return {"years": years, "events": events, "units": units}


def _shown(policy: str, filters: Filters) -> tuple[list[LedgerLine], list[LedgerLine], str | None]:
    """(all lines of the scope, the lines shown under the status filter, why there are none)."""
    problem = _scope_problem(filters)
    if problem:
        return [], [], problem
    try:
        lines = ledger(filters.scope(policy))
    except LedgerError as error:
        return [], [], translated(error.args[0])
    shown = [line for line in lines if filters.status is None or line.status == filters.status]
    return lines, shown, None


@bp.route("/<policy>")
@allow(*MANAGERS)
def policy_page(policy: str):
    """An organizer's grants page for one rule set (organizers and admins), within the scope of the filters
    (year, event, unit of their own tree): the ledger lines, totals against the year's budget, and the forms."""
    rule_set = _policy(policy)
    filters, notes = _filters()
    lines, shown, problem = _shown(policy, filters)
    found: Totals = totals(shown)
    overview = _overview(policy, filters, lines)
    budget_form = BudgetForm(formdata=None, year=filters.year or clock.today().year,
                             amount=f"{overview.budget.amount:.2f}" if overview.budget else "")
    return render_template("grants/policy.html", rule_set=rule_set, policy=policy, filters=filters,
                           notes=notes, problem=problem, lines=shown, all_count=len(lines), totals=found,
                           overview=overview, choices=_choices(policy),
                           statuses=list(LineStatus), compute_form=ComputeForm(formdata=None),
                           budget_form=budget_form, status_labels=STATUS_LABELS,
                           payee_shown=payee_shown, amount_form=AmountForm(formdata=None),
                           approve_form=ApproveForm(formdata=None))


@bp.route("/<policy>/compute", methods=["POST"])
@allow(*MANAGERS)
def compute_lines(policy: str):
    """Compute the ledger of the scope again from the rule set (organizers and admins, their own tree only);
    approved lines stay frozen, marked changed where the fresh computation disagrees, for a person to review."""
    filters, scope = _acting_scope(policy)
    form = ComputeForm()
    if not valid_or_flashed(form):
        return _back(policy, filters)
    refusals_return_to(_back_url(policy, filters))
    result = recompute(scope)
    for note in not_computed_messages(result.computation):
        flash(_("Not computed: %(note)s", note=translated(note)), "error")
    flash(_("Computed: %(created)s new, %(updated)s updated, %(removed)s removed, %(changed)s approved "
            "line(s) changed, %(unchanged)s unchanged.", created=result.created, updated=result.updated,
            removed=result.removed, changed=result.changed, unchanged=result.unchanged), "info")
    return _back(policy, filters)


def _lines_in_scope(policy: str, scope: Scope, ids: list[int]) -> list[LedgerLine]:
    """The posted lines, each of the rule set and of the scope the user acts in; 404 otherwise."""
    allowed = {line.id for line in ledger(scope)}
    if not set(ids) <= allowed:
        abort(404)
    found = lines_by_id(policy, ids)
    if len(found) != len(set(ids)):
        abort(404)
    return found


@bp.route("/<policy>/approve", methods=["POST"])
@allow(*MANAGERS)
def approve_lines(policy: str):
    """Approve (freeze) the ticked lines of the scope, all or none (organizers and admins); a manual line
    needs its amount first."""
    filters, scope = _acting_scope(policy)
    form = ApproveForm()
    if not valid_or_flashed(form):
        return _back(policy, filters)
    lines = _lines_in_scope(policy, scope, list(form.lines.data or []))
    refusals_return_to(_back_url(policy, filters))
    approved = approve(lines, by=f"user:{current_user.username}")
    flash(_("%(n)s line(s) approved; they are frozen now.", n=approved), "info")
    return _back(policy, filters)


@bp.route("/<policy>/lines/<int:line_id>/amount", methods=["POST"])
@allow(*MANAGERS)
def line_amount(policy: str, line_id: int):
    """Fill in the amount of a manual line of the scope, not yet approved (organizers and admins)."""
    filters, scope = _acting_scope(policy)
    line = _lines_in_scope(policy, scope, [line_id])[0]
    form = AmountForm()
    if not valid_or_flashed(form):
        return _back(policy, filters)
    refusals_return_to(_back_url(policy, filters))
    fill_amount(line, form.amount.data)
    flash(_("Amount of %(trigger)s saved.", trigger=line.trigger), "info")
    return _back(policy, filters)


@bp.route("/<policy>/budget", methods=["POST"])
@allow(*MANAGERS)
def set_policy_budget(policy: str):
    """Set the rule set's budget for a year (organizers and admins), which the page compares with the totals."""
    filters, _scope = _acting_scope(policy)
    form = BudgetForm()
    if not valid_or_flashed(form):
        return _back(policy, filters)
    refusals_return_to(_back_url(policy, filters))
    row = set_budget(policy, form.year.data, form.amount.data)
    flash(_("Budget of %(policy)s for %(year)s set to %(amount)s yuan.", policy=policy, year=row.year,
            amount=f"{row.amount:,.2f}"), "info")
    return _back(policy, filters)


@bp.route("/<policy>/export.<fmt>")
@allow(*MANAGERS)
def export(policy: str, fmt: str):
    """The lines shown (scope and status filter), as formats.md's CSV or XLSX."""
    _policy(policy)
    if fmt not in FORMATS:
        abort(404)
    filters, _notes = _filters()
    _lines, shown, problem = _shown(policy, filters)
    if problem:
        abort(404)
    parts = ("grants", policy, filters.year or "all", filters.event, filters.unit,
             filters.status and filters.status.value)
    name = "-".join(str(part) for part in parts if part)
    return Response(export_bytes(shown, fmt, title=policy[:31]), mimetype=FORMATS[fmt],
                    headers={"Content-Disposition": f"attachment; filename={name}.{fmt}"})


# --- what a unit is owed --------------------------------------------------------------------------

@bp.route("/owed")
@allow(*OWED_READERS)
def owed():
    """Read only: the stored lines of a unit of the user's tree (and below it), per rule set."""
    filters, notes = _filters(with_status=False)
    problem = _scope_problem(filters)
    groups: list[tuple[Any, list[LedgerLine], Totals]] = []
    if problem is None:
        for info in rule_sets(GRANTS):
            lines = ledger(Scope(info.code, year=filters.year, unit=filters.unit))
            if lines:
                groups.append((info, lines, totals(lines)))
    unit = None if filters.unit is None or problem else db.session.scalar(
        select(Unit).where(Unit.code == filters.unit))
    ids = manageable_unit_ids(current_user)
    units = [u for u in db.session.scalars(select(Unit).order_by(Unit.code)) if ids is None or u.id in ids]
    years = sorted({e for e in db.session.scalars(select(Event.year).distinct())} | {clock.today().year},
                   reverse=True)
    return render_template("grants/owed.html", filters=filters, notes=notes, problem=problem, groups=groups,
                           unit=unit, units=units, years=years, status_labels=STATUS_LABELS)
