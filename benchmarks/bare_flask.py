"""The reference a load benchmark is measured against: a bare Flask app under the same gunicorn.

``/json`` answers a small JSON object; ``/page`` renders 50 rows read from a SQLite file by a Jinja
template (what a framework page costs with no application in it). ``gunicorn benchmarks.bare_flask:app``
from the project root; the SQLite file is filled when the module is imported.
"""
from __future__ import annotations

import os
import sqlite3
import tempfile
from pathlib import Path

from flask import Flask, jsonify, render_template_string

PAGE = """<!doctype html><html lang="zh"><head><meta charset="utf-8"><title>成绩</title></head><body>
<table>{% for bib, name, total in rows %}<tr><td>{{ bib }}</td><td>{{ name }}</td><td>{{ total }}</td></tr>
{% endfor %}</table></body></html>"""

app = Flask(__name__)
_database = Path(os.environ.get("BARE_FLASK_DB") or Path(tempfile.gettempdir()) / f"bare-flask-{os.getpid()}.db")


def _fill() -> None:
    with sqlite3.connect(_database) as connection:
        connection.execute("CREATE TABLE IF NOT EXISTS lines (bib TEXT PRIMARY KEY, name TEXT, total TEXT)")
        connection.executemany("INSERT OR IGNORE INTO lines VALUES (?, ?, ?)",
                               [(f"S00-{i:04d}", f"选手{i}", f"{90 - i * 0.37:.2f}") for i in range(50)])


_fill()


@app.get("/json")
def json_route():
    return jsonify(ok=True, name="bare")


@app.get("/page")
def page():
    connection = sqlite3.connect(_database)
    try:
        rows = connection.execute("SELECT bib, name, total FROM lines ORDER BY bib LIMIT 50").fetchall()
    finally:
        connection.close()
    return render_template_string(PAGE, rows=rows)
