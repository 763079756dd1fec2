"""The API's own description: the OpenAPI document and a reference page that reads it.

The page is Swagger UI from the ``swagger-ui-bundle-v2`` package (Swagger UI 5, which reads OpenAPI
3.1), served by the app from the installed package: no CDN, and its scripts and styles are files of
this site, as the Content-Security-Policy demands (:mod:`app.security_headers`); our own small script
starts it (``static/js/api-reference.js``).
"""
from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, jsonify, render_template, send_from_directory, url_for
from pydantic import BaseModel, ConfigDict
from swagger_ui_bundle import swagger_ui_path

from app.api.spec import PUBLIC, document, documented
from app.auth.permissions import allow_public

bp = Blueprint("api_docs", __name__)
# The files of the package the page loads; nothing else of the package is served.
ASSETS = frozenset({"swagger-ui.css", "swagger-ui-bundle.js", "swagger-ui-standalone-preset.js"})


class OpenAPIDocument(BaseModel):
    """An OpenAPI 3.1 document (its top level; the rest as the specification says)."""

    model_config = ConfigDict(extra="allow")
    openapi: str
    info: dict[str, Any]
    paths: dict[str, Any]


@bp.route("/api/v1/openapi.json")
@allow_public
@documented(answers={200: OpenAPIDocument}, tags=["meta"], security=PUBLIC)
def openapi():
    """The OpenAPI 3.1 document of this API.

    Generated from the code: every `/api/v1` route is in it."""
    response = jsonify(document())
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


@bp.route("/api/reference")
@allow_public
def reference():
    """Swagger UI on this API's document, for people writing an integration."""
    return render_template("api/reference.html", spec_url=url_for("api_docs.openapi"))


@bp.route("/api/reference/assets/<filename>")
@allow_public
def asset(filename: str):
    """A file of Swagger UI from the installed package (only those the page loads)."""
    if filename not in ASSETS:
        abort(404)
    return send_from_directory(swagger_ui_path, filename, max_age=86400)
