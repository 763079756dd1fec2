"""pyproject's import contracts bite: lint-imports, with the repository's own configuration, passes on
a copy of the code and fails once a forbidden import is added to that copy."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def copy_of_the_code(tmp_path: Path) -> Path:
    for package in ("app", "scoring"):
        shutil.copytree(ROOT / package, tmp_path / package,
                        ignore=shutil.ignore_patterns("__pycache__", "static", "translations", "*.toml"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def lint_imports(tree: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(tree)}
    return subprocess.run([str(LINT_IMPORTS), "--no-cache"], cwd=tree, env=env, capture_output=True, text=True,
                          timeout=300)


def test_the_code_keeps_every_contract(tmp_path):
    result = lint_imports(copy_of_the_code(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(("module", "line", "contract"), [
    ("scoring/ranking.py", "import app", "scoring is pure: no app, no Flask, no database"),
    ("scoring/ranking.py", "import flask", "scoring is pure: no app, no Flask, no database"),
    ("app/marking/naming.py", "import app.results", "Layers: entry points, features in the flow's order, core"),
    ("app/auth/scope.py", "import app.events.models", "Layers: entry points, features in the flow's order, core"),
    ("app/results/standings.py", "import app.cli", "Only command modules use the command-line toolkit"),
    ("app/results/tables.py", "import app.marking.views",
     "Marking's internals (pages, forms, file readers, commands) stay in marking"),
    ("app/marking/views.py", "import app.events.forms",
     "Events' internals (pages, forms, the event file reader, commands) stay in events"),
])
def test_a_forbidden_import_breaks_its_contract(tmp_path, module, line, contract):
    tree = copy_of_the_code(tmp_path)
    path = tree / module
    path.write_text(path.read_text(encoding="utf-8") + f"\n{line}  # the forbidden import\n", encoding="utf-8")
    result = lint_imports(tree)
    assert result.returncode == 1, result.stdout + result.stderr
    broken = result.stdout.split("Broken contracts", 1)[1]
    assert f"{contract}\n" in broken, result.stdout
