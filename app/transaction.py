"""One transaction per web request: it commits once, after the view succeeded, or rolls back.

Views and services never commit (design.md "Transactions, audit, errors"); this boundary, installed
by the application factory, decides at the end of every request (the model is indico's ``RH``):

- a response below 400 commits what the request wrote;
- anything else rolls back: an exception, an error page, and a page that shows a refusal itself
  (the form again, with every problem under its field), which therefore answers 422;
- a :class:`~app.errors.DomainError` that leaves a view is rolled back and shown: a flash per
  problem and a redirect on pages (to where :func:`refusals_return_to` says, else back to the page
  the form came from), ``422 {"error", "problems": [{"where", "message"}]}`` under ``/api/``.

Named exceptions, each saying so where it happens: a refused try that must still count (a failed
login, a wrong claim code, a self-registration over its limit) calls :func:`keep_refused_attempt`,
and the request commits all the same; a request that only reads says so with :func:`reads_first`
(SQLite then lets such requests run side by side), and writes the record it keeps of a try with
:func:`record_apart`; the tablet batch commits each
mark with :func:`commit_item`, so one item never undoes another; an API token's use is committed
before its view by :func:`commit_token_use`. What must wait for the commit
(handing a job to the worker) is given to :func:`after_commit`. Outside web requests, the
certificate job runner commits its progress and the command line has its own ``cli_transaction``.
"""
from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlparse

from flask import Flask, Response, flash, jsonify, redirect, request, url_for
from sqlalchemy.sql import Executable

from app.db import SQLITE_BEGIN
from app.errors import DomainError, InputRefused, Problem, wants_json
from app.extensions import db
from app.messages import translated, translated_where

# Kept in the WSGI environ, which belongs to one request (``g`` may outlive it, as in tests).
_KEEP_KEY, _TARGET_KEY, _HEADING_KEY = "jingsai.keep_refused", "jingsai.refusal_target", "jingsai.refusal_heading"
_AFTER_KEY, _READING_KEY = "jingsai.after_commit", "jingsai.reads_first"


def install(app: Flask) -> None:
    """Register the end of every request and the refusal handler (after the request hooks, so the
    commit happens before they log the response)."""
    app.register_error_handler(DomainError, _refused)
    app.after_request(_end)
    app.teardown_request(_crashed)


def keep_refused_attempt() -> None:
    """This request commits even though it answers a refusal: the try it recorded (a failed login,
    a wrong claim code, a throttled look-up) must count, or the limit on tries would never bite.
    A crash (500) still rolls back."""
    request.environ[_KEEP_KEY] = True


def refusals_return_to(url: str, heading: str | None = None) -> None:
    """Where a refusal of this request is shown (the page a post came from, with its anchor), and
    a line to flash above its problems; unset, it goes back to the referring page of this site."""
    request.environ[_TARGET_KEY] = url
    request.environ[_HEADING_KEY] = heading


def after_commit(action: Callable[[], object]) -> None:
    """Run ``action`` once the request's writes are committed, and never if they are rolled back:
    a queued job must find its row (the certificate job is handed to the worker this way)."""
    request.environ.setdefault(_AFTER_KEY, []).append(action)


def reads_first() -> None:
    """This request only reads, but for records it keeps apart (:func:`record_apart`): on SQLite its
    transaction begins ``DEFERRED``, so such requests (the results look-up of results day) run side
    by side instead of one at a time behind the write lock every other transaction takes from its
    start (app.db). Called before the request's first query; once a transaction began it is too late,
    and nothing changes (on PostgreSQL nothing needs to)."""
    if db.engine.dialect.name == "sqlite" and not _in_transaction():
        db.session.connection(execution_options={SQLITE_BEGIN: "DEFERRED"})
        request.environ[_READING_KEY] = True


def record_apart(statement: Executable) -> None:
    """Write a record that must stand whatever the request answers (a missed look-up). In a request
    that :func:`reads_first`, it is committed at once in a transaction of its own: the reading one
    cannot take the write lock midway. Otherwise it joins the request's transaction, kept even if
    the request answers a refusal (:func:`keep_refused_attempt`)."""
    if request.environ.get(_READING_KEY):
        with db.engine.begin() as connection:
            connection.execute(statement)
    else:
        db.session.execute(statement)
        keep_refused_attempt()


def commit_token_use() -> None:
    """Commit the record of an API token's use before its view runs: every use is audited, whatever
    the view answers (a refusal rolls the view back, not the record of the call)."""
    db.session.commit()


def commit_item() -> None:
    """Commit what the request wrote so far: only for a view whose items are independent
    transactions (the tablet batch: a refused or conflicting mark never undoes another)."""
    db.session.commit()


def _end(response: Response) -> Response:
    """Commit a success (or a refusal that keeps its attempt), roll back everything else. A request
    that never began a transaction (a cached page, a 304) has nothing to end: a commit would begin
    one only to close it, a good share of what such a request costs."""
    status = response.status_code
    if status < 400 or (request.environ.get(_KEEP_KEY) and status < 500):
        if _in_transaction():
            db.session.commit()
        for action in request.environ.pop(_AFTER_KEY, []):
            action()
    elif _in_transaction():
        db.session.rollback()
    return response


def _in_transaction() -> bool:
    """Whether this request's session exists and began a transaction (a query, a flush or an ``add``)."""
    return db.session.registry.has() and db.session().in_transaction()


def _crashed(error: BaseException | None) -> None:
    """An exception no handler answered (re-raised where exceptions propagate: tests, debugging)
    ends the request without a response, so :func:`_end` never saw it: nothing it wrote stays."""
    if error is not None:
        db.session.rollback()


def _problems(refusal: DomainError) -> list[Problem]:
    """Every located problem of a refusal; a plain refusal is one problem without a place."""
    if isinstance(refusal, InputRefused):
        return refusal.problems
    return [Problem("", refusal.args[0] if refusal.args else str(refusal))]


def _line(problem: Problem) -> str:
    where = translated_where(problem.where) if problem.where else ""
    return f"{where}: {translated(problem.message)}" if where else translated(problem.message)


def _refused(refusal: DomainError):
    """Roll back (unless the attempt is kept), then show every problem where the user acts."""
    if not request.environ.get(_KEEP_KEY):
        db.session.rollback()
    problems = _problems(refusal)
    if wants_json():
        return jsonify(error="; ".join(_line(p) for p in problems),
                       problems=[{"where": p.where, "message": translated(p.message)} for p in problems]), 422
    heading = request.environ.get(_HEADING_KEY)
    if heading:
        flash(heading, "error")
    for problem in problems:
        flash(_line(problem), "error")
    return redirect(request.environ.get(_TARGET_KEY) or _referring_page() or url_for("main.home"))


def _referring_page() -> str | None:
    """The page of this site the request came from (path and query only: never another site)."""
    referrer = urlparse(request.referrer or "")
    if referrer.netloc != request.host or not referrer.path.startswith("/"):
        return None
    return referrer.path + (f"?{referrer.query}" if referrer.query else "")
