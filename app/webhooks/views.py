"""The webhooks page of an event (its hooks, with their secrets) and the deliveries log.

For the event's organizers and admins only (anyone else: 404 for the event, as elsewhere): a hook's
secret is shown here so the organizer can set up the receiver. Each POST is one transaction: the
service writes and audits, the view commits or rolls back and shows the refusal (post/redirect/get);
a delivery written by "send again" is queued when the commit succeeds (:mod:`app.webhooks.outbox`).
"""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import contains_eager

from app.auth.models import Role
from app.auth.permissions import allow
from app.auth.scope import require
from app.events.models import Event
from app.events.scope import can_organize
from app.events.services import event_by_code
from app.extensions import db
from app.messages import translated
from app.transaction import refusals_return_to
from app.webhooks import services
from app.webhooks.forms import HookForm, TypesForm
from app.webhooks.models import DeliveryStatus, Webhook, WebhookDelivery

bp = Blueprint("webhooks", __name__, url_prefix="/events/<code>/webhooks")
ORGANIZERS = (Role.ADMIN, Role.ORGANIZER)
DELIVERIES_SHOWN = 200


@bp.context_processor
def _helpers() -> dict:
    return {"delivery_status_text": delivery_status_text}


def delivery_status_text(status: DeliveryStatus | str) -> str:
    """The state in the reader's language."""
    return {"pending": _("pending"), "retrying": _("retrying"), "delivered": _("delivered"),
            "failed": _("failed")}.get(str(status), str(status))


def _event(code: str) -> Event:
    event = event_by_code(code)
    require(event is not None and can_organize(current_user, event))
    return event


def _event_hook(code: str, hook_id: int) -> tuple[Event, Webhook]:
    """The event the user organizes and its hook: a hook of another event is refused like a missing one."""
    event = _event(code)
    hook = db.session.get(Webhook, hook_id)
    require(hook is not None and hook.event_id == event.id)
    return event, hook


def _refused(form: TypesForm, event: Event):
    """None when the posted form is valid; else the hooks page, its problems flashed on one line."""
    if form.validate_on_submit():
        return None
    flash("; ".join(f"{field.label.text}: {translated(error)}" for field in form for error in field.errors),
          "error")
    return redirect(url_for("webhooks.index", code=event.code))


def _saved(event: Event, change, done: str):
    """Run the change and say ``done``, back on the hooks page; a refusal is rolled back and shown
    there by the request's transaction boundary (app.transaction)."""
    page = url_for("webhooks.index", code=event.code)
    refusals_return_to(page)
    change()
    flash(done, "success")
    return redirect(page)


@bp.route("")
@allow(*ORGANIZERS)
def index(code: str):
    """The hooks with their secrets, forms to change them, and a form to add one."""
    event = _event(code)
    hooks = services.hooks_of(event)
    return render_template("webhooks/index.html", event=event, hooks=hooks, form=HookForm(formdata=None),
                           types_forms={h.id: TypesForm(formdata=None, types=h.types) for h in hooks})


@bp.route("", methods=["POST"])
@allow(*ORGANIZERS)
def add(code: str):
    """A new hook: URL and types checked by the service, refused with the reason."""
    event = _event(code)
    form = HookForm()
    if (refused := _refused(form, event)) is not None:
        return refused
    return _saved(event, lambda: services.add_hook(event, form.url.data, form.types.data or []),
                  _("Webhook added."))


@bp.route("/<int:hook_id>/types", methods=["POST"])
@allow(*ORGANIZERS)
def change_types(code: str, hook_id: int):
    """The event types one hook receives."""
    event, hook = _event_hook(code, hook_id)
    form = TypesForm()
    if (refused := _refused(form, event)) is not None:
        return refused
    return _saved(event, lambda: services.change_hook(hook, types=form.types.data or []), _("Webhook saved."))


@bp.route("/<int:hook_id>/enabled", methods=["POST"])
@allow(*ORGANIZERS)
def set_enabled(code: str, hook_id: int):
    """Pause a hook (no deliveries) or resume it, keeping its URL and secret."""
    event, hook = _event_hook(code, hook_id)
    enabled = request.form.get("enabled") == "on"
    return _saved(event, lambda: services.change_hook(hook, enabled=enabled),
                  _("Webhook enabled.") if enabled else _("Webhook disabled."))


@bp.route("/<int:hook_id>/secret", methods=["POST"])
@allow(*ORGANIZERS)
def rotate(code: str, hook_id: int):
    """A new secret, for a secret that leaked or a receiver that changed hands."""
    event, hook = _event_hook(code, hook_id)
    return _saved(event, lambda: services.rotate_secret(hook),
                  _("New secret made: update the receiver, deliveries are signed with it from now on."))


@bp.route("/<int:hook_id>/remove", methods=["POST"])
@allow(*ORGANIZERS)
def remove(code: str, hook_id: int):
    """Remove a hook with its deliveries' log."""
    event, hook = _event_hook(code, hook_id)
    return _saved(event, lambda: services.remove_hook(hook), _("Webhook removed."))


@bp.route("/deliveries")
@allow(*ORGANIZERS)
def deliveries(code: str):
    """The newest deliveries of every hook of the event, with their last answers."""
    event = _event(code)
    shown = db.session.scalars(
        select(WebhookDelivery).join(Webhook).options(contains_eager(WebhookDelivery.webhook))
        .where(Webhook.event_id == event.id)
        .order_by(WebhookDelivery.created_at.desc(), WebhookDelivery.id.desc()).limit(DELIVERIES_SHOWN)).all()
    return render_template("webhooks/deliveries.html", event=event, deliveries=shown, limit=DELIVERIES_SHOWN)


@bp.route("/deliveries/<delivery_uuid>/again", methods=["POST"])
@allow(*ORGANIZERS)
def send_again(code: str, delivery_uuid: str):
    """The same body again, as a new delivery: for a receiver that failed or lost it."""
    event = _event(code)
    delivery = db.session.scalar(select(WebhookDelivery).where(WebhookDelivery.uuid == delivery_uuid))
    require(delivery is not None and delivery.webhook.event_id == event.id)
    page = url_for("webhooks.deliveries", code=event.code)
    refusals_return_to(page)
    services.send_again(delivery)
    flash(_("Delivery queued again."), "success")
    return redirect(page)
