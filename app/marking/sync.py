"""Marks from tablets: each item of a batch answered on its own (marking.md "Tablets and flaky Wi-Fi").

A tablet keeps every mark in an outbox under a UUID it made, and sends the outbox again and again
until each item has an answer. So an item may arrive twice, late, out of order, or at the same
moment as its own replay, and the answer must be the same each time:

- ``stored``: written (or already equal), with the value and version that now stand;
- ``replayed``: this UUID was stored before; the stored outcome comes back, nothing is written;
- ``conflict``: the tablet's mark was made from a version that is no longer the stored one (another
  tablet, the paper path): nothing is written and both values come back; the judge decides;
- ``refused``: never storable as sent (locked criterion, not the judge's competitor, a value
  the aspect cannot take…), with the reason in the judge's language.

The ledger (:class:`~app.marking.models.TabletWrite`) keeps one row per stored UUID under a unique
key; the mark row's version counter makes the write conditional on the version read. A race on
either raises ``IntegrityError``/``StaleDataError`` at flush; the caller rolls the item back and
asks again (:func:`apply_with_retry`), when the answer is ``replayed`` or ``conflict``.

A judge who changes a mark again before the tablet heard back about the first change sends the
new one with the same base version and ``supersedes`` naming the earlier UUIDs: if one of those
is what the row holds now, the new value follows it instead of conflicting with the judge's own
mark.

Choices where marking.md is silent: an item whose value equals the stored one is ``stored``
whatever its base version (nothing to decide); a base version of 0 means "there was no mark"; a
UUID sent by another account is refused (UUIDs are not guessable, so this is a broken client).
"""
from __future__ import annotations

import uuid as uuidlib
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from app.extensions import db
from app.marking.marksheet import Marksheet, write_mark
from app.marking.models import Mark, MarkSource, TabletWrite
from app.marking.tablet import JudgeDesk
from app.messages import Message, msg, translated
from scoring.marks import CENT

MAX_BATCH = 1000


@dataclass(frozen=True)
class SyncItem:
    uuid: str
    event: str
    skill: str
    aspect: str
    competitor: str
    value: str
    base_version: int
    offline: bool
    supersedes: tuple[str, ...] = ()


def parse_item(raw: object) -> SyncItem | Message:
    """One item of a batch, or why it cannot be read (the tablet drops it as refused)."""
    if not isinstance(raw, dict):
        return msg("a mark must be a JSON object")
    text = {name: raw.get(name) for name in ("uuid", "event", "skill", "aspect", "competitor")}
    missing = [name for name, value in text.items() if not isinstance(value, str) or not value.strip()]
    if missing:
        return msg("missing or empty: %(fields)s", fields=", ".join(missing))
    try:
        client_uuid = str(uuidlib.UUID(text["uuid"]))
    except ValueError:
        return msg("%(value)s is not a UUID", value=repr(text["uuid"]))
    value, base = raw.get("value"), raw.get("base_version", 0)
    if isinstance(value, bool) or not isinstance(value, str | int | Decimal):
        return msg("value must be a number or a string of one")
    if isinstance(base, bool) or not isinstance(base, int) or base < 0:
        return msg("base_version must be a whole number, 0 for a new mark")
    supersedes = raw.get("supersedes") or []
    if not isinstance(supersedes, list) or not all(isinstance(u, str) for u in supersedes):
        return msg("supersedes must be a list of UUIDs")
    return SyncItem(client_uuid, text["event"].strip(), text["skill"].strip(), text["aspect"].strip(),
                    text["competitor"].strip(), str(value).strip(), base, raw.get("offline") is True,
                    tuple(supersedes))


def refused(item_uuid: str | None, reason: str) -> dict:
    return {"uuid": item_uuid, "outcome": "refused", "reason": translated(reason)}


def apply(desk: JudgeDesk, item: SyncItem, device: str | None) -> dict:
    """Answer one item inside the current transaction (the caller commits)."""
    seen = _replayed(item, desk.judge_id)
    if seen is not None:
        return seen
    aspect = desk.aspects.get(item.aspect)
    if aspect is None:
        return refused(item.uuid, msg("no aspect %(code)s in the scheme of %(skill)s", code=item.aspect,
                                      skill=desk.skill_code))
    competitor = desk.competitors.get(item.competitor)
    if competitor is None:
        return refused(item.uuid, msg("%(competitor)s is not a competitor to mark in %(skill)s",
                                      competitor=item.competitor, skill=desk.skill_code))
    value, reason = Marksheet.value_refusal(aspect.pure, item.value)
    reason = desk.refusal(aspect, competitor) or reason
    if reason is None and desk.locked_now(aspect, competitor):
        reason = msg("criterion %(criterion)s is locked; the chief expert must unlock it first",
                     criterion=aspect.criterion)
    if reason is not None or value is None:
        return refused(item.uuid, reason or "")
    target = desk.target(aspect, competitor)
    existing = desk.stored(target, for_update=True)
    if not _current(item, existing) and (existing is None or existing.value != value):
        return _conflict(item, existing)
    _, mark = write_mark(target, existing, value, source=MarkSource.TABLET, offline=item.offline,
                         device=device, client_uuid=item.uuid)
    db.session.flush()
    db.session.add(TabletWrite(client_uuid=item.uuid, user_id=desk.judge_id, skill_id=desk.skill_id,
                               mark_id=mark.id, value=mark.value, version=mark.version, device=device,
                               offline=item.offline))
    db.session.flush()
    return _answer(item.uuid, "stored", mark.value, mark.version)


def apply_with_retry(desk: JudgeDesk, item: SyncItem, device: str | None,
                     commit: Callable[[], None], rollback: Callable[[], None]) -> dict | None:
    """Apply and commit one item; after a lost race, roll back and answer again (now ``replayed``
    or ``conflict``). ``None`` when the item raced twice: the caller ends the batch as busy and
    the tablet sends it again (everything answered so far is committed and will replay)."""
    for _attempt in range(2):
        try:
            answer = apply(desk, item, device)
            commit()
            return answer
        except (IntegrityError, StaleDataError):
            rollback()
    return None


def _current(item: SyncItem, existing: Mark | None) -> bool:
    """Was the tablet's mark made from what is stored now: the version it read, or a write of its
    own that it changed again before hearing back (``supersedes``)?"""
    if existing is None:
        return item.base_version == 0
    return existing.version == item.base_version or (existing.client_uuid or "") in item.supersedes


def _replayed(item: SyncItem, judge_id: int) -> dict | None:
    seen = db.session.scalar(select(TabletWrite).where(TabletWrite.client_uuid == item.uuid))
    if seen is None:
        return None
    if seen.user_id != judge_id:
        return refused(item.uuid, msg("this mark's id was sent by another account"))
    return _answer(item.uuid, "replayed", seen.value, seen.version)


def _conflict(item: SyncItem, existing: Mark | None) -> dict:
    theirs = None if existing is None else {"value": canonical(existing.value), "version": existing.version,
                                            "by": existing.recorded_by, "source": existing.source.value,
                                            "at": existing.recorded_at.isoformat()}
    return {"uuid": item.uuid, "outcome": "conflict",
            "yours": {"value": item.value, "base_version": item.base_version}, "theirs": theirs}


def _answer(item_uuid: str, outcome: str, value: Decimal, version: int) -> dict:
    return {"uuid": item_uuid, "outcome": outcome, "value": canonical(value), "version": version}


def canonical(value: Decimal) -> str:
    """A mark as every answer gives it: in hundredths, as stored (``"3.00"``, never ``"3"``)."""
    return str(value.quantize(CENT))
