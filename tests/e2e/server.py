"""Serve the app with the demo contest on a free localhost port, in a thread.

Used by the browser tests and by ``docs/screenshots/take.py``.
"""
from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from werkzeug.serving import make_server

from app import clock, create_app
from app.config import TestConfig
from app.extensions import db

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
# Inside the demo's registration window (2026-11-01 … 2026-12-05).
DEMO_NOW = datetime(2026, 11, 23, 9, 30, tzinfo=clock.SHANGHAI)


def serve_demo(database: Path) -> tuple[str, Callable[[], None]]:
    """Build a fresh SQLite database with the demo and serve it; returns (base URL, stop)."""
    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{database}"
        WTF_CSRF_ENABLED = True
        SERVER_NAME = None

    app = create_app(Config)
    with app.app_context(), clock.frozen(DEMO_NOW):
        from flask_migrate import upgrade

        from app.demo import load_demo
        upgrade()
        load_demo()
        db.session.commit()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_port}", server.shutdown


def log_in(page, base: str, username: str, password: str = "jingsai-demo") -> None:
    page.goto(f"{base}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        page.click("main button[type=submit]")
    assert "/login" not in page.url, f"login as {username} failed"


def csp_violations(page) -> list[str]:
    """Collects what the page's Content-Security-Policy refused (Chromium logs each refusal)."""
    refused: list[str] = []
    page.on("console", lambda message: refused.append(f"{page.url}: {message.text}")
            if "Content Security Policy" in message.text else None)
    return refused
