"""The public paths benchmark still runs: its smoke version (3 contestants, one one-second run of
each path on SQLite with one gunicorn worker) must finish and write its figures. No timed assertion:
the machine's speed is not under test."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.ports import free_ports

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("wrk") is None, reason="needs wrk (Debian package wrk)")
def test_the_public_paths_benchmark_runs(tmp_path):
    output = tmp_path / "public_paths.json"
    # The benchmark builds its own databases: never the suite's (a PostgreSQL run sets DATABASE_URL).
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "public_paths.py"), "--smoke", "--sqlite-only",
                           "--port", str(free_ports(2)), "--output", str(output)],
                          cwd=ROOT, env=env, timeout=600, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-3000:]
    results = json.loads(output.read_text())["results"]["sqlite"]
    assert {"bare Flask JSON route", "bare Flask 50-row page", "skill page, 3/skill", "skill page 304, 3/skill",
            "find my bib, 3/skill", "contestant lookup, 3/skill"} <= set(results)
    for name, row in results.items():
        assert row["rps"] > 0 and row["errors"] == 0, (name, row)
        assert name.startswith("bare") or row["ratio"] > 0
