"""Request input refused at the edge, before any view or query sees it (issue 14).

- A NUL character in the path, the query string or a form field: PostgreSQL cannot store or even
  compare a text holding one (the driver raises), so every such request would be a server error
  on one database and not the other. It is answered 400 on both.
- Ids in URLs (``<int:…>``) are plain ASCII digits within an integer column's range: werkzeug's
  own converter takes any number of digits of any script, and a 30-digit id overflows the
  database's integer on the query.
"""
from __future__ import annotations

from flask import Flask, abort, request
from werkzeug.routing import IntegerConverter


class RowIdConverter(IntegerConverter):
    regex = r"[0-9]{1,9}"


def refuse_nul_characters() -> None:
    """Answer 400 when the path, a form or query field or an upload's name holds a NUL character, which
    PostgreSQL cannot store or compare. A query string can only decode to a NUL from ``%00`` (or a
    raw one), so the fields are parsed only then; a request without a body has no form to read."""
    query = request.environ.get("QUERY_STRING", "")
    texts = [request.path]
    if "%00" in query or "\x00" in query:
        texts += [*request.args.keys(), *request.args.values()]
    if request.content_length or request.headers.get("Transfer-Encoding"):
        texts += [*request.form.keys(), *request.form.values(), *(f.filename or "" for f in request.files.values())]
    if any("\x00" in text for text in texts):
        abort(400)


def install(app: Flask) -> None:
    """The converter must be in place before any blueprint registers its routes."""
    app.url_map.converters["int"] = RowIdConverter
    app.before_request(refuse_nul_characters)
