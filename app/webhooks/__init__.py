"""Webhooks: an event's organizers register URLs that are told when something happens to the event.

What is sent (``X-Jingsai-*`` headers, the JSON body and its signature) is described in
:mod:`app.webhooks.signing` and the README's "Integrations" section. How a change becomes a delivery:

1. a feature's service changes something (results published or amended, a certificate issued or
   revoked, a promotion approved) and sends its signal (:mod:`app.signals`);
2. :mod:`app.webhooks.receivers` turns the signal into an occurrence with :func:`outbox.emit`;
3. when that transaction commits, :mod:`app.webhooks.outbox` writes one delivery row per enabled hook
   that subscribed to the type, in the same transaction, and after the commit hands the deliveries to
   the task queue: a rolled-back change sends nothing, and the request never waits for a receiver;
4. :func:`app.webhooks.delivery.attempt` posts it, with retries and exponential backoff.
"""
