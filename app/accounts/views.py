"""Accounts on the web: the accounts page of admins and organizers, the claim codes of a unit's
contestants, and ``/claim`` where a contestant gets their account.

Who may touch which account is :mod:`app.accounts.services` (checked on every post, whatever the page
showed); the row a button acts on travels as an id in the form, never in the URL, and an id outside
the user's reach answers 404. A new one-time link is shown once, on the page the post answers with
(not stored in the session), with a button that copies it for a messaging app.
"""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from app.accounts import claims
from app.accounts import services as accounts
from app.auth import sessions
from app.auth.forms import AccountActionForm, ClaimForm, NewAccountForm
from app.auth.models import Role, User
from app.auth.permissions import allow, allow_public
from app.auth.scope import manageable_unit_ids, require
from app.auth.services import AuthError, Throttled
from app.events.models import Registration, RegistrationStatus
from app.events.scope import can_organize
from app.extensions import db
from app.i18n import LABELS
from app.messages import translated
from app.transaction import keep_refused_attempt, refusals_return_to

bp = Blueprint("accounts", __name__)
MANAGERS = (Role.ADMIN, Role.ORGANIZER)
CODE_KEEPERS = (Role.ADMIN, Role.ORGANIZER, Role.UNIT_ADMIN)


def _new_account_form(formdata=None) -> NewAccountForm:
    form = NewAccountForm(formdata=formdata) if formdata is not None else NewAccountForm(formdata=None)
    form.role.choices = [(r.value, LABELS["role"][r.value]) for r in accounts.CREATABLE[current_user.role]]
    units = [(u.code, f"{u.code} {u.name}") for u in accounts.assignable_units(current_user)]
    form.unit_code.choices = units if current_user.role == Role.ORGANIZER else [("", "—"), *units]
    return form


def _page(form: NewAccountForm | None = None, link: tuple[str, str] | None = None, status: int = 200):
    return render_template("accounts/index.html", form=form or _new_account_form(), link=link,
                           users=accounts.managed_accounts(current_user), waiting=accounts.waiting(current_user),
                           action=AccountActionForm(formdata=None)), status


@bp.route("/accounts")
@allow(*MANAGERS)
def index():
    """The accounts page of admins and organizers: the accounts they manage, who in their events still
    waits for one (entrants without an account, experts who never logged in), and the form for a new one."""
    return _page()


@bp.route("/accounts/new", methods=["POST"])
@allow(*MANAGERS)
def create():
    """Create an account (admins and organizers, only roles and units they may give) and show its one-time
    login link once; a taken or malformed username goes back to the form with a 400."""
    form = _new_account_form(request.form)
    if not form.validate():
        return _page(form, status=400)
    try:
        user, link = accounts.create_account(current_user, form.username.data.strip(),
                                             form.display_name.data.strip(), Role(form.role.data),
                                             form.unit_code.data or None)
    except AuthError as error:
        form.username.errors.append(translated(error.args[0]))
        return _page(form, status=400)
    flash(_("Account %(user)s created.", user=user.username), "info")
    return _page(link=(user.username, link))


def _posted_target(model: type[User] | type[Registration]) -> User | Registration | None:
    """The row the action form names (400 when the form is not valid), or None when there is none:
    the caller decides who may act on it."""
    form = AccountActionForm()
    if not form.validate():
        abort(400)
    return db.session.get(model, form.target.data)


def _target_user() -> User:
    user = _posted_target(User)
    require(user is not None and accounts.can_manage(current_user, user))
    return user


@bp.route("/accounts/disable", methods=["POST"])
@allow(*MANAGERS)
def disable():
    """Disable an account the user manages, so it can no longer log in; the account and its history are kept."""
    user = _set_target_active(False)
    flash(_("Account %(user)s disabled: it can no longer log in.", user=user.username), "info")
    return redirect(url_for("accounts.index"))


@bp.route("/accounts/enable", methods=["POST"])
@allow(*MANAGERS)
def enable():
    """Let a disabled account the user manages log in again."""
    user = _set_target_active(True)
    flash(_("Account %(user)s enabled again.", user=user.username), "info")
    return redirect(url_for("accounts.index"))


def _set_target_active(active: bool) -> User:
    """Disable and enable differ only in the flag and their message: one place checks and changes it."""
    user = _target_user()
    accounts.set_active(current_user, user, active)
    return user


@bp.route("/accounts/link", methods=["POST"])
@allow(*MANAGERS)
def link():
    """Issue a new one-time login link for an account the user manages (earlier unused links stop working),
    shown once on the answer page so that it is never stored."""
    user = _target_user()
    refusals_return_to(url_for("accounts.index"))
    url = accounts.issue_link(current_user, user)
    return _page(link=(user.username, url))


def _target_registration() -> Registration:
    registration = _posted_target(Registration)
    require(registration is not None)
    return registration


@bp.route("/accounts/from-entry", methods=["POST"])
@allow(*MANAGERS)
def from_entry():
    """Create a contestant account for an approved entry of an event the organizer organizes, and show its
    login link once (the organizer's way, next to the contestant's own claim code)."""
    registration = _target_registration()
    require(can_organize(current_user, registration.event))
    refusals_return_to(url_for("accounts.index"))
    user, url = accounts.account_for_entry(current_user, registration)
    flash(_("Account %(user)s created.", user=user.username), "info")
    return _page(link=(user.username, url))


# --- claim codes ---------------------------------------------------------------------------------

def _code_registrations():
    """Approved entries of the user's unit tree whose person has no account yet."""
    query = select(Registration).where(
        Registration.status == RegistrationStatus.APPROVED,
        Registration.person_id.not_in(select(User.person_id).where(User.person_id.is_not(None))))
    units = manageable_unit_ids(current_user)
    if units is not None:
        query = query.where(Registration.unit_id.in_(units))
    return query


@bp.route("/accounts/claim-codes")
@allow(*CODE_KEEPERS)
def claim_codes():
    """A code is made the first time it is shown or printed (and audited then)."""
    found = sorted(db.session.scalars(_code_registrations()),
                   key=lambda r: (r.event.code, r.skill.code, r.contestant_no))
    rows = [(r, claims.code_of(claims.claim_code(r))) for r in found[:accounts.LISTED]]
    return render_template("accounts/claim_codes.html", rows=rows, more=max(0, len(found) - accounts.LISTED),
                           action=AccountActionForm(formdata=None))


@bp.route("/accounts/claim-codes/regenerate", methods=["POST"])
@allow(*CODE_KEEPERS)
def regenerate_code():
    """Replace the claim code of an entry in the user's reach (a lost or leaked slip); the old code stops
    working at once."""
    registration = _target_registration()
    require(db.session.scalar(_code_registrations().where(Registration.id == registration.id)) is not None)
    claims.regenerate(registration)
    flash(_("New claim code for %(bib)s: the old one no longer works.", bib=registration.contestant_no), "info")
    return redirect(url_for("accounts.claim_codes") + f"#entry-{registration.id}")


# --- the contestant's claim ----------------------------------------------------------------------

@bp.route("/claim", methods=["GET", "POST"])
@allow_public
def claim():
    """Public page where a contestant turns the claim code on their slip, bib and ID number into an account.
    Wrong codes count towards the address's limit (429 once exceeded) so codes cannot be guessed."""
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = ClaimForm()
    status = 200
    if form.validate_on_submit():
        try:
            user = claims.claim(form.bib.data, form.id_number.data, form.code.data, request.remote_addr or "?",
                                username=form.username.data.strip(), password=form.password.data)
        except Throttled as error:
            keep_refused_attempt()
            flash(translated(error.args[0]), "error")
            status = 429
        except claims.ClaimRefused as error:
            keep_refused_attempt()  # a wrong code counts towards the address's limit
            flash(translated(error.args[0]), "error")
            status = 400
        except AuthError as error:  # username taken or malformed: rolled back, the code stays unused
            form.username.errors.append(translated(error.args[0]))
            status = 400
        else:
            sessions.begin(user)
            flash(_("Your account %(user)s is ready.", user=user.username), "info")
            return redirect(url_for("main.home"))
    elif request.method == "POST":
        status = 400
    return render_template("accounts/claim.html", form=form), status
