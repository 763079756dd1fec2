"""The ``jingsai`` command (a console script of the package): ``flask --app wsgi`` without
activating the virtual environment or setting ``FLASK_APP``.

It is Flask's own command group on :func:`app.create_app`, so every command group registered on the
app (and Flask-Migrate's ``db``) appears without being listed here. Like ``flask``, it reads ``.env``
from the current folder or above (``make demo`` writes one with ``APP_ENV=development``) and
``--env-file FILE``; settings already in the environment win.
"""
from __future__ import annotations

from flask import Flask
from flask.cli import FlaskGroup


def _app() -> Flask:
    from app import create_app  # after .env is loaded: app.config reads the environment
    return create_app()


def jingsai_group() -> FlaskGroup:
    """Flask's command group on :func:`app.create_app`, so every registered command appears under ``jingsai``."""
    return FlaskGroup(name="jingsai", create_app=_app, add_version_option=False,
                      help="Jingsai's command line: imports, exports, results, certificates, db upgrade …")


def main() -> None:
    """The ``jingsai`` console script's entry point."""
    jingsai_group().main(prog_name="jingsai")
