"""Configuration classes; the only module that reads ``os.environ``.

``APP_ENV`` picks the class: ``production`` (the default, so a forgotten setting fails safe),
``development`` or ``test``. What each setting must hold to start is checked in
:mod:`app.startup_checks`.
"""
from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path
from typing import ClassVar

PROJECT_ROOT = Path(__file__).resolve().parent.parent
INSTANCE_DIR = PROJECT_ROOT / "instance"


def _database_url() -> str:
    """``DATABASE_URL`` (``postgresql://`` is mapped to the psycopg 3 driver), else SQLite under instance/."""
    url = os.environ.get("DATABASE_URL", "").strip()
    if not url:
        return f"sqlite:///{INSTANCE_DIR / 'jingsai.db'}"
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def _engine_options(url: str) -> dict:
    """A stopped PostgreSQL must not hang a request (or ``/readyz``) for the kernel's TCP timeout."""
    options: dict = {"pool_pre_ping": True}
    if url.startswith("postgresql"):
        options["connect_args"] = {"connect_timeout": 5}
    return options


def _int_env(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value.isascii() and value.isdigit() else default


def _first_existing(*paths: str) -> str:
    return next((p for p in paths if Path(p).is_file()), paths[0])


def _flag(name: str) -> bool | None:
    """A yes/no setting from the environment, or None when it is not set."""
    value = os.environ.get(name, "").strip().lower()
    if not value:
        return None
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    raise RuntimeError(f"{name} must be 1/true/yes/on or 0/false/no/off, not {value!r}")


def session_cookie_secure(production: bool) -> bool:
    """``SESSION_COOKIE_SECURE`` when set; else on when ``PUBLIC_BASE_URL`` is https, and in production
    unless ``PUBLIC_BASE_URL`` says plain http (a forgotten setting fails safe)."""
    explicit = _flag("SESSION_COOKIE_SECURE")
    if explicit is not None:
        return explicit
    base = os.environ.get("PUBLIC_BASE_URL", "").strip().lower()
    if base.startswith("https://"):
        return True
    return production and not base.startswith("http://")


def trusted_proxies() -> tuple[str, ...]:
    """``TRUSTED_PROXIES``: comma-separated addresses or networks (CIDR) of the reverse proxies."""
    return tuple(part.strip() for part in os.environ.get("TRUSTED_PROXIES", "").split(",") if part.strip())


class Config:
    ENV_NAME = "production"
    SECRET_KEY: str | None = os.environ.get("SECRET_KEY")
    SQLALCHEMY_DATABASE_URI = _database_url()
    SQLALCHEMY_ENGINE_OPTIONS = _engine_options(SQLALCHEMY_DATABASE_URI)
    # Shared state of several app servers: the task queue and rate limits; /readyz pings it.
    REDIS_URL = os.environ.get("REDIS_URL", "").strip() or None
    # The address people open, printed in QR codes and login links: production must say it
    # (app.startup_checks); a demo or a test serves on this machine.
    PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "").strip().rstrip("/")
    # Certificate signing keys live in files, outside the database: a dump must not be enough to forge
    # a certificate, and a rebuilt database must not orphan every printed QR code. Production keeps
    # them outside the checkout; development and tests use instance/keys, marked as development keys
    # so that production refuses them (app.startup_checks).
    CERTIFICATE_KEYS_DIR = os.environ.get("CERTIFICATE_KEYS_DIR") or "/var/lib/jingsai/keys"
    # The CJK font embedded (as a subset) in certificate PDFs: TrueType outlines, which reportlab can
    # embed (Debian fonts-wqy-zenhei). Noto CJK's .ttc holds PostScript (CFF) outlines: named as a
    # fallback so the error message says why it cannot be used.
    CJK_FONT_PATH = os.environ.get("CJK_FONT_PATH") or _first_existing(
        "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
    # Per-issuer certificate number templates, {unit code: {kind: template}}; certificates.md defaults
    # otherwise (app.certificates.issuing).
    CERTIFICATE_NUMBER_TEMPLATES: ClassVar[dict[str, dict[str, str]]] = {}
    # Verification page look-ups per account, or per client address when anonymous (app.ratelimit).
    VERIFY_RATE_LIMIT = "120 per minute"
    # The task queue's storage without Redis: a SQLite file (app.queue).
    QUEUE_PATH = os.environ.get("QUEUE_PATH") or str(INSTANCE_DIR / "queue.sqlite3")
    QUEUE_IMMEDIATE = False
    # A job with no heartbeat for this long has lost its worker and is queued again (app.certificates.bulk).
    JOB_STALE_AFTER = timedelta(minutes=2)
    # Bulk certificate jobs write their PDFs and zip here (app.certificates.bulk).
    CERTIFICATE_JOBS_DIR = os.environ.get("CERTIFICATE_JOBS_DIR") or str(INSTANCE_DIR / "certificates")
    # Webhooks (app.webhooks): a hook's URL must reach a public address unless this is on (development
    # and tests, whose receivers run on localhost); attempts per delivery, the wait after the first
    # failure (doubled after each), and the connect and read timeouts of one attempt, in seconds.
    WEBHOOK_ALLOW_PRIVATE_ADDRESSES = bool(_flag("WEBHOOK_ALLOW_PRIVATE_ADDRESSES"))
    WEBHOOK_ATTEMPTS = 5
    WEBHOOK_RETRY_SECONDS = 30
    WEBHOOK_CONNECT_TIMEOUT = 3
    WEBHOOK_READ_TIMEOUT = 5
    # A judge loads a page at 07:00 and may submit it at 19:00: the CSRF token must outlive a
    # competition day, and so must the session.
    WTF_CSRF_TIME_LIMIT = 24 * 3600
    PERMANENT_SESSION_LIFETIME = timedelta(hours=24)
    SESSION_COOKIE_HTTPONLY = True
    # Send the session cookie over HTTPS only: on in production, see session_cookie_secure().
    SESSION_COOKIE_SECURE = session_cookie_secure(production=True)
    SESSION_COOKIE_SAMESITE = "Lax"
    BABEL_DEFAULT_LOCALE = "zh_CN"
    BABEL_DEFAULT_TIMEZONE = "Asia/Shanghai"
    BABEL_TRANSLATION_DIRECTORIES = str(Path(__file__).resolve().parent / "translations")
    LANGUAGES = ("zh_CN", "en")
    MAX_CONTENT_LENGTH = 16 * 1024 * 1024
    # Bounds on every table, workbook and JSON body read (app.input_limits), each checked before any
    # work that grows with it, so no upload or request can exhaust a worker's memory or time.
    TABLE_MAX_BYTES = _int_env("TABLE_MAX_BYTES", 10 * 1024 * 1024)  # a .csv/.xlsx as uploaded
    TABLE_MAX_UNPACKED_BYTES = _int_env("TABLE_MAX_UNPACKED_BYTES", 40 * 1024 * 1024)  # an .xlsx unzipped
    TABLE_MAX_ROWS = _int_env("TABLE_MAX_ROWS", 20_000)
    TABLE_MAX_COLUMNS = _int_env("TABLE_MAX_COLUMNS", 200)
    TABLE_MAX_CELL_CHARS = _int_env("TABLE_MAX_CELL_CHARS", 2_000)
    JSON_MAX_BYTES = _int_env("JSON_MAX_BYTES", 2 * 1024 * 1024)
    JSON_MAX_DEPTH = _int_env("JSON_MAX_DEPTH", 32)
    # Login throttle: this many failures for one username in the window (counted in the database).
    LOGIN_MAX_FAILURES = 5
    LOGIN_FAILURE_WINDOW = timedelta(minutes=15)
    # Failed logins from one client address before it must wait: high, as a venue shares one address.
    LOGIN_FAILURES_PER_ADDRESS = "100 per 15 minutes"
    # Addresses or networks of the reverse proxies whose X-Forwarded-For/-Proto/-Host are believed.
    TRUSTED_PROXIES = trusted_proxies()
    # Rate-limit counters: Redis when REDIS_URL is set (shared by every worker and server), else memory.
    RATELIMIT_STORAGE_URI = REDIS_URL or "memory://"
    # A sliding window: no double burst at the edge of a fixed window.
    RATELIMIT_STRATEGY = "moving-window"
    # Keys in a shared Redis are named jingsai:…, apart from anything else stored there.
    RATELIMIT_KEY_PREFIX = "jingsai"
    # Redis down: count per process rather than refuse every limited request.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    # Retry-After and X-RateLimit-* on limited routes, so a client knows when to try again.
    RATELIMIT_HEADERS_ENABLED = True
    # Strict-Transport-Security on HTTPS responses (app.security_headers); None turns it off.
    HSTS = "max-age=31536000; includeSubDomains"
    ONE_TIME_LINK_LIFETIME = timedelta(days=14)
    # Requests of one API token across the whole API (app.api.bearer); a session's are not counted here.
    API_TOKEN_RATE_LIMIT = os.environ.get("API_TOKEN_RATE_LIMIT", "300 per minute")
    # Submissions of the public self-registration form per client address per hour. Generous, as a
    # school's students may all register from one address behind the campus gateway.
    SELF_REGISTRATION_MAX_PER_HOUR = 20
    SQLITE_BUSY_TIMEOUT_MS = 15000
    # Logs: one line per request and per audited domain event; "json" for a log shipper, else text.
    LOG_FORMAT = os.environ.get("LOG_FORMAT", "text").strip().lower()
    # /metrics answers a bearer token, or clients in these networks (the Prometheus host scrapes the
    # app server directly; nginx refuses /metrics from outside).
    METRICS_TOKEN = os.environ.get("METRICS_TOKEN") or None
    METRICS_ALLOWED_NETWORKS = tuple(n.strip() for n in os.environ.get(
        "METRICS_ALLOWED_NETWORKS", "127.0.0.1/32,::1/128").split(",") if n.strip())
    # Set (by gunicorn.conf.py or the unit) when several worker processes share the metrics.
    PROMETHEUS_MULTIPROC_DIR = os.environ.get("PROMETHEUS_MULTIPROC_DIR") or None
    # /readyz gives each dependency this long to answer.
    READY_TIMEOUT_SECONDS = 3
    # Shared state of several app servers (cache here; rate limits and jobs elsewhere) lives in Redis
    # when REDIS_URL is set. Without it the cache is each worker's own memory: pages keyed by the
    # results version stay right; only the cached version number may lag (PUBLIC_VERSION_TTL).
    CACHE_TYPE = "RedisCache" if REDIS_URL else "SimpleCache"
    CACHE_REDIS_URL = REDIS_URL
    CACHE_KEY_PREFIX = "jingsai:"
    CACHE_DEFAULT_TIMEOUT = 600
    # How long a worker trusts a cached results version when it cannot hear another worker's bump
    # (SimpleCache); with Redis the bump deletes it at commit for every server.
    PUBLIC_VERSION_TTL = 5
    # Lines of a skill's public table on its page; the rest are found by bib or downloaded.
    PUBLIC_TOP_LINES = 50
    # Tries of the bib + ID-tail look-up per bib per hour (app.results.lookup).
    RESULT_LOOKUP_MAX_TRIES = 5
    TESTING = False
    DEBUG = False


class DevConfig(Config):
    ENV_NAME = "development"
    SECRET_KEY = os.environ.get("SECRET_KEY") or "development-only-secret"
    PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "").strip().rstrip("/") or "http://localhost:5000"
    CERTIFICATE_KEYS_DIR = os.environ.get("CERTIFICATE_KEYS_DIR") or str(INSTANCE_DIR / "keys")
    SESSION_COOKIE_SECURE = session_cookie_secure(production=False)
    HSTS = None  # a developer's https://localhost must not pin the browser to HTTPS for a year
    WEBHOOK_ALLOW_PRIVATE_ADDRESSES = _flag("WEBHOOK_ALLOW_PRIVATE_ADDRESSES") is not False
    DEBUG = True


class TestConfig(Config):
    ENV_NAME = "test"
    SECRET_KEY = "test-secret"
    PUBLIC_BASE_URL = "http://localhost:5000"
    CERTIFICATE_KEYS_DIR = str(INSTANCE_DIR / "keys")
    TESTING = True
    WTF_CSRF_ENABLED = False
    SERVER_NAME = "localhost"
    SESSION_COOKIE_SECURE = False
    HSTS = None
    RATELIMIT_STORAGE_URI = "memory://"  # a developer's REDIS_URL must not hold the suite's counts
    QUEUE_IMMEDIATE = True  # tasks (bulk certificate jobs) run in the request that queues them
    WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True  # the tests' receivers listen on 127.0.0.1
    CACHE_TYPE = "SimpleCache"  # a test's cache is emptied with its database (tests/conftest.py)


CONFIGS = {"production": Config, "development": DevConfig, "test": TestConfig}


def config_from_env() -> type[Config]:
    """The settings class ``APP_ENV`` names (``production`` when unset); refuses an unknown name."""
    name = os.environ.get("APP_ENV", "production")
    try:
        return CONFIGS[name]
    except KeyError:
        raise RuntimeError(f"APP_ENV must be one of {', '.join(CONFIGS)}, not {name!r}") from None
