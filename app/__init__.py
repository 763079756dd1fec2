"""Application factory: ``create_app`` is a list of small named steps.

``app.config`` is imported inside the factory, not at the top: it reads the environment when
imported, and the ``jingsai`` command loads ``.env`` first (app.command).
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from flask import Flask

if TYPE_CHECKING:
    from app.config import Config


def create_app(config: type[Config] | None = None) -> Flask:
    """Build the Flask application for wsgi, the ``jingsai`` command and the tests: refuse unusable settings
    first, then run each setup step in an order where later steps may rely on earlier ones."""
    from app.config import PROJECT_ROOT, config_from_env
    from app.startup_checks import enforce

    enforce(config)  # exits 2 with one line per unusable setting
    config = config or config_from_env()
    app = Flask(__name__, template_folder=str(PROJECT_ROOT / "templates"), instance_path=str(PROJECT_ROOT / "instance"))
    app.config.from_object(config)
    register_logging(app)
    trust_proxies(app)
    register_extensions(app)
    register_input_guard(app)
    register_blueprints(app)
    register_request_hooks(app)
    register_transaction_boundary(app)
    register_error_handlers(app)
    register_cli(app)
    register_template_helpers(app)
    connect_signals(app)
    return app


def register_logging(app: Flask) -> None:
    """Configure the structured logs first, so every later step and every request logs with its request id."""
    from app.operations.logs import configure
    configure(app)


def trust_proxies(app: Flask) -> None:
    """Forwarded address and scheme from the proxies in ``TRUSTED_PROXIES`` only (app.proxies)."""
    from app.proxies import TrustedProxyFix
    if app.config["TRUSTED_PROXIES"]:
        app.wsgi_app = TrustedProxyFix(app.wsgi_app, app.config["TRUSTED_PROXIES"])


def register_extensions(app: Flask) -> None:
    """Bind the session cookie, database, migrations, CSRF, cache, translations, login, queue and rate
    limiter to this app; SQLite also gets its busy timeout, so concurrent writers wait instead of failing."""
    from app import (
        models,  # noqa: F401  (every table known to Alembic and the ORM)
        queue,
    )
    from app.auth import sessions
    from app.config import PROJECT_ROOT
    from app.cookie_session import LazyCookieSessionInterface
    from app.db import configure_sqlite
    from app.extensions import babel, cache, csrf, db, limiter, login_manager, migrate
    from app.i18n import select_locale

    Path(app.instance_path).mkdir(exist_ok=True)
    app.session_interface = LazyCookieSessionInterface()
    db.init_app(app)
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            configure_sqlite(db.engine, app.config["SQLITE_BUSY_TIMEOUT_MS"])
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"))
    csrf.init_app(app)
    cache.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    login_manager.init_app(app)
    queue.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.session_protection = "basic"
    login_manager.user_loader(sessions.load)
    limiter.init_app(app)


def register_input_guard(app: Flask) -> None:
    """Refuse NUL characters and out-of-range ids before any view or query sees the request."""
    from app.input_guard import install
    install(app)


def register_blueprints(app: Flask) -> None:
    """Mount every feature's pages and the JSON API; the API's blueprints get their per-token rate limits."""
    from app.accounts.tokens_views import bp as tokens_bp
    from app.accounts.views import bp as accounts_bp
    from app.api.bearer import limit_per_token
    from app.api.docs_views import bp as api_docs_bp
    from app.api.marks import bp as api_marks_bp
    from app.api.reads import bp as api_reads_bp
    from app.api.results import bp as api_results_bp
    from app.auth.views import bp as auth_bp
    from app.certificates.keys_views import bp as certificate_keys_bp
    from app.certificates.views import bp as certificates_bp
    from app.certificates.wellknown_views import bp as wellknown_bp
    from app.events.panels_views import bp as panels_bp
    from app.events.qualification_views import bp as qualification_bp
    from app.events.registration_views import bp as registration_bp
    from app.events.units_views import bp as units_bp
    from app.events.views import bp as events_bp
    from app.grants.views import bp as grants_bp
    from app.main.views import bp as main_bp
    from app.marking.draw_views import bp as draw_bp
    from app.marking.pattern_views import bp as judge_patterns_bp
    from app.marking.scheme_views import bp as schemes_bp
    from app.marking.tablet_views import bp as tablet_bp
    from app.marking.views import bp as marking_bp
    from app.operations.views import bp as operations_bp
    from app.promotion.views import bp as promotion_bp
    from app.results.appeal_views import bp as appeals_bp
    from app.results.qualification_views import bp as results_qualification_bp
    from app.results.views import bp as results_bp
    from app.tickets.views import bp as tickets_bp
    from app.webhooks.views import bp as webhooks_bp

    for bp in (main_bp, auth_bp, units_bp, events_bp, registration_bp, panels_bp, qualification_bp,
               schemes_bp, marking_bp, draw_bp, results_bp):
        app.register_blueprint(bp)
    app.register_blueprint(results_qualification_bp)
    app.register_blueprint(appeals_bp)
    app.register_blueprint(api_marks_bp)
    app.register_blueprint(tablet_bp)
    app.register_blueprint(judge_patterns_bp)
    app.register_blueprint(certificate_keys_bp)
    app.register_blueprint(certificates_bp)
    app.register_blueprint(wellknown_bp)
    app.register_blueprint(grants_bp)
    app.register_blueprint(promotion_bp)
    app.register_blueprint(operations_bp)
    app.register_blueprint(accounts_bp)
    app.register_blueprint(tickets_bp)
    app.register_blueprint(tokens_bp)
    for bp in (api_docs_bp, api_reads_bp, api_results_bp):
        app.register_blueprint(bp)
    limit_per_token(api_docs_bp, api_reads_bp, api_results_bp, api_marks_bp)
    app.register_blueprint(webhooks_bp)
    from app.api import exchange
    exchange.register(app)


def register_request_hooks(app: Flask) -> None:
    """Install the per-request hooks in the order they must run: logging, bearer tokens, permissions, headers."""
    from app import security_headers
    from app.api import bearer
    from app.auth.permissions import enforce
    from app.operations import request_hooks

    # Request id, timing, metrics and the log line first, around everything else.
    request_hooks.register(app)
    # Bearer tokens are checked before the permission table, which then sees the token's user.
    bearer.register(app)
    # Runs after CSRFProtect's hook; both must pass.
    app.before_request(enforce)
    security_headers.register(app)


def register_transaction_boundary(app: Flask) -> None:
    """After the request hooks, so each request commits (or rolls back) before its log line."""
    from app.transaction import install
    install(app)


def register_error_handlers(app: Flask) -> None:
    """Answer domain errors and HTTP errors with the app's own pages (or JSON for the API)."""
    from app.errors import register
    register(app)


def register_cli(app: Flask) -> None:
    """Add the ``jingsai`` commands of every feature to ``flask`` / ``jingsai``."""
    from app.cli import register
    register(app)


def register_template_helpers(app: Flask) -> None:
    """Give templates the label, tier-name, masking and translation helpers they share."""
    from app.i18n import register_template_globals
    register_template_globals(app)


def connect_signals(app: Flask) -> None:
    """Later features subscribe to earlier features' signals here (design.md)."""
    from app.certificates import receivers as certificate_receivers
    from app.events import self_registration
    from app.marking import late_entries
    from app.promotion import services as promotion
    from app.results import caching, medallists, standings
    from app.webhooks import receivers as webhook_receivers
    caching.connect()
    standings.connect()
    medallists.connect()
    promotion.connect()
    certificate_receivers.connect()
    late_entries.connect()
    self_registration.connect()
    webhook_receivers.connect()
