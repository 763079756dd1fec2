"""Bulk jobs' files of every certificates test go to its own temporary folder, never the instance folder."""
from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _jobs_dir(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "CERTIFICATE_JOBS_DIR", str(tmp_path / "jobs"))
