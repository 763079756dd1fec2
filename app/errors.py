"""Domain errors and the HTTP error pages.

A refused input carries *every* problem found, each located (``row 5, id_number`` or a JSON path
``skills[0].quota_per_unit``), so a person fixes the whole file in one go.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError


@dataclass(frozen=True)
class Problem:
    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message


def at_row(row: int, column: str, message: str) -> Problem:
    """A problem located at a row (and column) of an imported file, the way a person finds it in the sheet."""
    return Problem(f"row {row}, {column}" if column else f"row {row}", message)


class DomainError(ValueError):
    """An operation refused for a reason a person can act on."""


class InputRefused(DomainError):
    """A file or form refused as a whole; nothing was saved."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems))


def wants_json() -> bool:
    """API clients and JSON requests get a JSON body, not an HTML page, for an error."""
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def _page(status: int, title: str, message: str):
    if wants_json():
        return jsonify(error=message), status
    return render_template("error.html", status=status, title=title, message=message), status


def register(app: Flask) -> None:
    """Answer HTTP errors and refused inputs with the app's error page, or JSON for a client asking for it."""
    @app.errorhandler(400)
    def bad_request(e):
        return _page(400, _("Bad request"), _("The request could not be understood."))

    @app.errorhandler(CSRFError)
    def csrf_refused(e):
        return _page(400, _("Form expired"),
                     _("The form's security token is missing or expired. Reload the page and submit again."))

    @app.errorhandler(403)
    def forbidden(e):
        return _page(403, _("Not allowed"), _("Your account may not open this page."))

    @app.errorhandler(404)
    def not_found(e):
        return _page(404, _("Not found"), _("There is nothing at this address."))

    @app.errorhandler(405)
    def not_allowed(e):
        return _page(405, _("Not allowed"), _("This address does not accept that method."))

    @app.errorhandler(429)
    def too_many_requests(e):
        if e.response is not None:  # the limit's own page (login, verification)
            return e.response
        return _page(429, _("Too many requests"),
                     _("Too many requests from your account or address. Wait a minute and try again."))

    @app.errorhandler(413)
    def too_large(e):
        return _page(413, _("File too large"), _("Files may be at most 16 MB."))
