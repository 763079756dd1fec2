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
from decimal import Decimal
from typing import Annotated, Any

from pydantic import BeforeValidator, ConfigDict, Field, SkipValidation, WithJsonSchema, field_validator
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from app.extensions import db
from app.marking.marksheet import Marksheet, write_mark
from app.marking.models import Mark, MarkSource, TabletWrite
from app.marking.tablet import JudgeDesk
from app.messages import Message, msg, translated
from scoring.inputs import StrictModel, read, refuse
from scoring.marks import CENT

MAX_BATCH = 1000


_TEXTS = ("uuid", "event", "skill", "aspect", "competitor")
_MISSING = ("is required", "must be a non-empty string")  # a text field's problems: "missing or empty"


def _some_text(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        refuse("must be a non-empty string")
    return value


def _client_uuid(value: Any) -> str:
    text = _some_text(value)
    try:
        return str(uuidlib.UUID(text))
    except ValueError:
        refuse("%(value)s is not a UUID", value=repr(text))


def _mark_value(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int | Decimal):
        refuse("value must be a number or a string of one")
    return str(value).strip()


def _base_version(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        refuse("base_version must be a whole number, 0 for a new mark")
    return value


def _uuids(value: Any) -> tuple[str, ...]:
    value = value or []
    if not isinstance(value, list) or not all(isinstance(u, str) for u in value):
        refuse("supersedes must be a list of UUIDs")
    return tuple(value)


class SyncItem(StrictModel):
    """One mark from a tablet's outbox (formats.md, ``POST /api/v1/marks/batch``).

    Keys the API does not know are ignored (a newer tablet may send more), and an item that cannot
    be read is answered ``refused`` on its own, never the whole batch.
    """

    model_config = ConfigDict(extra="ignore")
    null_is_absent = False  # a null base_version is refused, as the API always did

    uuid: Annotated[str, BeforeValidator(_client_uuid)] = Field(
        description="the id the tablet gave this mark, the same on every resend")
    event: Annotated[str, BeforeValidator(_some_text)] = Field(description="the event's code")
    skill: Annotated[str, BeforeValidator(_some_text)] = Field(description="the skill's code")
    aspect: Annotated[str, BeforeValidator(_some_text)] = Field(description="the aspect's id (A1.1)")
    competitor: Annotated[str, BeforeValidator(_some_text)] = Field(description="the competitor's number")
    value: Annotated[str, BeforeValidator(_mark_value), WithJsonSchema({"type": ["string", "number"]})] = Field(
        description="the mark: a plain decimal, as a number or text")
    base_version: Annotated[int, BeforeValidator(_base_version)] = Field(
        0, description="the version of the stored mark the judge changed; 0 when there was none")
    offline: Annotated[bool, BeforeValidator(lambda value: value is True)] = Field(
        False, description="true when the mark was made without a connection")
    supersedes: Annotated[tuple[str, ...], BeforeValidator(_uuids)] = Field(
        (), description="earlier ids of this mark the judge changed again before hearing back")

    @field_validator("event", "skill", "aspect", "competitor", "value")
    @classmethod
    def _trimmed(cls, text: str) -> str:
        return text.strip()


class MarkBatch(StrictModel):
    """The body of ``POST /api/v1/marks/batch``: a tablet's outbox, answered item by item."""

    model_config = ConfigDict(extra="ignore")

    device: Annotated[str | None, BeforeValidator(lambda value: str(value or "")[:120] or None)] = Field(
        None, description="the tablet's name, kept with each mark (first 120 characters)")
    marks: list[SkipValidation[SyncItem]] = Field(
        max_length=MAX_BATCH, description="the marks, each read on its own (a bad one is refused alone)")


def parse_item(raw: object) -> SyncItem | Message:
    """One item of a batch, or why it cannot be read (the tablet drops it as refused): the text
    fields missing or empty, else the first other problem."""
    if not isinstance(raw, dict):
        return msg("a mark must be a JSON object")
    item, found = read(SyncItem, {"value": None} | raw)  # no value: refused like a null one
    if item is not None:
        return item
    missing = [f.where for f in found if f.where in _TEXTS and f.template in _MISSING]
    if missing:
        return msg("missing or empty: %(fields)s", fields=", ".join(missing))
    return msg(found[0].template, **found[0].params)


def refused(item_uuid: str | None, reason: str) -> dict:
    """The answer to an item never storable as sent: the tablet drops it and shows the reason."""
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
