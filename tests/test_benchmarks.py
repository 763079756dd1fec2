"""Each benchmark runs end to end at a tiny size, so none of them rots. No timing is asserted (the
machines are shared): only that every phase ran and what must hold whatever the speed does.

They run on a temporary SQLite file (``DATABASE_URL`` is removed: a benchmark empties its database,
which must not be the suite's) and on free ports."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.ports import free_ports

ROOT = Path(__file__).resolve().parents[1]


def run(script: str, *args: str, timeout: int = 240) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / script), *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-4000:]


@pytest.mark.slow
def test_scale(tmp_path):
    out = tmp_path / "scale.json"
    run("scale.py", "--contestants", "200", "--skills", "2", "--output", str(out))
    found = json.loads(out.read_text())
    assert (found["tenth"]["contestants"], found["full"]["contestants"]) == (20, 200)
    assert found["full"]["marks"] == 200 * 42  # 24 measurement marks and 6 judgement sets of 3 scores
    assert found["full"]["rebuild_s"] > 0 and found["full"]["peak_mb"] > 0 and found["tenfold_time"] > 0


@pytest.mark.slow
@pytest.mark.parametrize("deployment", [[], ["--split"]], ids=["one pool", "deploy's two pools behind nginx"])
def test_release_burst(tmp_path, deployment):
    if deployment and not (shutil.which("nginx") or Path("/usr/sbin/nginx").exists()):
        pytest.skip("nginx is not installed (.ci/run installs it)")
    out = tmp_path / "burst.json"
    port = free_ports(22)  # the app (nginx with --split), the bare app, and --split's pools at +20 and +21
    run("release_burst.py", "--contestants", "30", "--skills", "2", "--judges", "4", "--judges-per-skill", "2",
        "--seconds", "3", "--alone", "2", "--drain", "60", "--pace", "0.5", "--workers", "2",
        "--port", str(port), "--bare-port", str(port + 1), "--output", str(out), *deployment)
    found = json.loads(out.read_text())
    for path in ("public skill page", "own result form", "own result", "judge batch"):
        assert found["burst"]["paths"][path]["requests"] > 0, path
    assert found["burst"]["paths"]["own result"]["failures"] == 0  # each contestant found their own line
    assert found["alone"]["paths"]["judge batch"]["requests"] > 0
    assert found["bare"]["paths"]["bare page"]["requests"] == 60
    assert found["marks_acknowledged"] > 0 and found["marks_not_stored"] == 0
    assert found["lost_marks"] == 0 and found["marks_in_database"] >= found["marks_acknowledged"]


@pytest.mark.slow
def test_certificates_queue(tmp_path):
    out = tmp_path / "queue.json"
    run("certificates_queue.py", "--certificates", "8", "--jobs", "2", "--backends", "sqlite",
        "--output", str(out))
    found = json.loads(out.read_text())
    assert [(r["processes"], r["certificates"], r["failed"], r["unfinished"]) for r in found["runs"]] == \
        [(1, 8, [], 0), (2, 8, [], 0)]


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("wrk") is None, reason="needs wrk (Debian package wrk)")
def test_verify(tmp_path):
    out = tmp_path / "verify.json"
    run("verify.py", "--smoke", "--port", str(free_ports(2)), "--output", str(out), timeout=120)
    found = json.loads(out.read_text())
    assert found["setup"]["revoked"] == 1 and found["setup"]["certificates"] == 6
    for name in ("bare Flask 50-row page", "verify, genuine", "verify, revoked"):
        assert found["results"][name]["rps"] > 0 and found["results"][name]["errors"] == 0, name
    assert found["results"]["verify, genuine"]["ratio_of"] == "bare page"
