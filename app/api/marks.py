"""The tablet's JSON API: a judge's desk for one skill, and the batch of marks from the outbox.

``GET /api/v1/tablet/<event>/<skill>`` — the desk (:meth:`app.marking.tablet.JudgeDesk.view`).
``POST /api/v1/marks/batch`` — ``{"device": "…", "marks": [item, …]}`` (:class:`~app.marking.sync.MarkBatch`),
each item ``{"uuid", "event", "skill", "aspect", "competitor", "value", "base_version", "offline",
"supersedes"}`` (:class:`~app.marking.sync.SyncItem`); the answer is ``{"results": [answer, …]}`` in the items' order
(:mod:`app.marking.sync`). A body that is not such a batch is refused whole with 400 and
``{"error": …}`` (also one nested deeper or larger than the JSON limits in config, or with a
number of more than 18 digits); more than 1,000 items, or a body over the size limit, with 413.
Values are plain decimals (ASCII digits, at most 2 decimals, no sign or exponent); each answer
gives a value in hundredths, the same string whether stored now or replayed.

Each item is its own transaction, committed before the next is read: one refused or conflicting
item never undoes another, and a batch holds no lock across items, so tablets cannot deadlock one
another. An item that loses two races in a row ends the batch with 503 and the answers so far; the
tablet sends the rest again.

Who: experts only; a judge reaches only the skills whose panel they mark on (others answer 404
for the desk and ``refused`` per item). Session and CSRF token last a competition day
(:class:`app.config.Config`), so a tablet offline for hours can still send.
"""
from __future__ import annotations

from flask import Blueprint, jsonify, request

from app.api.spec import ErrorBody, documented
from app.api.tablet_schema import BatchAnswer, BusyAnswer, Desk
from app.auth.models import Role
from app.auth.permissions import allow
from app.auth.scope import require
from app.errors import InputRefused
from app.extensions import db
from app.input_limits import InputLimits
from app.json_reader import load_json
from app.marking.sync import MAX_BATCH, MarkBatch, SyncItem, apply_with_retry, parse_item, refused
from app.marking.tablet import JudgeDesk, desk_for
from app.messages import msg
from app.operations.metrics import count_marks
from app.transaction import commit_item
from scoring.inputs import read

bp = Blueprint("api_marks", __name__, url_prefix="/api/v1")


@bp.route("/tablet/<code>/<skill_code>")
@allow(Role.EXPERT)
@documented(answers={200: Desk, 404: ErrorBody}, tags=["tablet"])
def desk(code: str, skill_code: str):
    """A judge's desk for one skill, for the tablet (experts of the skill's panel only, else 404); not cached,
    as it holds the judge's own marks and changes with every save."""
    found = desk_for(code, skill_code)
    require(found is not None)
    response = jsonify(found.view())
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/marks/batch", methods=["POST"])
@allow(Role.EXPERT)
@documented(answers={200: BatchAnswer, 400: ErrorBody, 413: ErrorBody, 503: BusyAnswer}, body=MarkBatch,
            tags=["tablet"])
def batch():
    """Apply a tablet's outbox of marks (experts only), each item its own transaction so one refusal or
    conflict never undoes another; see the module docstring for the answers and limits."""
    limits = InputLimits.from_config()
    if (request.content_length or 0) > limits.json_bytes:
        return jsonify(error=f"the body is larger than the limit of {limits.json_bytes} bytes"), 413
    try:
        body = load_json(request.get_data(cache=False), limits)
    except InputRefused as refusal:
        return jsonify(error=str(refusal)), 400
    marks, _ = read(MarkBatch, body)
    if marks is None:
        if isinstance(body, dict) and isinstance(body.get("marks"), list):  # a list: refused for its length
            return jsonify(error=f"at most {MAX_BATCH} marks in one batch"), 413
        return jsonify(error='expected a JSON object {"marks": [...]}'), 400
    device = marks.device
    desks: dict[tuple[str, str], JudgeDesk | None] = {}
    results = []
    for raw in marks.marks:
        item = parse_item(raw)
        if not isinstance(item, SyncItem):
            results.append(refused(raw.get("uuid") if isinstance(raw, dict) else None, item))
            continue
        key = (item.event, item.skill)
        if key not in desks:
            desks[key] = desk_for(*key, for_view=False)
            _end_transaction()  # reading the desk must not hold the write lock
        found = desks[key]
        if found is None:
            results.append(refused(item.uuid, msg("you do not mark %(skill)s of %(event)s",
                                                  skill=item.skill, event=item.event)))
            continue
        answer = apply_with_retry(found, item, device, _end_transaction, db.session.rollback)
        if answer is None:
            count_marks(results)
            return jsonify(error="busy: send the remaining marks again", results=results), 503
        results.append(answer)
    count_marks(results)
    return jsonify(results=results)


def _end_transaction() -> None:
    """Commit (each item is its own transaction: app.transaction's named exception) and forget every
    loaded object: the desk keeps plain values and each item reads its own rows, so a commit need
    not expire a growing identity map (it cost 6 ms a mark)."""
    db.session.flush()
    db.session.expunge_all()
    commit_item()
