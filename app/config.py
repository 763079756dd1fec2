"""Configuration classes; the only module that reads ``os.environ``.

``APP_ENV`` picks the class: ``production`` (the default, so a forgotten setting fails safe),
``development`` or ``test``. Production refuses to start without ``SECRET_KEY``.
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


def _int_env(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value.isascii() and value.isdigit() else default


def _first_existing(*paths: str) -> str:
    return next((p for p in paths if Path(p).is_file()), paths[0])


class Config:
    ENV_NAME = "production"
    SECRET_KEY: str | None = os.environ.get("SECRET_KEY")
    SQLALCHEMY_DATABASE_URI = _database_url()
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "http://localhost:5000").rstrip("/")
    # Certificate signing keys live in files, outside the database: a dump must not be enough to forge
    # a certificate, and a rebuilt database must not orphan every printed QR code.
    CERTIFICATE_KEYS_DIR = os.environ.get("CERTIFICATE_KEYS_DIR") or str(INSTANCE_DIR / "keys")
    # The CJK font embedded (as a subset) in certificate PDFs: TrueType outlines, which reportlab can
    # embed (Debian fonts-wqy-zenhei). Noto CJK's .ttc holds PostScript (CFF) outlines: named as a
    # fallback so the error message says why it cannot be used.
    CJK_FONT_PATH = os.environ.get("CJK_FONT_PATH") or _first_existing(
        "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
    # Per-issuer certificate number templates, {unit code: {kind: template}}; certificates.md defaults
    # otherwise (app.certificates.issuing).
    CERTIFICATE_NUMBER_TEMPLATES: ClassVar[dict[str, dict[str, str]]] = {}
    # Verification page look-ups per client address per minute (app.certificates.verification).
    VERIFY_MAX_PER_MINUTE = 30
    # Bulk certificate jobs write their PDFs and zip here (app.certificates.bulk).
    CERTIFICATE_JOBS_DIR = os.environ.get("CERTIFICATE_JOBS_DIR") or str(INSTANCE_DIR / "certificates")
    # A judge loads a page at 07:00 and may submit it at 19:00: the CSRF token must outlive a
    # competition day, and so must the session.
    WTF_CSRF_TIME_LIMIT = 24 * 3600
    PERMANENT_SESSION_LIFETIME = timedelta(hours=24)
    SESSION_COOKIE_HTTPONLY = True
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
    # Login throttle: this many failures for one username (or 4× for one address) in the window.
    LOGIN_MAX_FAILURES = 5
    LOGIN_FAILURE_WINDOW = timedelta(minutes=15)
    ONE_TIME_LINK_LIFETIME = timedelta(days=14)
    # Submissions of the public self-registration form per client address per hour. Generous, as a
    # school's students may all register from one address behind the campus gateway.
    SELF_REGISTRATION_MAX_PER_HOUR = 20
    SQLITE_BUSY_TIMEOUT_MS = 15000
    TESTING = False
    DEBUG = False

    @classmethod
    def check(cls) -> None:
        if not cls.SECRET_KEY:
            raise RuntimeError("SECRET_KEY must be set (or run with APP_ENV=development)")


class DevConfig(Config):
    ENV_NAME = "development"
    SECRET_KEY = os.environ.get("SECRET_KEY") or "development-only-secret"
    DEBUG = True


class TestConfig(Config):
    ENV_NAME = "test"
    SECRET_KEY = "test-secret"
    TESTING = True
    WTF_CSRF_ENABLED = False
    SERVER_NAME = "localhost"
    CERTIFICATE_JOBS_INLINE = True  # bulk certificate jobs run in the request, not a thread


CONFIGS = {"production": Config, "development": DevConfig, "test": TestConfig}


def config_from_env() -> type[Config]:
    name = os.environ.get("APP_ENV", "production")
    try:
        return CONFIGS[name]
    except KeyError:
        raise RuntimeError(f"APP_ENV must be one of {', '.join(CONFIGS)}, not {name!r}") from None
