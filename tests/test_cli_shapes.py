"""No command of the contract prints a traceback, whatever the input (issue 20, point 5): every
command of formats.md runs once over files in the unexpected-but-valid shapes the contract allows —
integers where decimals are usual (weights, maxima, tolerances, award percentages, scores, amounts),
optional keys present as ``null``, empty optional cells, dates as strings where TOML has its own —
and each exits with its documented code (0, 1, 2 or 3), never with an exception.
"""
from __future__ import annotations

import copy

from app.extensions import db
from tests.events.contest import id_number
from tests.marking.builders import run
from tests.organizer_contest import EVENT, EVENT_FILE, SCHEME, SKILL, contest_files, write_csv

NULLS = {"effective_tier": None, "registration": None, "feeder_event": None, "delegation_kind": None,
         "tie_breakers": None, "flagship": None, "blind_marking": None, "marking_team_size": None,
         "spread_limit": None, "appeals_hours": None, "min_standardized": None, "level_certificate_issuer": None,
         "self_registration": None, "bar_previous_medallists": None, "employees_of_organizers_only": None}


def odd_event() -> dict:
    event = copy.deepcopy(EVENT_FILE) | NULLS
    event.update({"section_tolerance": 5, "tie_window": 0,
                  "awards": {"bands": [{"award": "first_prize", "top_percent": 25},
                                       {"award": "second_prize", "top_percent": 25}], "min_raw": 0}})
    event["skills"][0].update({"host_unit": None, "min_age": None, "max_age": None, "age_reference": None,
                               "min_level": None, "quota_per_unit": None})
    return event


def odd_scheme() -> dict:
    scheme = copy.deepcopy(SCHEME)
    a = scheme["criteria"][0]
    a["total"] = 66
    a1 = a["sub_criteria"][0]["aspects"]
    a1[0].update({"requirement": None, "extra": None})
    a1[1].update({"calculation": "deduction", "deduct": 1})
    a1[2].update({"calculation": "bands", "bands": [[1, 15], ["2", 10]]})
    return scheme


def test_every_command_exits_with_a_code_never_a_traceback(ctx, tmp_path):
    files = contest_files(tmp_path, odd_event(), odd_scheme())
    person = id_number("1990-01-02")
    steps = [
        (0, "db", "upgrade"),
        (0, "import", "units", files["units"]),
        (0, "import", "event", files["event"]),
        (0, "import", "contestants", EVENT, files["contestants"]),
        (0, "import", "judges", EVENT, files["judges"]),
        (0, "import", "scheme", EVENT, SKILL, files["scheme"]),
        (0, "export", "scheme", EVENT, SKILL),
        (0, "export", "scheme", EVENT, SKILL, "--format", "xlsx", "--output", str(tmp_path / "scheme.xlsx")),
        (0, "import", "attendance", EVENT, SKILL, write_csv(tmp_path / "att.csv", ["contestant_no", "status"],
                                                            [["M-01", "competed"]])),
        (0, "import", "timings", EVENT, SKILL, write_csv(tmp_path / "t.csv", ["contestant_no", "completion_seconds"],
                                                         [["M-01", "3600"], ["M-03", "0"]])),
        (0, "import", "marks", EVENT, SKILL, files["marks"], "--lock"),
        (0, "import", "component", EVENT, SKILL, "theory", files["theory"]),
        (0, "results", "export", EVENT, "--format", "csv"),
        (0, "results", "publish", EVENT, "--skill", SKILL),
        (0, "results", "publish", EVENT, "--final"),
        (1, "results", "amend", EVENT, SKILL, "M-01", "--reason", " ", "--disqualify"),
        (2, "results", "amend", EVENT, SKILL, "M-01", "--disqualify"),
        (0, "promotion", "propose", EVENT),
        (0, "certificates", "issue", EVENT, "--kinds", "award,participation", "--output", str(tmp_path / "c")),
        (0, "results", "amend", EVENT, SKILL, "M-01", "--reason", "违规", "--disqualify"),
        (0, "promotion", "export", EVENT, "--format", "csv"),
        (0, "results", "export", EVENT, "--format", "xlsx", "--output", str(tmp_path / "r.xlsx")),
        (0, "import", "training", write_csv(tmp_path / "training.csv", [
            "id_number", "name", "training_body", "occupation", "start_date", "end_date", "days",
            "certificate_date", "employed_date", "employed_in_province", "placed_by_body"],
            [[person, "学员", "JX-E1", "焊工", "2026-03-01", "2026-03-10", "10", "", "", "", ""]])),
        (0, "import", "titles", write_csv(tmp_path / "titles.csv", ["id_number", "name", "unit_code", "title", "year"],
                                          [[person, "学员", "JX-E1", "provincial_technical_expert", "2026"]])),
        (0, "import", "rules", _rules(tmp_path)),
        (0, "grants", "compute", "--policy", "jiangxi-2019", "--year", "2026"),
        (0, "grants", "compute", "--policy", "jiangxi-2019", "--event", EVENT, "--unit", "JX", "--format", "csv"),
        (0, "users", "create", "odd-organizer", "--role", "organizer", "--unit", "JX-HRSS", "--password", "x" * 12),
        (0, "demo"),
        (1, "demo"),
    ]
    wrong = []
    for expected, *args in steps:
        result = run(*args)
        db.session.rollback()
        crashed = result.exception is not None and not isinstance(result.exception, SystemExit)
        if crashed or result.exit_code != expected or "Traceback" in result.output:
            wrong.append(f"{' '.join(args[:3])}: exit {result.exit_code} (wanted {expected}) "
                         f"{result.exception!r} {result.output[-400:]}")
    assert not wrong, "\n".join(wrong)


def _rules(tmp_path) -> str:
    """A promotion rule set with an integer top_percent and valid_from as a string."""
    path = tmp_path / "rules.toml"
    path.write_text('''kind = "promotion"
code = "odd-2026"
name = "整数与字符串日期"
source = "issue 20"
valid_from = "2026-01-01"
one_per_year = false

[[rules]]
id = "top30"
source = "issue 20"
tiers = ["provincial"]
groups = ["employee"]
top_percent = 30
target = "level3"
''', encoding="utf-8")
    return str(path)
