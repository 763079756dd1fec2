"""Units: the tree list, create, edit, and the CSV/XLSX upload (same parser as ``import units``)."""
from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from app.auth.models import Role
from app.auth.permissions import allow
from app.auth.scope import can_manage_unit, manageable_unit_ids, require
from app.errors import DomainError, InputRefused
from app.events.forms import UnitForm
from app.extensions import db
from app.tabular import read_table, xlsx_template
from app.units.models import Unit, UnitKind
from app.units.services import UNIT_COLUMNS, import_units, save_unit, unit_by_code
from app.upload_form import UploadForm

bp = Blueprint("units", __name__, url_prefix="/units")
MANAGERS = (Role.ADMIN, Role.ORGANIZER)


def _visible_units() -> list[Unit]:
    ids = manageable_unit_ids(current_user)
    query = select(Unit) if ids is None else select(Unit).where(Unit.id.in_(ids))
    return list(db.session.scalars(query))


def _tree_order(units: list[Unit]) -> list[tuple[Unit, int]]:
    """Depth-first, codes in code-point order, with each unit's depth for indentation."""
    ids = {u.id for u in units}
    children: dict[int | None, list[Unit]] = {}
    for unit in units:
        parent = unit.parent_id if unit.parent_id in ids else None
        children.setdefault(parent, []).append(unit)
    out: list[tuple[Unit, int]] = []

    def walk(parent: int | None, depth: int) -> None:
        for unit in sorted(children.get(parent, []), key=lambda u: u.code):
            out.append((unit, depth))
            walk(unit.id, depth + 1)
    walk(None, 0)
    return out


@bp.route("/")
@allow(*MANAGERS, Role.UNIT_ADMIN)
def index():
    """The unit tree as an indented list: all units for admins, the user's own subtree for organizers and
    unit administrators."""
    return render_template("units/index.html", rows=_tree_order(_visible_units()))


def _parent_choices(unit: Unit | None) -> list[tuple[str, str]]:
    """Units in the user's tree; the current parent stays available even when it lies above it."""
    choices = [("", "—")] if current_user.role == Role.ADMIN else []
    if unit is not None and unit.parent is not None and not can_manage_unit(current_user, unit.parent):
        choices.append((unit.parent.code, f"{unit.parent.code} {unit.parent.name}"))
    for other, depth in _tree_order(_visible_units()):
        if unit is None or other.id != unit.id:
            choices.append((other.code, "\u3000" * depth + f"{other.code} {other.name}"))
    return choices


def _edit(unit: Unit | None):
    form = UnitForm(obj=unit)
    form.parent_code.choices = _parent_choices(unit)
    if unit is not None and not form.is_submitted():
        form.kind.data = unit.kind.value
        form.parent_code.data = unit.parent.code if unit.parent else ""
    if form.validate_on_submit():
        parent = unit_by_code(form.parent_code.data) if form.parent_code.data else None
        unchanged = unit is not None and parent is unit.parent
        require(unchanged or (parent is None and current_user.role == Role.ADMIN)
                or (parent is not None and can_manage_unit(current_user, parent)))
        try:
            saved = save_unit(unit, code=form.code.data.strip(), name=form.name.data.strip(),
                              kind=UnitKind(form.kind.data), parent=parent)
        except DomainError as error:
            form.code.errors.append(error.args[0])  # a Message: the page translates it
            return render_template("units/form.html", form=form, unit=unit), 422  # rolled back
        flash(_("Unit %(code)s saved.", code=saved.code), "info")
        return redirect(url_for("units.index"))
    return render_template("units/form.html", form=form, unit=unit)


@bp.route("/new", methods=["GET", "POST"])
@allow(*MANAGERS)
def create():
    """A new unit (admins anywhere, organizers only below a unit of their own tree; a top-level unit is the
    admins')."""
    return _edit(None)


@bp.route("/<code>/edit", methods=["GET", "POST"])
@allow(*MANAGERS)
def edit(code: str):
    """Edit a unit of the user's tree (admins and organizers); moving it is allowed only under a parent the
    user also manages, so nobody can move a unit out of another's reach."""
    unit = unit_by_code(code)
    require(unit is not None and can_manage_unit(current_user, unit))
    return _edit(unit)


@bp.route("/import", methods=["GET", "POST"])
@allow(Role.ADMIN)
def upload():
    """Whole-tree imports reach outside any one organizer's tree, so they are for admins."""
    form = UploadForm()
    problems = []
    if form.validate_on_submit():
        file = form.file.data
        try:
            result = import_units(read_table(file.read(), file.filename or "", UNIT_COLUMNS))
        except InputRefused as refused:
            problems = refused.problems
        else:
            flash(_("Imported %(n)d units.", n=result.created + result.updated), "info")
            return redirect(url_for("units.index"))
    return render_template("imports/upload.html", form=form, problems=problems, title=_("Import units"),
                           columns=UNIT_COLUMNS, template_url=url_for("units.template")), 422 if problems else 200


@bp.route("/template.xlsx")
@allow(Role.ADMIN)  # the template of the import, which is the admins'
def template():
    """An empty units spreadsheet with the columns the units upload expects (admins, whose import it is)."""
    return Response(xlsx_template(UNIT_COLUMNS),
                    mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": "attachment; filename=units-template.xlsx"})
