"""Start and stop the processes a benchmark measures: gunicorn on a port, ready when it answers, or
task queue workers.

A server is started from a command line (a list, or a string split like a shell's) with extra
environment, in its own process group, so stopping it ends its workers too and nothing else.
"""
from __future__ import annotations

import os
import shlex
import signal
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")


def gunicorn(app: str, port: int, workers: int = 4) -> list[str]:
    """The issue's deployment: sync workers (gunicorn's default class), no access log."""
    return [GUNICORN, "--workers", str(workers), "--bind", f"127.0.0.1:{port}", "--timeout", "120", app]


@contextmanager
def running(command: list[str] | str, ready_url: str, env: dict[str, str] | None = None,
            log: Path | None = None, wait: float = 60) -> Iterator[subprocess.Popen]:
    """The server, once ``ready_url`` answers (any status below 500); stopped on leaving."""
    with started(command, env, log) as process:
        _wait_until_ready(process, ready_url, wait)
        yield process


@contextmanager
def started(command: list[str] | str, env: dict[str, str] | None = None,
            log: Path | None = None) -> Iterator[subprocess.Popen]:
    """A process and its children, stopped (SIGTERM, then SIGKILL after 30 s) on leaving."""
    argv = shlex.split(command) if isinstance(command, str) else command
    out = open(log, "ab") if log else subprocess.DEVNULL  # noqa: SIM115 (closed below)
    process = subprocess.Popen(argv, cwd=ROOT, env={**os.environ, **(env or {})}, stdout=out, stderr=out,
                               start_new_session=True)
    try:
        yield process
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        if log:
            out.close()


def _wait_until_ready(process: subprocess.Popen, url: str, wait: float) -> None:
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode} before answering {url}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status < 500:
                    return
        except urllib.error.HTTPError as error:
            if error.code < 500:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"no answer from {url} within {wait} s")
