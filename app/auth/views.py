"""Login, logout, one-time login links, password change and the language switch."""
from __future__ import annotations

from urllib.parse import urlparse

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from app import audit, clock
from app.auth.forms import LoginForm, SetPasswordForm
from app.auth.permissions import allow_authenticated, allow_public
from app.auth.services import AuthError, Throttled, authenticate, redeem_link
from app.events.self_registration import open_events
from app.extensions import db

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str:
    """Only same-site paths: an open redirect would let a phishing link borrow our login page."""
    if target and target.startswith("/") and not target.startswith("//") and not urlparse(target).netloc:
        return target
    return url_for("main.home")


@bp.route("/login", methods=["GET", "POST"])
@allow_public
def login():
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        try:
            user = authenticate(form.username.data.strip(), form.password.data, request.remote_addr or "?")
        except Throttled:
            db.session.rollback()
            flash(_("Too many failed logins. Wait 15 minutes and try again."), "error")
            return render_template("auth/login.html", form=form, open_events=_self_registration()), 429
        db.session.commit()
        if user is not None:
            login_user(user)
            session.permanent = True
            return redirect(_safe_next(request.args.get("next")))
        flash(_("Wrong username or password."), "error")
        status = 401
    return render_template("auth/login.html", form=form, open_events=_self_registration()), status


def _self_registration():
    """Where a contestant without an account lands: events taking self-registrations today."""
    return open_events(clock.today())


@bp.route("/logout", methods=["POST"])
@allow_authenticated
def logout():
    logout_user()
    return redirect(url_for("auth.login"))


@bp.route("/login/link/<token>")
@allow_public
def login_link(token: str):
    try:
        user = redeem_link(token)
    except AuthError:
        db.session.rollback()
        return render_template("error.html", status=404, title=_("Link not valid"),
                               message=_("This login link is unknown, used or expired. Ask the organizer for a new one.")), 404
    db.session.commit()
    login_user(user)
    flash(_("Welcome. Please choose a password for your next logins."), "info")
    return redirect(url_for("auth.password"))


@bp.route("/password", methods=["GET", "POST"])
@allow_authenticated
def password():
    form = SetPasswordForm()
    if form.validate_on_submit():
        current_user.set_password(form.password.data)
        audit.record("user.password", "user", current_user.username)
        db.session.commit()
        flash(_("Password saved."), "info")
        return redirect(url_for("main.home"))
    return render_template("auth/password.html", form=form)


@bp.route("/lang/<code>")
@allow_public
def set_language(code: str):
    from app.i18n import remember_language
    return remember_language(redirect(_safe_next(request.args.get("next"))), code)
