"""``import units`` and ``import event``: formats.md's shapes, all-or-nothing, located problems."""
from __future__ import annotations

import copy
import io
import json
from decimal import Decimal

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from app.audit import AuditEntry
from app.events.models import Component, Event, Skill
from app.extensions import db
from app.units.models import Unit

UNITS_CSV = """code,name,kind,parent_code
JX,江西省代表团,province,
JX-HRSS,江西省人力资源和社会保障厅,hr_authority,JX
JX-JT,江西省交通运输厅,industry,JX
JX-TC1,江西省技师学院,school,JX
"""

EVENT = {
    "code": "JX2026-PROV", "name": "2026年江西省职业技能大赛", "tier": "provincial", "class": 1,
    "year": 2026, "organizers": ["JX-HRSS", "JX-JT"], "starts_on": "2026-10-12",
    "ends_on": "2026-10-15", "registration": {"opens": "2026-08-01", "closes": "2026-09-15"},
    "feeder_event": None, "delegation_kind": None,
    "awards": "cn_standard", "promotion_rules": "jiangxi-2022",
    "tie_breakers": ["criterion_weight", "completion_time"],
    "skills": [
        {"code": "WELD-E", "name": "焊工（职工组）", "group": "employee",
         "occupation": {"code": "6-18-02-04", "name": "焊工"},
         "team_size": 1, "quota_per_unit": 2, "host_unit": "JX-TC1",
         "min_age": 16, "max_age": None, "age_reference": "2026-10-12",
         "components": [{"code": "theory", "weight": 20}, {"code": "practical", "weight": 80}]}
    ],
}


def run(app, *args):
    """A CLI call; click ≥ 8.2 keeps stdout and stderr apart."""
    return app.test_cli_runner().invoke(args=list(args))


@pytest.fixture()
def units_file(tmp_path):
    path = tmp_path / "units.csv"
    path.write_text(UNITS_CSV, encoding="utf-8")
    return path


def write_event(tmp_path, doc) -> str:
    path = tmp_path / "event.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return str(path)


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_import_units_csv(ctx, units_file):
    result = run(ctx, "import", "units", str(units_file))
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "imported 4 units (4 new, 0 changed)"
    assert db.session.scalar(select(Unit).where(Unit.code == "JX-TC1")).parent.code == "JX"
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "unit.import")).first()
    assert entry.actor.startswith("cli:")


def test_import_units_again_changes_only_what_differs(ctx, units_file, tmp_path):
    run(ctx, "import", "units", str(units_file))
    changed = tmp_path / "changed.csv"
    changed.write_text(UNITS_CSV.replace("江西省技师学院", "江西技师学院"), encoding="utf-8")
    result = run(ctx, "import", "units", str(changed))
    assert result.stdout.strip() == "imported 1 units (0 new, 1 changed)"


def test_import_units_xlsx_gb18030_and_bom(ctx, tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(["parent_code", "kind", "name", "code"])  # any column order
    sheet.append([None, "province", " 北京市代表团 ", "BJ"])
    buffer = io.BytesIO()
    book.save(buffer)
    (tmp_path / "u.xlsx").write_bytes(buffer.getvalue())
    assert run(ctx, "import", "units", str(tmp_path / "u.xlsx")).exit_code == 0
    assert db.session.scalar(select(Unit.name).where(Unit.code == "BJ")) == "北京市代表团"
    (tmp_path / "gb.csv").write_bytes("code,name,kind,parent_code\nSH,上海市代表团,province,\n".encode("gb18030"))
    assert run(ctx, "import", "units", str(tmp_path / "gb.csv")).exit_code == 0
    (tmp_path / "bom.csv").write_bytes("code,name,kind,parent_code\nTJ,天津市,province,\n".encode("utf-8-sig"))
    assert run(ctx, "import", "units", str(tmp_path / "bom.csv")).exit_code == 0
    assert count(Unit) == 3


def test_import_units_reports_every_problem_and_saves_nothing(ctx, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("code,name,kind,parent_code\nok-lower,名,province,\nA,,planet,\nB,乙,city,NOPE\n"
                   "C,丙,city,D\nD,丁,city,C\n", encoding="utf-8")
    result = run(ctx, "import", "units", str(bad))
    assert result.exit_code == 1
    errors = result.stderr
    for expected in ("row 2, code", "row 3, name: is empty", "row 3, kind: 'planet'",
                     "row 4, parent_code: unknown unit NOPE",
                     "row 5, parent_code: D makes a loop", "row 6, parent_code: C makes a loop"):
        assert expected in errors, errors
    assert "nothing saved" in errors
    assert count(Unit) == 0


def test_import_units_refuses_unknown_and_missing_columns(ctx, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("code,name,kind,colour\nA,甲,city,red\n", encoding="utf-8")
    result = run(ctx, "import", "units", str(bad))
    assert result.exit_code == 1
    assert "row 1: unknown column(s): colour" in result.stderr
    assert "row 1: missing column(s): parent_code" in result.stderr


def test_import_event(ctx, units_file, tmp_path):
    run(ctx, "import", "units", str(units_file))
    result = run(ctx, "import", "event", write_event(tmp_path, EVENT))
    assert result.exit_code == 0, result.stderr
    assert result.stdout.strip() == "imported event JX2026-PROV with 1 skills"
    event = db.session.scalar(select(Event))
    assert [u.code for u in event.organizers] == ["JX-HRSS", "JX-JT"]
    assert event.event_class == "1" and event.tie_breakers == ["criterion_weight", "completion_time"]
    skill = event.skills[0]
    assert skill.host_unit.code == "JX-TC1" and skill.components[0] == Component("theory", Decimal("20.00"))
    assert str(event.section_tolerance) == "5.00"
    again = run(ctx, "import", "event", write_event(tmp_path, EVENT))
    assert again.exit_code == 1 and "exists already" in again.stderr


def test_event_file_with_three_errors_reports_all_three_and_saves_nothing(ctx, units_file, tmp_path):
    run(ctx, "import", "units", str(units_file))
    doc = copy.deepcopy(EVENT)
    doc["skills"][0]["quota_per_unit"] = 0
    doc["organizers"] = ["JX-HRSS", "NOWHERE"]
    doc["colour"] = "red"
    result = run(ctx, "import", "event", write_event(tmp_path, doc))
    assert result.exit_code == 1
    lines = [line for line in result.stderr.splitlines() if not line.startswith("refused")]
    assert sorted(lines) == sorted([
        "skills[0].quota_per_unit: must be at least 1",
        "organizers[1]: unknown unit NOWHERE",
        "colour: unknown key",
    ])
    assert count(Event) == 0 and count(Skill) == 0


@pytest.mark.parametrize("change, message", [
    ({"tier": "galactic"}, "tier: 'galactic' is not one of"),
    ({"class": 4}, "class: 4 is not a class of tier provincial"),
    ({"tier": "national_industry"}, "class: 1 is not a class of tier national_industry"),
    ({"tier": "special", "class": None}, "effective_tier: is required when tier is special"),
    ({"ends_on": "2026-10-01"}, "ends_on: is before starts_on"),
    ({"registration": {"opens": "2026-08-01"}}, "registration.closes: is required"),
    ({"tie_breakers": ["coin_toss"]}, "tie_breakers[0]: 'coin_toss' is not one of"),
    ({"awards": {"bands": [{"award": "first_prize", "top_percent": "10.001"}]}},
     "awards.bands[0].top_percent: '10.001' has more than 2 decimals"),
    ({"marking_team_size": 4}, "marking_team_size: must be an odd number"),
    ({"feeder_event": "NOPE"}, "feeder_event: unknown event NOPE"),
    ({"promotion_rules": "atlantis-2030"}, "promotion_rules: unknown promotion rule set atlantis-2030"),
    ({"tier": "municipal", "class": None, "promotion_rules": "tianjin-2024"},
     "promotion_rules: promotion rule set tianjin-2024 has no rule for tier municipal without a class"),
    ({"tier": "enterprise", "class": None},
     "promotion_rules: promotion rule set jiangxi-2022 has no rule for tier enterprise"),
])
def test_event_file_value_checks(ctx, units_file, tmp_path, change, message):
    run(ctx, "import", "units", str(units_file))
    doc = copy.deepcopy(EVENT) | change
    result = run(ctx, "import", "event", write_event(tmp_path, doc))
    assert result.exit_code == 1
    assert message in result.stderr, result.stderr


def test_skill_components_must_add_up(ctx, units_file, tmp_path):
    run(ctx, "import", "units", str(units_file))
    doc = copy.deepcopy(EVENT)
    doc["skills"][0]["components"][0]["weight"] = 30
    result = run(ctx, "import", "event", write_event(tmp_path, doc))
    assert "skills[0].components: weights add up to 110.00, not 100" in result.stderr


def test_update_before_the_event_starts_only(ctx, units_file, tmp_path):
    from app import clock
    from tests.conftest import FROZEN_NOW
    run(ctx, "import", "units", str(units_file))
    run(ctx, "import", "event", write_event(tmp_path, EVENT))
    doc = copy.deepcopy(EVENT) | {"name": "改名"}
    assert run(ctx, "import", "event", "--update", write_event(tmp_path, doc)).exit_code == 0
    assert db.session.scalar(select(Event.name)) == "改名"
    with clock.frozen(FROZEN_NOW.replace(month=10, day=12)):
        late = run(ctx, "import", "event", "--update", write_event(tmp_path, doc))
    assert late.exit_code == 1 and "can no longer be changed" in late.stderr


def test_bad_json_and_missing_file(ctx, tmp_path):
    (tmp_path / "e.json").write_text("{nope", encoding="utf-8")
    result = run(ctx, "import", "event", str(tmp_path / "e.json"))
    assert result.exit_code == 1 and "line 1, column 2: not valid JSON" in result.stderr
    assert run(ctx, "import", "event", str(tmp_path / "missing.json")).exit_code == 2
    assert run(ctx, "import", "event").exit_code == 2


def test_web_upload_uses_the_same_parser(client, make, units_file, tmp_path):
    from app.auth.models import Role
    from tests.conftest import login
    run(client.application, "import", "units", str(units_file))
    make.user("org", role=Role.ORGANIZER, unit=db.session.scalar(select(Unit).where(Unit.code == "JX")))
    db.session.commit()
    login(client, "org")
    doc = copy.deepcopy(EVENT)
    doc["skills"][0]["quota_per_unit"] = 0
    response = client.post("/events/import", data={"file": (io.BytesIO(json.dumps(doc).encode()), "e.json")},
                           content_type="multipart/form-data")
    assert response.status_code == 422  # a page showing a refusal: the request rolls back
    assert "skills[0].quota_per_unit" in response.get_data(as_text=True)
    assert count(Event) == 0
    response = client.post("/events/import", data={"file": (io.BytesIO(json.dumps(EVENT).encode()), "e.json")},
                           content_type="multipart/form-data")
    assert response.status_code == 302
    assert count(Event) == 1


def test_an_imported_promotion_rule_set_can_cover_a_tier_the_shipped_one_does_not(ctx, units_file, tmp_path):
    """`import event` asks the rule set in force: a province that loads its own version for enterprise
    contests can name it."""
    run(ctx, "import", "units", str(units_file))
    doc = copy.deepcopy(EVENT) | {"tier": "enterprise", "class": None, "promotion_rules": "jx-enterprise-2026"}
    assert run(ctx, "import", "event", write_event(tmp_path, doc)).exit_code == 1
    rules = tmp_path / "rules.toml"
    rules.write_text('''kind = "promotion"
code = "jx-enterprise-2026"
name = "企业岗位练兵 以赛代评"
source = "a test rule set"
valid_from = 2026-01-01
one_per_year = true

[[rules]]
id = "top3"
source = "test: top 3 employees → 高级工"
tiers = ["enterprise"]
groups = ["employee"]
ranks = [1, 3]
target = "level3"
''', encoding="utf-8")
    assert run(ctx, "import", "rules", str(rules)).exit_code == 0
    result = run(ctx, "import", "event", write_event(tmp_path, doc))
    assert result.exit_code == 0, result.stderr
