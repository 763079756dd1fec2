"""Adding, changing and removing an event's hooks, and sending a delivery again; each audited.

The audit entries never hold a secret (the log is readable by the event's organizers and kept for
good): a rotation says that it happened, not to what.
"""
from __future__ import annotations

from collections.abc import Iterable

from flask import current_app
from sqlalchemy import select

from app import audit, clock
from app.errors import DomainError
from app.events.models import Event
from app.extensions import db
from app.messages import msg
from app.webhooks.addresses import url_problem
from app.webhooks.models import EVENT_TYPES, Webhook, WebhookDelivery
from app.webhooks.outbox import new_delivery
from app.webhooks.signing import new_secret

MAX_HOOKS_PER_EVENT = 20


def hooks_of(event: Event) -> list[Webhook]:
    """The event's hooks in the order they were added (the page's order)."""
    return list(db.session.scalars(select(Webhook).where(Webhook.event_id == event.id).order_by(Webhook.id)))


def _checked_types(types: Iterable[str]) -> list[str]:
    wanted = set(types)
    unknown = sorted(wanted - set(EVENT_TYPES))
    if unknown:
        raise DomainError(msg("unknown webhook event type %(types)s", types=", ".join(unknown)))
    if not wanted:
        raise DomainError(msg("choose at least one event type"))
    return [t for t in EVENT_TYPES if t in wanted]


def _checked_url(url: str) -> str:
    url = url.strip()
    problem = url_problem(url, allow_private=current_app.config["WEBHOOK_ALLOW_PRIVATE_ADDRESSES"])
    if problem is not None:
        raise DomainError(problem)
    return url


def _state(hook: Webhook) -> dict:
    return {"url": hook.url, "types": list(hook.types), "enabled": hook.enabled}


def add_hook(event: Event, url: str, types: Iterable[str]) -> Webhook:
    """A new, enabled hook with a fresh secret."""
    url, types = _checked_url(url), _checked_types(types)
    if len(hooks_of(event)) >= MAX_HOOKS_PER_EVENT:
        raise DomainError(msg("an event has at most %(limit)s webhooks", limit=MAX_HOOKS_PER_EVENT))
    hook = Webhook(event_id=event.id, url=url, secret=new_secret(), types=types, enabled=True, created_at=clock.now())
    db.session.add(hook)
    db.session.flush()
    audit.record("webhook.add", "webhook", hook.id, event_id=event.id, after=_state(hook))
    return hook


def change_hook(hook: Webhook, *, types: Iterable[str] | None = None, enabled: bool | None = None) -> None:
    """Other event types, or enabled/disabled; a disabled hook gets no new deliveries and its pending
    ones fail without a request."""
    before = _state(hook)
    if types is not None:
        hook.types = _checked_types(types)
    if enabled is not None:
        hook.enabled = enabled
    if _state(hook) != before:
        audit.record("webhook.change", "webhook", hook.id, event_id=hook.event_id, before=before, after=_state(hook))


def rotate_secret(hook: Webhook) -> None:
    """A new secret, from the next attempt on (the receiver must switch to it)."""
    hook.secret = new_secret()
    audit.record("webhook.rotate_secret", "webhook", hook.id, event_id=hook.event_id)


def remove_hook(hook: Webhook) -> None:
    """The hook and its deliveries' log go; queued attempts find no row and are dropped."""
    audit.record("webhook.remove", "webhook", hook.id, event_id=hook.event_id, before=_state(hook))
    db.session.delete(hook)


def send_again(delivery: WebhookDelivery) -> WebhookDelivery:
    """A new delivery of the same body (same ``id``) to the same hook, queued after the commit."""
    hook = delivery.webhook
    if not hook.enabled:
        raise DomainError(msg("the webhook is disabled: enable it before sending again"))
    again = new_delivery(db.session, hook, delivery.message_id, delivery.type, delivery.body)
    audit.record("webhook.send_again", "webhook_delivery", delivery.uuid, event_id=hook.event_id,
                 after={"delivery": again.uuid, "type": delivery.type})
    return again
