"""Start-up checks: the settings validated once, before the app serves or a command runs.

Each check looks at one setting and returns the problems a person can fix, as one line each that
names the setting and says how to fix it. :func:`enforce` prints them all and exits with code 2,
without a traceback: the same for the command line (``create_app``), for gunicorn's master
(``gunicorn.conf.py``, before any worker boots) and for ``jingsai check``.

Development signing keys: a non-production app writes :data:`DEVELOPMENT_MARKER` into its key
directory when that directory is in the checkout or new, and production refuses a directory holding
it — so a production database never signs certificates with the demo's key.
"""
from __future__ import annotations

import os
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import click

DEVELOPMENT_MARKER = "DEVELOPMENT-KEYS"
LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1"}
SUPPORTED_DATABASES = ("sqlite", "postgresql")

Settings = Mapping[str, Any]


def settings_of(config: type) -> dict[str, Any]:
    """The upper-case attributes of a config class, as ``app.config`` would hold them."""
    return {name: getattr(config, name) for name in dir(config) if name.isupper()}


def _production(settings: Settings) -> bool:
    return settings.get("ENV_NAME") == "production"


def check_secret_key(settings: Settings) -> list[str]:
    """``SECRET_KEY`` must be set: sessions, CSRF tokens and login links are signed with it."""
    if settings.get("SECRET_KEY"):
        return []
    return ["SECRET_KEY: not set; set it to a long random value, e.g. "
            "SECRET_KEY=$(python3 -c 'import secrets; print(secrets.token_hex(32))'), "
            "or run a demo with APP_ENV=development"]


def check_public_base_url(settings: Settings) -> list[str]:
    """``PUBLIC_BASE_URL`` is the http(s) address people open; production prints it in certificates' QR codes
    and login links, so it must be set there and be HTTPS unless it names this machine."""
    url = settings.get("PUBLIC_BASE_URL") or ""
    if not url:
        return ["PUBLIC_BASE_URL: not set; production prints it in certificates' QR codes and login links: "
                "set it to the address people open, e.g. PUBLIC_BASE_URL=https://jingsai.example.cn"]
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return [f"PUBLIC_BASE_URL: {url!r} is not an http(s) address; set it to the address people open, "
                "e.g. https://jingsai.example.cn"]
    if _production(settings) and parts.scheme == "http" and parts.hostname not in LOCAL_HOSTS:
        return [f"PUBLIC_BASE_URL: {url} is plain http; production prints it in QR codes and login links and "
                "tablets need HTTPS: serve TLS and set PUBLIC_BASE_URL=https://…"]
    return []


def check_database_url(settings: Settings) -> list[str]:
    """``DATABASE_URL`` must parse and name PostgreSQL (with a database) or SQLite, the only two supported."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        url = make_url(settings.get("SQLALCHEMY_DATABASE_URI") or "")
    except ArgumentError:
        return ["DATABASE_URL: not a database URL; use postgresql://user@host/database (or leave it unset "
                "for SQLite in instance/)"]
    shown = url.render_as_string(hide_password=True)
    if url.get_backend_name() not in SUPPORTED_DATABASES:
        return [f"DATABASE_URL: {shown} is not supported; "
                "use postgresql://user@host/database or sqlite:///path"]
    if url.get_backend_name() == "postgresql" and not url.database:
        return [f"DATABASE_URL: {shown} names no database; add it, e.g. postgresql://jingsai@db-host/jingsai"]
    return []


def check_redis_url(settings: Settings) -> list[str]:
    """``REDIS_URL``, when set, must be a redis(s):// address with a numeric database, or a unix socket."""
    url = settings.get("REDIS_URL")
    if not url:
        return []
    parts = urlsplit(url)
    database = parts.path.strip("/")
    if parts.scheme == "unix" and parts.path:
        return []
    usable = parts.scheme in ("redis", "rediss") and parts.hostname and (database == "" or database.isdigit())
    if not usable:
        return [f"REDIS_URL: {url!r} is not a Redis address; use redis://host:6379/0 (or leave it unset)"]
    return []


def check_signing_keys(settings: Settings) -> list[str]:
    """The certificate key directory must be readable, writable and hold a sound keyring (or be creatable);
    production refuses one marked as holding development keys."""
    from app.certificates.keyring import Keyring, KeyringError

    directory = Path(settings.get("CERTIFICATE_KEYS_DIR") or "")
    if _production(settings) and (directory / DEVELOPMENT_MARKER).exists():
        return [f"CERTIFICATE_KEYS_DIR: {directory} holds development signing keys "
                f"(it has {DEVELOPMENT_MARKER}); "
                "set CERTIFICATE_KEYS_DIR to the production key directory, e.g. /var/lib/jingsai/keys"]
    if not directory.exists():
        if _creatable(directory):
            return []  # the first certificate creates it (mode 0700) with key 1
        return [f"CERTIFICATE_KEYS_DIR: {directory} does not exist and cannot be created; create it "
                "(mode 0700, owned by the app's user) or set CERTIFICATE_KEYS_DIR"]
    if not directory.is_dir() or not os.access(directory, os.R_OK | os.W_OK | os.X_OK):
        return [f"CERTIFICATE_KEYS_DIR: {directory} is not a directory the app's user may read and write; "
                "fix its owner and mode (0700)"]
    try:
        Keyring(directory).check()
    except KeyringError as error:
        return [f"CERTIFICATE_KEYS_DIR: {error}"]
    return []


def _creatable(directory: Path) -> bool:
    parent = directory.absolute().parent
    while not parent.exists():
        parent = parent.parent
    return parent.is_dir() and os.access(parent, os.W_OK | os.X_OK)


def check_queue_path(settings: Settings) -> list[str]:
    """The task queue's SQLite file, used when there is no Redis: its folder must be writable."""
    if settings.get("REDIS_URL") or settings.get("QUEUE_IMMEDIATE"):
        return []
    path = Path(settings.get("QUEUE_PATH") or "")
    folder = path.parent
    if path.is_file() and os.access(path, os.R_OK | os.W_OK):
        return []
    if not path.exists() and (os.access(folder, os.W_OK | os.X_OK) and folder.is_dir() if folder.exists()
                              else _creatable(folder)):
        return []
    return [f"QUEUE_PATH: {path} cannot be created or written; point it at a file in a writable folder, "
            "or set REDIS_URL to keep the task queue in Redis"]


def check_cjk_font(settings: Settings) -> list[str]:
    """``CJK_FONT_PATH`` must name a font that can print Chinese, or certificates cannot be rendered."""
    from app.certificates.pdf import CertificateFontError, font_name

    try:
        font_name(settings.get("CJK_FONT_PATH") or "")
    except CertificateFontError as error:
        return [f"CJK_FONT_PATH: {error}"]
    return []


def check_metrics_networks(settings: Settings) -> list[str]:
    """Every entry of ``METRICS_ALLOWED_NETWORKS`` must be an IP network, or the metrics page's guard is wrong."""
    import ipaddress

    found = []
    for network in settings.get("METRICS_ALLOWED_NETWORKS") or ():
        try:
            ipaddress.ip_network(network, strict=False)
        except ValueError:
            found.append(f"METRICS_ALLOWED_NETWORKS: {network!r} is not a network; "
                         "use a comma-separated list such as 127.0.0.1/32,10.0.0.0/8")
    return found


def check_log_format(settings: Settings) -> list[str]:
    """``LOG_FORMAT`` is ``json`` or ``text``; anything else would silently log in the wrong shape."""
    if settings.get("LOG_FORMAT") in ("text", "json"):
        return []
    return [f"LOG_FORMAT: {settings.get('LOG_FORMAT')!r} is not a format; use json or text (the default)"]


CHECKS: tuple[Callable[[Settings], list[str]], ...] = (
    check_secret_key, check_public_base_url, check_database_url, check_redis_url, check_signing_keys,
    check_queue_path, check_cjk_font, check_metrics_networks, check_log_format)


def problems(settings: Settings) -> list[str]:
    """Every problem of every check, in the order of :data:`CHECKS`; empty when the settings are usable."""
    return [line for check in CHECKS for line in check(settings)]


def enforce(config: type | None = None) -> None:
    """Exit 2 with one line per problem on stderr when a setting is unusable; else mark
    development keys. ``config`` defaults to the class ``APP_ENV`` picks."""
    from app.config import config_from_env

    if config is None:
        try:
            config = config_from_env()
        except RuntimeError as error:
            _refuse([f"APP_ENV: {error}"])
    settings = settings_of(config)
    found = problems(settings)
    if found:
        _refuse(found)
    mark_development_keys(settings)


def _refuse(lines: list[str]) -> None:
    for line in lines:
        print(line, file=sys.stderr)
    sys.stderr.flush()
    raise SystemExit(2)


def mark_development_keys(settings: Settings) -> None:
    """Outside production, mark the key directory as development keys when it lies in the checkout
    or does not exist yet (so a production directory a developer points at stays unmarked)."""
    from app.config import PROJECT_ROOT

    if _production(settings):
        return
    directory = Path(settings["CERTIFICATE_KEYS_DIR"]).absolute()
    if directory.exists() and not directory.is_relative_to(PROJECT_ROOT):
        return
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    marker = directory / DEVELOPMENT_MARKER
    if not marker.exists():
        marker.write_text("Keys made by a development or test run of Jingsai: "
                          "production refuses this directory.\n", encoding="utf-8")


@click.command("check")
def check_command() -> None:
    """Validate the settings: one line per problem and exit 2, or a line saying all passed."""
    from flask import current_app

    found = problems(current_app.config)
    if found:
        _refuse(found)
    click.echo(f"all {len(CHECKS)} start-up checks passed")
