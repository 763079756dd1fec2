"""The reference every public path is measured against, served by the same gunicorn in the same run:
a bare Flask app with a JSON route and a page that reads 50 rows from SQLite and renders them with
Jinja (what "the framework's limit" means on this machine). ``BARE_FLASK_DB`` names its SQLite file,
made by :func:`make_database`.
"""
from __future__ import annotations

import os
import sqlite3

from flask import Flask, jsonify, render_template_string

PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Rows</title></head><body>
<table><thead><tr><th>#</th><th>Bib</th><th>Name</th><th>Unit</th><th>Total</th></tr></thead><tbody>
{% for row in rows %}<tr><td>{{ row[0] }}</td><td>{{ row[1] }}</td><td>{{ row[2] }}</td><td>{{ row[3] }}</td>
<td>{{ row[4] }}</td></tr>{% endfor %}</tbody></table></body></html>"""

app = Flask(__name__)


def make_database(path: str) -> None:
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE IF NOT EXISTS rows (id INTEGER PRIMARY KEY, bib TEXT, name TEXT, "
                           "unit TEXT, total TEXT)")
        connection.execute("DELETE FROM rows")
        connection.executemany("INSERT INTO rows VALUES (?, ?, ?, ?, ?)",
                               [(i, f"W-{i:04d}", f"选手{i}", f"单位{i % 20}", f"{90 - i / 100:.2f}")
                                for i in range(1, 51)])


@app.route("/json")
def json_route():
    return jsonify(ok=True, service="bare", rows=50)


@app.route("/page")
def page():
    connection = sqlite3.connect(os.environ["BARE_FLASK_DB"])
    try:
        rows = connection.execute("SELECT id, bib, name, unit, total FROM rows ORDER BY id LIMIT 50").fetchall()
    finally:
        connection.close()
    return render_template_string(PAGE, rows=rows)
