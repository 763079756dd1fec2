"""The account page's API tokens: list, make (shown once) and revoke one's own tokens.

Any signed-in user manages their own tokens only (a token id outside them answers 404). The new
token's secret is shown on the page the post answers with, never stored nor put in the session.
"""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from app.accounts import tokens
from app.auth.forms import AccountActionForm, NewTokenForm
from app.auth.models import TokenScope
from app.auth.permissions import allow_authenticated
from app.auth.scope import require
from app.events.models import Event
from app.extensions import db

bp = Blueprint("tokens", __name__, url_prefix="/account/tokens")


def _form(formdata=None) -> NewTokenForm:
    form = NewTokenForm(formdata=formdata) if formdata is not None else NewTokenForm(formdata=None)
    events = db.session.scalars(select(Event).order_by(Event.starts_on.desc(), Event.code)).all()
    form.event.choices = [("", _("All events")), *((e.code, f"{e.code} {e.name}") for e in events)]
    if formdata is None:
        form.days.data = tokens.DEFAULT_LIFETIME_DAYS
    return form


def _page(form: NewTokenForm | None = None, secret: str | None = None, status: int = 200):
    return render_template("auth/tokens.html", form=form or _form(), secret=secret,
                           tokens=tokens.tokens_of(current_user), works=tokens.works,
                           action=AccountActionForm(formdata=None), max_days=tokens.MAX_LIFETIME_DAYS), status


@bp.route("")
@allow_authenticated
def index():
    """The user's tokens and the form to make one."""
    return _page()


@bp.route("/new", methods=["POST"])
@allow_authenticated
def create():
    """Make a token and show its secret this once; nothing is made when the form is refused."""
    form = _form(request.form)
    valid = form.validate()
    if valid and not 1 <= form.days.data <= tokens.MAX_LIFETIME_DAYS:
        form.days.errors.append(_("A token lives 1 to %(days)s days.", days=tokens.MAX_LIFETIME_DAYS))
        valid = False
    if valid and tokens.count_live(current_user) >= tokens.MAX_TOKENS_PER_USER:
        form.name.errors.append(_("You have %(count)s working tokens: revoke one first.",
                                  count=tokens.MAX_TOKENS_PER_USER))
        valid = False
    if not valid:
        return _page(form, status=400)
    event = db.session.scalar(select(Event).where(Event.code == form.event.data)) if form.event.data else None
    _token, secret = tokens.create(current_user, form.name.data.strip(), TokenScope(form.scope.data), event,
                                   form.days.data)
    return _page(secret=secret)


@bp.route("/revoke", methods=["POST"])
@allow_authenticated
def revoke():
    """Revoke one of the user's own tokens; another user's answers 404, as if it did not exist."""
    form = AccountActionForm()
    if not form.validate():
        abort(400)
    token = tokens.revoke(current_user, form.target.data)
    require(token is not None)
    flash(_("Token %(name)s revoked: it no longer works.", name=token.name), "info")
    return redirect(url_for("tokens.index"))
