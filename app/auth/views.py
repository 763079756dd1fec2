"""Login, logout (here or everywhere), one-time login links, password change and the language switch.

Failed logins are limited per username in the database (:func:`app.auth.services.authenticate`) and
per client address by the rate limiter, with a limit a whole venue behind one address stays under.
"""
from __future__ import annotations

from urllib.parse import urlparse

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app import audit, clock
from app.auth import sessions
from app.auth.forms import LoginForm, SetPasswordForm
from app.auth.permissions import allow_authenticated, allow_public
from app.auth.services import AuthError, Throttled, authenticate, redeem_link
from app.extensions import limiter
from app.ratelimit import client_address, failed_login, login_failures_per_address
from app.signals import open_self_registrations
from app.transaction import keep_refused_attempt

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str:
    """Only same-site paths: an open redirect would let a phishing link borrow our login page."""
    if target and target.startswith("/") and not target.startswith("//") and not urlparse(target).netloc:
        return target
    return url_for("main.home")


def _too_many_failures(_limit=None):
    flash(_("Too many failed logins. Wait 15 minutes and try again."), "error")
    return current_app.make_response(
        (render_template("auth/login.html", form=LoginForm(), open_events=_self_registration()), 429))


@bp.route("/login", methods=["GET", "POST"])
@allow_public
@limiter.limit(login_failures_per_address, key_func=client_address, methods=["POST"],
               deduct_when=failed_login, on_breach=_too_many_failures)
def login():
    """The login page, open to all: a wrong password counts towards the username's limit and the address's
    (429 once either is exceeded), and the page lists open self-registrations for contestants without an account."""
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        try:
            user = authenticate(form.username.data.strip(), form.password.data, client_address())
        except Throttled:
            return _too_many_failures()
        if user is not None:
            sessions.begin(user)
            return redirect(_safe_next(request.args.get("next")))
        keep_refused_attempt()  # the failure counts towards the username's limit
        flash(_("Wrong username or password."), "error")
        status = 401
    return render_template("auth/login.html", form=form, open_events=_self_registration()), status


def _self_registration():
    """Where a contestant without an account lands: events taking self-registrations today, as the
    events feature answers (app.signals.open_self_registrations)."""
    answers = open_self_registrations.send(None, today=clock.today())
    return [event for _receiver, events in answers for event in events or []]


@bp.route("/logout", methods=["POST"])
@allow_authenticated
def logout():
    """End this session only (any signed-in user); other devices stay logged in."""
    sessions.end()
    return redirect(url_for("auth.login"))


@bp.route("/logout/everywhere", methods=["POST"])
@allow_authenticated
def logout_everywhere():
    """For a lost tablet or a shared computer: every session of the account ends, this one too."""
    user = current_user._get_current_object()
    sessions.end_all(user)
    audit.record("user.logout_everywhere", "user", user.username)
    sessions.end()
    flash(_("You are logged out on every device."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/login/link/<token>")
@allow_public
def login_link(token: str):
    """Redeem a one-time login link from an organizer (public, the token is the proof) and send the new user
    to choose a password; an unknown, used or expired link answers 404."""
    try:
        user = redeem_link(token)
    except AuthError:
        message = _("This login link is unknown, used or expired. Ask the organizer for a new one.")
        return render_template("error.html", status=404, title=_("Link not valid"), message=message), 404
    sessions.begin(user)
    flash(_("Welcome. Please choose a password for your next logins."), "info")
    return redirect(url_for("auth.password"))


@bp.route("/password", methods=["GET", "POST"])
@allow_authenticated
def password():
    """Set a new password (any signed-in user); every other session of the account ends, so a copied cookie
    or a forgotten device must log in again with it."""
    form = SetPasswordForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        user.set_password(form.password.data)
        audit.record("user.password", "user", user.username)
        # Whoever holds an older cookie (a copy, another device) must log in with the new password.
        sessions.end_all(user)
        sessions.begin(user)
        flash(_("Password saved. Other devices logged in to this account must log in again."), "info")
        return redirect(url_for("main.home"))
    return render_template("auth/password.html", form=form)


@bp.route("/lang/<code>")
@allow_public
def set_language(code: str):
    """Switch the interface language (open to all, before login too) and go back to the same-site page given
    in ``next``."""
    from app.i18n import remember_language
    return remember_language(redirect(_safe_next(request.args.get("next"))), code)
