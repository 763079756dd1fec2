"""``import rules`` and the rule-set lookup: both kinds validated by their own readers, every problem
listed, nothing stored on a refusal, the newest imported version in force (else the shipped file),
imports audited, grant matches resolved against the sets in force."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.audit import AuditEntry
from app.extensions import db
from app.rulesets import (
    GRANTS,
    PROMOTION,
    RuleSetUnknown,
    RuleSetVersion,
    rule_set,
    rule_sets,
    version_in_force,
    versions,
)
from scoring.rulesets import shipped_text
from tests.grants.builders import GrantsWorld
from tests.marking.builders import run

JIANGXI = shipped_text(GRANTS, "jiangxi-2019")
MOHRSS = shipped_text(GRANTS, "mohrss-worldskills-2015")
TIANJIN = shipped_text(PROMOTION, "tianjin-2024")


def write(tmp_path, text: str, name: str = "rules.toml") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def stored() -> int:
    return db.session.scalar(select(func.count()).select_from(RuleSetVersion))


def jiangxi_with(hosting: int) -> str:
    old = 'act = "hosting"\ntiers = "national_tiers"\namount = 300000'
    assert old in JIANGXI
    return JIANGXI.replace(old, f'act = "hosting"\ntiers = "national_tiers"\namount = {hosting}')


def test_a_new_version_of_a_grant_rule_set_is_in_force_and_audited(ctx, tmp_path):
    assert version_in_force(GRANTS, "jiangxi-2019") == 0
    result = run("import", "rules", write(tmp_path, jiangxi_with(250000)))
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "imported grants rule set jiangxi-2019 version 1 (5 rules)"
    assert rule_set(GRANTS, "jiangxi-2019").rule("national_hosting").spec.amount == Decimal("250000.00")
    result = run("import", "rules", write(tmp_path, jiangxi_with(280000)))
    assert result.stdout.strip() == "imported grants rule set jiangxi-2019 version 2 (5 rules)"
    assert rule_set(GRANTS, "jiangxi-2019").rule("national_hosting").spec.amount == Decimal("280000.00")
    assert [v.version for v in versions(GRANTS, "jiangxi-2019")] == [2, 1]
    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "rule_set.import")
                                 .order_by(AuditEntry.id)).all()
    assert [(e.entity_id, e.before, e.after["version"]) for e in entries] == [
        ("grants/jiangxi-2019", {"version": 0}, 1), ("grants/jiangxi-2019", {"version": 1}, 2)]
    assert entries[0].actor.startswith("cli:") and len(entries[0].after["sha256"]) == 64
    row = versions(GRANTS, "jiangxi-2019")[0]
    assert (row.valid_from, row.imported_by[:4], row.text) == (date(2019, 1, 1), "cli:", jiangxi_with(280000))

    again = run("import", "rules", write(tmp_path, jiangxi_with(280000)))
    assert again.exit_code == 0
    assert again.stdout.strip() == "grants rule set jiangxi-2019 unchanged (version 2 in force)"
    shipped = run("import", "rules", write(tmp_path, MOHRSS))
    assert shipped.stdout.strip() == ("grants rule set mohrss-worldskills-2015 unchanged "
                                      "(the shipped file in force)")
    assert stored() == 2


def test_the_computation_uses_the_version_in_force(make, tmp_path):
    GrantsWorld(make)
    run("import", "rules", write(tmp_path, jiangxi_with(250000)))
    result = run("grants", "compute", "--policy", "jiangxi-2019", "--format", "csv")
    assert "JX-TC1,national_hosting,NAT/WELD,250000.00," in result.stdout


def test_a_promotion_rule_set_is_imported_by_its_kind(ctx, tmp_path):
    changed = TIANJIN.replace('code = "tianjin-2024"', 'code = "tianjin-2026"')
    result = run("import", "rules", write(tmp_path, changed))
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("imported promotion rule set tianjin-2026 version 1")
    found = rule_set(PROMOTION, "tianjin-2026")
    assert found.code == "tianjin-2026" and found.rules
    assert rule_set(PROMOTION, "tianjin-2024").code == "tianjin-2024"        # shipped, untouched
    with pytest.raises(RuleSetUnknown):
        rule_set(GRANTS, "tianjin-2026")                                       # kinds do not mix
    listed = {(i.code, i.version) for i in rule_sets(PROMOTION)}
    assert ("tianjin-2026", 1) in listed and ("national-2023", 0) in listed


def test_a_bad_grant_rule_file_lists_every_problem_and_stores_nothing(ctx, tmp_path):
    bad = JIANGXI.replace('amount = 300000', 'amount = -5', 1)
    bad = bad.replace('act = "organizing"', 'act = "sponsoring"')
    bad = bad.replace('kind = "per_base"', 'kind = "per_castle"').replace('code = "jiangxi-2019"\n', '')
    result = run("import", "rules", write(tmp_path, bad))
    assert result.exit_code == 1
    err = result.stderr
    for found in ("code: is required", 'rules[0].amount: must be 0 or more yuan to the fen, or "manual"',
                  "rules[3].act: 'sponsoring' is not one of",
                  "rules[4].kind: 'per_castle' is not a rule kind",
                  "refused: 4 problem(s), nothing saved"):
        assert found in err, err
    assert stored() == 0


def test_a_bad_promotion_rule_file_lists_every_problem(ctx, tmp_path):
    bad = TIANJIN.replace("one_per_year = true", "one_per_year = 3")
    bad = bad.replace('tiers = ["municipal"]', 'tiers = ["moon"]')
    result = run("import", "rules", write(tmp_path, bad))
    assert result.exit_code == 1
    assert "one_per_year: must be true or false" in result.stderr and "'moon'" in result.stderr, result.stderr
    assert stored() == 0


@pytest.mark.parametrize(("text", "name", "expected"), [
    ("kind = \"grants\"\ncode = [", "rules.toml", "file: not valid TOML"),
    ('kind = "medals"\ncode = "x"\n', "rules.toml", "kind: 'medals' is not a kind of rule set"),
    ('code = "x"\n', "rules.toml", "kind: is required"),
    ('kind = ["grants"]\ncode = "x"\n', "rules.toml", "kind: ['grants'] is not a kind of rule set"),
    (JIANGXI, "rules.json", "file: .json: a rule set is a .toml file"),
])
def test_files_that_are_no_rule_set_are_refused(ctx, tmp_path, text, name, expected):
    result = run("import", "rules", write(tmp_path, text, name))
    assert result.exit_code == 1 and expected in result.stderr, result.stderr


def test_a_match_follows_the_matched_set_in_force_and_cannot_be_broken(ctx, tmp_path):
    richer = MOHRSS.replace("gold = 200000", "gold = 250000")
    assert run("import", "rules", write(tmp_path, richer)).exit_code == 0
    xiamen = rule_set(GRANTS, "xiamen-2022").rule("worldskills_match").spec
    assert xiamen.table["gold"] == Decimal("250000.00")                      # 1:1 of the version in force
    broken = MOHRSS.replace('id = "competitor"', 'id = "competitors"')
    result = run("import", "rules", write(tmp_path, broken))
    assert result.exit_code == 1
    assert ("xiamen-2022.toml: rules[0].match: mohrss-worldskills-2015 has no rule competitor"
            in result.stderr), result.stderr
    assert [v.version for v in versions(GRANTS, "mohrss-worldskills-2015")] == [1]


def test_unknown_rule_sets(ctx):
    with pytest.raises(RuleSetUnknown, match="unknown grants rule set nope"):
        rule_set(GRANTS, "nope")
    with pytest.raises(RuleSetUnknown):
        rule_set("medals", "x")
    shipped = {i.code: i for i in rule_sets(GRANTS)}
    assert set(shipped) == {"heilongjiang-2018", "hunan-2019", "jiangxi-2019", "mohrss-worldskills-2015",
                            "shanxi-2018", "xiamen-2022"}
    assert shipped["jiangxi-2019"].shipped and shipped["jiangxi-2019"].valid_from == date(2019, 1, 1)
