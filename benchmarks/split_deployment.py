"""The deployment of deploy/ on this box, for a benchmark: nginx with the shipped site, the main pool
and the judges' pool, all in the foreground until SIGTERM (or Ctrl-C) stops them together.

- nginx runs ``deploy/nginx-jingsai.conf`` itself — the same upstreams and ``location`` rules, so the
  judges' API and tablet pages reach their own pool — on plain HTTP at ``--port`` (the TLS server
  becomes a local listener; certificates, HSTS and the port-80 redirect are dropped);
- the main pool (``deploy/jingsai.service``: public pages, look-ups, organizers) and the judges' pool
  (``deploy/jingsai-judges.service``) run gunicorn with ``gunicorn.conf.py`` and the workers the
  units give, the main pool at the units' lower CPU priority (``Nice=``), read from the unit file.

    .venv/bin/python benchmarks/split_deployment.py --port 5900 [--main-workers 4] [--judges-workers 2]

It takes the app's settings from the environment, as the units take them from their environment file.
``release_burst.py --split`` starts it as its server.
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DEPLOY = ROOT / "deploy"
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")


def nginx_site(port: int, main_port: int, judges_port: int) -> str:
    """The shipped site, served on 127.0.0.1:``port`` over HTTP, its upstreams on the pools' ports."""
    site = (DEPLOY / "nginx-jingsai.conf").read_text()
    site = re.sub(r"server \{\s*listen 80;.*?\n\}\n", "", site, count=1, flags=re.S)  # the HTTPS redirect
    site = re.sub(r"^\s*listen \[::\]:443[^\n]*\n", "", site, flags=re.M)
    site = re.sub(r"^\s*listen 443[^\n]*\n", f"    listen 127.0.0.1:{port};\n", site, flags=re.M)
    site = re.sub(r"^\s*(ssl_\w+|add_header Strict-Transport-Security)[^\n]*\n", "", site, flags=re.M)
    site = site.replace("127.0.0.1:8000", f"127.0.0.1:{main_port}")
    site = site.replace("127.0.0.1:8001", f"127.0.0.1:{judges_port}")
    return site.replace("/opt/jingsai/app", str(ROOT))


def unit_nice(unit: str) -> int:
    """The ``Nice=`` of a unit in deploy/ (0 when it sets none)."""
    found = re.search(r"^Nice=(-?\d+)", (DEPLOY / unit).read_text(), flags=re.M)
    return int(found.group(1)) if found else 0


def unit_workers(unit: str) -> int:
    """The ``--workers`` of a unit's gunicorn command line."""
    return int(re.search(r"--workers (\d+)", (DEPLOY / unit).read_text()).group(1))


def nginx_config(folder: Path, port: int, main_port: int, judges_port: int) -> Path:
    (folder / "logs").mkdir(exist_ok=True)
    (folder / "site.conf").write_text(nginx_site(port, main_port, judges_port))
    temp = "\n".join(f"{kind}_temp_path {folder}/{kind};"
                     for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    config = folder / "nginx.conf"
    # A results-day crowd: every phone holds a connection, and each request it sends holds a second one
    # to a pool while it is answered.
    config.write_text(f"daemon off;\nworker_processes 1;\nworker_rlimit_nofile 65536;\npid {folder}/nginx.pid;\n"
                      f"error_log {folder}/logs/error.log;\nevents {{ worker_connections 30000; }}\n"
                      f"http {{\naccess_log off;\n{temp}\n"
                      f"include {folder}/site.conf;\n}}\n")
    return config


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, required=True, help="where nginx listens")
    parser.add_argument("--main-workers", type=int, default=unit_workers("jingsai.service"))
    parser.add_argument("--judges-workers", type=int, default=unit_workers("jingsai-judges.service"))
    args = parser.parse_args()
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    folder = Path(tempfile.mkdtemp(prefix="jingsai-split-"))
    main_port, judges_port = args.port + 20, args.port + 21
    pools = [
        ["nice", "-n", str(unit_nice("jingsai.service")), GUNICORN, "-c", "gunicorn.conf.py",
         "--workers", str(args.main_workers), "--bind", f"127.0.0.1:{main_port}", "wsgi:app"],
        ["nice", "-n", str(unit_nice("jingsai-judges.service")), GUNICORN, "-c", "gunicorn.conf.py",
         "--workers", str(args.judges_workers), "--bind", f"127.0.0.1:{judges_port}", "wsgi:app"],
        [nginx, "-p", str(folder), "-e", str(folder / "logs/error.log"),
         "-c", str(nginx_config(folder, args.port, main_port, judges_port))],
    ]
    processes = [subprocess.Popen(command, cwd=ROOT) for command in pools]

    def stop(*_):
        for process in processes:
            if process.poll() is None:
                process.terminate()
        for process in processes:
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()
        shutil.rmtree(folder, ignore_errors=True)
        sys.exit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    while all(process.poll() is None for process in processes):
        time.sleep(0.5)
    print("a process of the deployment exited", file=sys.stderr)
    stop()


if __name__ == "__main__":
    os.chdir(ROOT)
    main()
