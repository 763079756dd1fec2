"""``scoring`` stays pure domain code: no web framework, no ORM, no import of the app.

The web app, the paper import and the tablets all compute marks through ``scoring``; it must run
without an app or a database so that it is tested (and trusted) on its own. The check reads the
source with ``ast`` rather than looking at ``sys.modules``, which other tests have already filled
and which misses imports inside functions that were never called.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

SCORING = Path(__file__).resolve().parents[2] / "scoring"
FORBIDDEN = ("flask", "sqlalchemy", "werkzeug", "wtforms", "app")


def is_forbidden(module: str) -> bool:
    top = module.split(".")[0]
    return top in FORBIDDEN or top.startswith("flask_")


def imported_modules(source: str, package: str) -> list[tuple[int, str]]:
    """(line, absolute module) for every import in ``source``, a module of ``package``; relative
    imports are resolved, and ``importlib.import_module("…")`` / ``__import__("…")`` count too."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = package.split(".")
                base = parts[:len(parts) - node.level + 1]
                module = ".".join([*base, node.module] if node.module else base)
                if not node.module:   # ``from .. import app`` imports the name as a module
                    found += [(node.lineno, f"{module}.{a.name}".lstrip(".")) for a in node.names]
                    continue
            else:
                module = node.module or ""
            found.append((node.lineno, module.lstrip(".")))
        elif isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant) \
                and isinstance(node.args[0].value, str):
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if name in ("import_module", "__import__"):
                found.append((node.lineno, node.args[0].value))
    return found


def scoring_modules() -> list[Path]:
    return sorted(SCORING.rglob("*.py"))


def package_of(path: Path) -> str:
    return ".".join(path.relative_to(SCORING.parent).parent.parts)


def test_scoring_imports_no_web_or_database_code():
    offences = [f"{path.relative_to(SCORING.parent)}:{line} imports {module}"
                for path in scoring_modules()
                for line, module in imported_modules(path.read_text(encoding="utf-8"), package_of(path))
                if is_forbidden(module)]
    assert not offences, "scoring must stay pure (no Flask, SQLAlchemy, WTForms or app):\n" + "\n".join(
        offences)


def test_the_check_sees_the_scoring_modules():
    """Guard against a vacuous pass: the glob finds the package and its modules' real imports."""
    names = {p.name for p in scoring_modules()}
    assert {"__init__.py", "marks.py", "tiers.py", "levels.py"} <= names
    marks = {m for _, m in imported_modules((SCORING / "marks.py").read_text(encoding="utf-8"), "scoring")}
    assert {"decimal", "fractions", "dataclasses"} <= marks


@pytest.mark.parametrize(("source", "module"), [
    ("import flask", "flask"),
    ("import flask.json as j", "flask.json"),
    ("from flask import current_app", "flask"),
    ("from flask_login import current_user", "flask_login"),
    ("from flask_babel import gettext as _", "flask_babel"),
    ("import sqlalchemy.orm", "sqlalchemy.orm"),
    ("from werkzeug.exceptions import NotFound", "werkzeug.exceptions"),
    ("from wtforms import Form", "wtforms"),
    ("from app.extensions import db", "app.extensions"),
    ("import app", "app"),
    ("from ..app import models", "app"),
    ("from .. import app", "app"),
    ("def later():\n    from app import clock\n", "app"),
    ("import importlib\nimportlib.import_module('flask_wtf')", "flask_wtf"),
    ("__import__('sqlalchemy')", "sqlalchemy"),
])
def test_the_check_catches_each_kind_of_import(source, module):
    """Each spelling of a forbidden import is seen, including relative ones that leave ``scoring``
    and imports hidden inside a function."""
    modules = [m for _, m in imported_modules(source, "scoring")]
    assert module in modules
    assert is_forbidden(module)


@pytest.mark.parametrize("source", [
    "from decimal import Decimal",
    "from . import tiers",
    "from .levels import LADDER",
    "import application_rules",
    "import flaskish",
    "from appdirs import user_data_dir",
])
def test_the_check_allows_pure_imports(source):
    """Standard library, sibling modules and look-alike names (``flaskish``) are not flagged."""
    modules = [m for _, m in imported_modules(source, "scoring")]
    assert modules and not any(is_forbidden(m) for m in modules)
