"""Webhook deliveries on the task queue, retried with backoff."""
from __future__ import annotations

from huey.exceptions import RetryTask

from app.queue import huey, task_context


@huey.task()
def deliver_webhook(delivery_uuid: str) -> None:
    """One attempt; a failed one comes back after its backoff (the delivery row counts the attempts)."""
    from app.webhooks.delivery import attempt
    with task_context():
        retry_in = attempt(delivery_uuid)
    if retry_in is not None:
        raise RetryTask(delay=retry_in)
