"""Blinker signals through which earlier features tell later ones that something changed.

Senders are the services of the earlier feature; receivers are connected in ``create_app`` so no
import runs against the flow (design.md). Every signal is sent with the event id as sender and
keyword arguments naming what changed.
"""
from blinker import Namespace

_signals = Namespace()

criterion_locked = _signals.signal("criterion_locked")
criterion_unlocked = _signals.signal("criterion_unlocked")
attendance_changed = _signals.signal("attendance_changed")
penalty_changed = _signals.signal("penalty_changed")
result_amended = _signals.signal("result_amended")
"""A final result changed (an amendment, or a reopened criterion locked again): sent once per rebuild
with ``skill_id``, ``competitor_ids`` (the changed lines' lead registrations) and ``reason`` (the
amendment's, as the organizer or arbiter wrote it), which every revocation it causes carries."""
results_published = _signals.signal("results_published")
components_changed = _signals.signal("components_changed")
event_settings_changed = _signals.signal("event_settings_changed")

promotion_approved = _signals.signal("promotion_approved")
"""An organizer approved a promotion that grants a level: sent once per proposal, inside the approving
transaction, with ``proposal_id`` and ``record_id`` (the new :class:`~app.people.models.SkillLevelRecord`).
The certificates feature issues the ``level`` certificate here (and may set the record's
``certificate_no``); promotion itself issues nothing."""

promotion_revoked = _signals.signal("promotion_revoked")
"""An approved promotion was revoked (its final result was amended): sent once per proposal, inside
the amending transaction, with ``proposal_id``, ``person_id``, ``occupation``, ``level`` and
``certificate_no`` of the level record that was deleted and the ``reason`` (the amendment's), so the
certificates feature can revoke the ``level`` certificate with it."""

certificate_issued = _signals.signal("certificate_issued")
"""A certificate got its number: sent inside the issuing transaction with ``certificate_id``."""

certificate_revoked = _signals.signal("certificate_revoked")
"""A certificate was revoked: sent inside the revoking transaction with ``certificate_id`` (its row holds
the reason and, when reissued, the replacing certificate)."""

late_entry_checks = _signals.signal("late_entry_checks")
"""Asked before an organizer approves entries on the web, with ``skill_id``: each receiver returns the
messages (:class:`~app.messages.Message`) saying why an entry approved now comes late (the draw was
made, a criterion is locked), or an empty list. Registration asks; marking answers (it may not be
imported by registration), and the organizer confirms before the entry is approved."""

open_self_registrations = _signals.signal("open_self_registrations")
"""Asked when the login page is drawn, with ``today`` (sender ``None``: no one event): each receiver
returns the events taking self-registrations that day. The login page (auth) asks; events answers
(auth sits below events and may not import it)."""
