"""The deployment recipe in deploy/ passes the tools' own checks: ``systemd-analyze verify`` for the
units and ``nginx -t`` for the site, with the paths pointed at this checkout and its venv."""
from __future__ import annotations

import datetime
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from app.config import PROJECT_ROOT

DEPLOY = PROJECT_ROOT / "deploy"
VENV = Path(sys.executable).parent.parent


def _here(text: str) -> str:
    return text.replace("/opt/jingsai/venv", str(VENV)).replace("/opt/jingsai/app", str(PROJECT_ROOT))


@pytest.mark.parametrize("unit", sorted(p.name for p in DEPLOY.glob("*.service")))
def test_the_systemd_units_verify(tmp_path, unit):
    if not shutil.which("systemd-analyze"):
        pytest.skip("systemd-analyze is not installed")
    copy = tmp_path / unit
    copy.write_text(_here((DEPLOY / unit).read_text()))
    done = subprocess.run(["systemd-analyze", "verify", str(copy)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert [line for line in done.stderr.splitlines() if unit in line] == []


def _self_signed(directory: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "jingsai.example.cn")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
                   .serial_number(1).not_valid_before(now).not_valid_after(now + datetime.timedelta(days=1))
                   .sign(key, hashes.SHA256()))
    cert_path, key_path = directory / "fullchain.pem", directory / "privkey.pem"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


def test_the_nginx_site_passes_nginx_t(tmp_path):
    nginx = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if not nginx:
        pytest.skip("nginx is not installed (.ci/run installs it)")
    cert, key = _self_signed(tmp_path)
    site = _here((DEPLOY / "nginx-jingsai.conf").read_text()).replace(
        "/etc/ssl/jingsai/fullchain.pem", str(cert)).replace("/etc/ssl/jingsai/privkey.pem", str(key))
    (tmp_path / "site.conf").write_text(site)
    (tmp_path / "logs").mkdir()
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/logs/error.log;\nevents {{}}\n"
        f"http {{\naccess_log off;\ninclude {tmp_path}/site.conf;\n}}\n")
    done = subprocess.run([nginx, "-t", "-p", str(tmp_path), "-e", str(tmp_path / "logs/error.log"),
                           "-c", str(tmp_path / "nginx.conf")], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "test is successful" in done.stderr


def test_the_compose_file_parses_and_points_at_what_the_recipe_holds():
    import yaml
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    services = compose["services"]
    assert set(services) == {"db", "redis", "migrate", "app", "judges", "worker", "nginx"}
    for name, service in services.items():
        build = service.get("build")
        if build:
            assert (DEPLOY / build["context"] / build["dockerfile"]).is_file(), name
        for volume in service.get("volumes", []):
            source = volume.split(":")[0]
            if source.startswith("."):
                assert (DEPLOY / source).resolve().exists(), (name, source)
            elif not source.startswith("/"):
                assert source in compose["volumes"], (name, source)
    site = (DEPLOY / "nginx-jingsai.conf").read_text()
    for pool in ("app", "judges"):
        bind = services[pool]["command"][services[pool]["command"].index("--bind") + 1]
        assert f"server {bind};" in site, pool   # nginx's upstreams are the pools' addresses
    assert services["worker"]["command"][:2] == ["jingsai", "worker"]
    assert services["migrate"]["command"] == ["jingsai", "db", "upgrade"]
