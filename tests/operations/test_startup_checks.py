"""Start-up checks: one line per unusable setting naming it, exit 2, no traceback — for
``jingsai check``, any command, and gunicorn; production refuses development signing keys."""
from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from app.config import PROJECT_ROOT, Config, DevConfig
from app.startup_checks import DEVELOPMENT_MARKER, mark_development_keys, problems, settings_of
from tests.ports import free_ports

BIN = Path(sys.executable).parent


def _settings(tmp_path, config=Config, **changes):
    settings = settings_of(config) | {"SECRET_KEY": "s" * 64, "PUBLIC_BASE_URL": "https://jingsai.example.cn",
                                      "CERTIFICATE_KEYS_DIR": str(tmp_path / "keys"), "REDIS_URL": None}
    return settings | changes


def _settings_named(found: list[str]) -> list[str]:
    return [line.split(":", 1)[0] for line in found]


def test_good_production_settings_pass(tmp_path):
    assert problems(_settings(tmp_path)) == []


@pytest.mark.parametrize(("changes", "setting"), [
    ({"SECRET_KEY": None}, "SECRET_KEY"),
    ({"PUBLIC_BASE_URL": "jingsai.example.cn"}, "PUBLIC_BASE_URL"),
    ({"PUBLIC_BASE_URL": "ftp://jingsai.example.cn"}, "PUBLIC_BASE_URL"),
    ({"PUBLIC_BASE_URL": "http://jingsai.example.cn"}, "PUBLIC_BASE_URL"),  # production needs https
    ({"SQLALCHEMY_DATABASE_URI": "not a url"}, "DATABASE_URL"),
    ({"SQLALCHEMY_DATABASE_URI": "mysql://db/jingsai"}, "DATABASE_URL"),
    ({"SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://db-host"}, "DATABASE_URL"),
    ({"REDIS_URL": "http://cache:6379/0"}, "REDIS_URL"),
    ({"REDIS_URL": "redis://cache:6379/zero"}, "REDIS_URL"),
    ({"CJK_FONT_PATH": "/nonexistent/font.ttc"}, "CJK_FONT_PATH"),
    ({"METRICS_ALLOWED_NETWORKS": ("10.0.0.0/8", "office")}, "METRICS_ALLOWED_NETWORKS"),
    ({"LOG_FORMAT": "xml"}, "LOG_FORMAT"),
])
def test_each_unusable_setting_is_one_line_naming_it(tmp_path, changes, setting):
    found = problems(_settings(tmp_path, **changes))
    assert _settings_named(found) == [setting]
    assert "\n" not in found[0]


def test_plain_http_is_fine_for_localhost_and_outside_production(tmp_path):
    assert problems(_settings(tmp_path, PUBLIC_BASE_URL="http://127.0.0.1:8000")) == []
    assert problems(_settings(tmp_path, DevConfig, PUBLIC_BASE_URL="http://192.168.1.20:5000")) == []


def test_production_refuses_development_signing_keys(tmp_path):
    development = _settings(tmp_path, DevConfig)
    mark_development_keys(development)  # new directory: marked
    assert (tmp_path / "keys" / DEVELOPMENT_MARKER).is_file()
    assert problems(development) == []
    assert _settings_named(problems(_settings(tmp_path))) == ["CERTIFICATE_KEYS_DIR"]


def test_development_marks_the_checkouts_keys_but_not_an_existing_outside_directory(tmp_path):
    (tmp_path / "keys").mkdir()
    mark_development_keys(_settings(tmp_path, DevConfig))
    assert not (tmp_path / "keys" / DEVELOPMENT_MARKER).exists()
    assert (PROJECT_ROOT / "instance" / "keys" / DEVELOPMENT_MARKER).is_file()  # the test app's, at start


def test_a_key_directory_that_cannot_be_made_is_refused(tmp_path):
    (tmp_path / "a-file").write_text("")
    found = problems(_settings(tmp_path, CERTIFICATE_KEYS_DIR=str(tmp_path / "a-file" / "keys")))
    assert _settings_named(found) == ["CERTIFICATE_KEYS_DIR"] and "cannot be created" in found[0]


def test_a_broken_key_file_is_refused(tmp_path):
    keys = tmp_path / "keys"
    keys.mkdir(mode=0o700)
    (keys / "001.key").write_bytes(b"short")
    found = problems(_settings(tmp_path))
    assert _settings_named(found) == ["CERTIFICATE_KEYS_DIR"] and "001.key" in found[0]


def test_production_keys_default_outside_the_checkout():
    assert not Path(Config.CERTIFICATE_KEYS_DIR).absolute().is_relative_to(PROJECT_ROOT)
    assert Path(DevConfig.CERTIFICATE_KEYS_DIR).is_relative_to(PROJECT_ROOT)


def _production_env(tmp_path, **changes) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"APP_ENV", "SECRET_KEY", "PUBLIC_BASE_URL", "REDIS_URL",
                                                             "CJK_FONT_PATH", "LOG_FORMAT", "FLASK_APP",
                                                             "PROMETHEUS_MULTIPROC_DIR"}}
    env |= {"CERTIFICATE_KEYS_DIR": str(tmp_path / "keys"), "DATABASE_URL": f"sqlite:///{tmp_path / 'j.db'}",
            "PUBLIC_BASE_URL": "http://127.0.0.1"}
    return env | changes


def test_jingsai_check_prints_three_lines_and_exits_2(tmp_path):
    env = _production_env(tmp_path, PUBLIC_BASE_URL="ftp://jingsai.example.cn", CJK_FONT_PATH="/nonexistent.ttc")
    done = subprocess.run([BIN / "jingsai", "check"], env=env, cwd=tmp_path, capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 2
    assert _settings_named(done.stderr.splitlines()) == ["SECRET_KEY", "PUBLIC_BASE_URL", "CJK_FONT_PATH"]
    assert "Traceback" not in done.stderr and done.stdout == ""


def test_jingsai_check_passes_with_good_settings(tmp_path):
    env = _production_env(tmp_path, SECRET_KEY="s" * 64)
    done = subprocess.run([BIN / "jingsai", "check"], env=env, cwd=tmp_path, capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("all ") and done.stdout.rstrip().endswith("start-up checks passed")


def test_jingsai_reads_dotenv_in_the_current_folder(tmp_path):
    (tmp_path / ".env").write_text("APP_ENV=development\n")
    done = subprocess.run([BIN / "jingsai", "--help"], env=_production_env(tmp_path), cwd=tmp_path,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    for group in ("db", "import", "export", "results", "certificates", "grants", "promotion", "users", "check"):
        assert f"\n  {group} " in done.stdout


def _gunicorn(tmp_path, env, *args):
    return subprocess.Popen([BIN / "gunicorn", "wsgi:app", *args], env=env, cwd=PROJECT_ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_gunicorn_refuses_once_in_the_master_with_exit_2(tmp_path):
    server = _gunicorn(tmp_path, _production_env(tmp_path), "--workers", "2", "--bind", "127.0.0.1:0")
    _, stderr = server.communicate(timeout=60)
    assert server.returncode == 2
    assert stderr.count("SECRET_KEY: not set") == 1
    assert "Traceback" not in stderr and "Booting worker" not in stderr


def _healthz_count(url: str) -> float:
    from prometheus_client.parser import text_string_to_metric_families
    text = urllib.request.urlopen(url, timeout=5).read().decode()
    return next(sample.value for family in text_string_to_metric_families(text) for sample in family.samples
                if sample.name == "jingsai_http_requests_total" and sample.labels["endpoint"] == "operations.healthz")


def test_gunicorn_workers_share_their_metrics(tmp_path):
    """Production from the checkout, as the deployment runs it: two workers, one scrape sees both."""
    env = _production_env(tmp_path, SECRET_KEY="s" * 64)
    subprocess.run([BIN / "jingsai", "db", "upgrade"], env=env, cwd=tmp_path, check=True, capture_output=True)
    port = free_ports()
    server = _gunicorn(tmp_path, env, "--workers", "2", "--bind", f"127.0.0.1:{port}")
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=2)
                break
            except OSError:
                time.sleep(0.2)
        before = _healthz_count(f"{base}/metrics")
        for _ in range(20):
            assert urllib.request.urlopen(f"{base}/healthz", timeout=5).status == 200
        assert urllib.request.urlopen(f"{base}/readyz", timeout=5).status == 200
        assert _healthz_count(f"{base}/metrics") == before + 20
    finally:
        server.terminate()
        server.communicate(timeout=30)


def test_the_queue_file_must_be_creatable_unless_redis_keeps_the_queue(tmp_path):
    from app.startup_checks import check_queue_path
    blocked = tmp_path / "a-file"
    blocked.write_text("")
    settings = {"QUEUE_PATH": str(blocked / "queue.sqlite3"), "REDIS_URL": None, "QUEUE_IMMEDIATE": False}
    assert [line.split(":")[0] for line in check_queue_path(settings)] == ["QUEUE_PATH"]
    assert check_queue_path(settings | {"REDIS_URL": "redis://127.0.0.1:6379/0"}) == []
    assert check_queue_path(settings | {"QUEUE_PATH": str(tmp_path / "new" / "queue.sqlite3")}) == []


def test_production_refuses_to_start_without_its_public_address():
    settings = settings_of(Config) | {"SECRET_KEY": "s" * 64, "PUBLIC_BASE_URL": ""}
    found = [line for line in problems(settings) if line.startswith("PUBLIC_BASE_URL")]
    assert len(found) == 1 and "not set" in found[0]
    development = settings_of(DevConfig) | {"PUBLIC_BASE_URL": DevConfig.PUBLIC_BASE_URL}
    assert not [line for line in problems(development) if line.startswith("PUBLIC_BASE_URL")]
