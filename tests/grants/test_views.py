"""The grants pages: the rule sets (and uploading one), an organizer's page per rule set (compute,
approve, manual amounts, budget, exports) and a unit's read-only view; and the forbidden paths — a
unit admin on the organizer page, an organizer of another tree, other roles, a foreign line posted."""
from __future__ import annotations

import re
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.audit import AuditEntry
from app.auth.models import Role
from app.extensions import db
from app.grants.budgets import GrantBudget
from app.grants.models import LedgerLine, LineStatus
from app.grants.services import Scope, export_bytes, ledger
from app.rulesets import RuleSetVersion
from scoring.rulesets import shipped_text
from tests.conftest import login
from tests.events.contest import id_number
from tests.grants.builders import GrantsWorld
from tests.grants.records_helpers import training_row
from tests.grants.test_records import TRAINING
from tests.marking.builders import run

PAGE = "/grants/jiangxi-2019"
JX_TREE = "?year=2026&unit=JX"


@pytest.fixture()
def world(make):
    found = GrantsWorld(make)
    u = found.units
    make.user("org", role=Role.ORGANIZER, unit=u["JX"])
    make.user("org-bj", role=Role.ORGANIZER, unit=u["BJ"])
    make.user("tc1", role=Role.UNIT_ADMIN, unit=u["JX-TC1"])
    make.user("bj-s1", role=Role.UNIT_ADMIN, unit=u["BJ-S1"])
    make.user("admin", role=Role.ADMIN)
    make.user("expert", role=Role.EXPERT)
    db.session.commit()
    return found


def login_en(client, username: str) -> None:
    """Logged in, reading English (the explanations and messages the tests look for)."""
    login(client, username)
    client.get("/lang/en")


def body(response) -> str:
    """The page's text, rule ids without the line-break hints the page puts after underscores."""
    return response.get_data(as_text=True).replace("_<wbr>", "_")


def csrf(client, url: str) -> str:
    found = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', client.get(url).get_data(as_text=True))
    assert found, url
    return found.group(1)


def post(client, url: str, page: str, **data):
    return client.post(url, data={"csrf_token": csrf(client, page), **data})


def compute(client, query: str = JX_TREE):
    return post(client, f"{PAGE}/compute{query}", PAGE + query)


def stored(trigger: str, rule: str, payee: str = "JX-TC1") -> LedgerLine:
    return db.session.scalar(select(LedgerLine).where(LedgerLine.trigger == trigger, LedgerLine.rule == rule,
                                                      LedgerLine.payee == payee))


def test_the_organizer_computes_and_sees_the_lines_of_their_tree(client, world):
    login_en(client, "org")
    page = client.get(PAGE)                                    # default: this year, the own unit
    assert page.status_code == 200 and "No lines" in body(page)
    response = compute(client)
    assert response.status_code == 302 and "year=2026" in response.headers["Location"]
    text = body(client.get(PAGE + JX_TREE))
    assert "Computed: 5 new, 0 updated, 0 removed" in text
    assert "national_hosting" in text and "JX-JT" in text and "BJ-S1" not in text   # not their tree
    assert "700,000.00" in text and "500,000.00" in text                             # total, JX-TC1
    assert "JX-TC1 hosts skill 焊接 WELD of NAT" in text
    assert db.session.scalar(select(func.count()).select_from(LedgerLine)) == 5
    assert client.get("/grants/").status_code == 200


def test_approve_freezes_and_a_recompute_shows_changed(client, world):
    login_en(client, "org")
    compute(client)
    hosting = stored("NAT/WELD", "national_hosting")
    response = post(client, f"{PAGE}/approve{JX_TREE}", PAGE + JX_TREE, lines=[str(hosting.id)])
    assert response.status_code == 302
    db.session.expire_all()
    assert hosting.status == LineStatus.APPROVED and hosting.approved_by == "user:org"
    text = shipped_text("grants", "jiangxi-2019").replace(
        'act = "hosting"\ntiers = "national_tiers"\namount = 300000',
        'act = "hosting"\ntiers = "national_tiers"\namount = 250000')
    upload = post(client, "/grants/rule-sets", "/grants/",
                  file=(__import__("io").BytesIO(text.encode()), "jiangxi.toml"))
    assert upload.status_code == 302
    compute(client)
    db.session.expire_all()
    assert (hosting.status, hosting.amount, hosting.fresh_amount) == (
        LineStatus.CHANGED, Decimal("300000.00"), Decimal("250000.00"))
    page = body(client.get(PAGE + JX_TREE + "&status=changed"))
    assert "1 approved line(s) changed" in page and "250,000.00" in page and "300,000.00" in page
    assert "NAT/CNC" not in page                                  # the status filter


def test_approve_is_all_or_none_and_manual_amounts_are_filled_in(client, world, tmp_path):
    number = id_number()
    path = tmp_path / "training.csv"
    path.write_text(TRAINING + "\n" + training_row(number) + "\n", encoding="utf-8")
    assert run("import", "training", str(path)).exit_code == 0
    login_en(client, "org")
    page = "/grants/shanxi-2018" + JX_TREE
    post(client, f"/grants/shanxi-2018/compute{JX_TREE}", page)
    lines = ledger(Scope("shanxi-2018", year=2026, unit="JX"))
    manual = next(line for line in lines if line.manual)
    assert "placement_reward" in body(client.get(page))
    refused = post(client, f"/grants/shanxi-2018/approve{JX_TREE}", page, lines=[str(ln.id) for ln in lines])
    assert refused.status_code == 302
    assert "fill in the amount of the manual line" in body(client.get(page))
    db.session.expire_all()
    assert not any(ln.approved for ln in lines)                                  # none approved
    for bad, message in (("-5", "an amount must be 0 or more"), ("abc", "in yuan to the fen"),
                         ("1.234", "in yuan to the fen"), ("", "This field is required")):
        post(client, f"/grants/shanxi-2018/lines/{manual.id}/amount{JX_TREE}", page, amount=bad)
        assert message in body(client.get(page)), bad
        db.session.expire_all()
        assert manual.amount is None, bad
    post(client, f"/grants/shanxi-2018/lines/{manual.id}/amount{JX_TREE}", page, amount="500.00")
    db.session.expire_all()
    assert manual.amount == Decimal("500.00")
    post(client, f"/grants/shanxi-2018/approve{JX_TREE}", page, lines=[str(ln.id) for ln in lines])
    db.session.expire_all()
    assert all(ln.approved for ln in lines)
    post(client, f"/grants/shanxi-2018/lines/{manual.id}/amount{JX_TREE}", page, amount="600")
    db.session.expire_all()
    assert manual.amount == Decimal("500.00")                                    # frozen


def test_the_budget_is_set_audited_and_shown(client, world):
    login_en(client, "org")
    compute(client)
    for bad in ("lots", "-1", "1.001"):
        post(client, f"{PAGE}/budget{JX_TREE}", PAGE + JX_TREE, year="2026", amount=bad)
    assert db.session.scalar(select(func.count()).select_from(GrantBudget)) == 0
    post(client, f"{PAGE}/budget{JX_TREE}", PAGE + JX_TREE, year="2026", amount="1000000")
    text = body(client.get(PAGE + JX_TREE))
    assert "1,000,000.00" in text and "300,000.00" in text                  # budget, left after 700,000
    post(client, f"{PAGE}/budget{JX_TREE}", PAGE + JX_TREE, year="2026", amount="900000.50")
    row = db.session.scalar(select(GrantBudget))
    assert (row.policy, row.year, row.amount, row.set_by) == ("jiangxi-2019", 2026, Decimal("900000.50"),
                                                               "user:org")
    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "grant_budget.set")).all()
    assert [e.after["amount"] for e in entries] == ["1000000.00", "900000.50"]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_exports_are_the_lines_shown(client, world, fmt):
    login_en(client, "org")
    compute(client)
    response = client.get(f"{PAGE}/export.{fmt}{JX_TREE}&status=computed")
    assert response.status_code == 200
    lines = ledger(Scope("jiangxi-2019", year=2026, unit="JX"), status=LineStatus.COMPUTED)
    assert len(lines) == 5
    assert response.data == export_bytes(lines, fmt, "jiangxi-2019")
    assert client.get(f"{PAGE}/export.pdf{JX_TREE}").status_code == 404


def test_a_rule_set_upload_lists_every_problem_and_saves_nothing(client, world):
    import io
    login_en(client, "org")
    bad = b'kind = "grants"\ncode = "x-1"\nname = "X"\n[[rules]]\nid = "a"\nkind = "nonsense"\n'
    response = post(client, "/grants/rule-sets", "/grants/", file=(io.BytesIO(bad), "x.toml"))
    text = body(response)
    assert response.status_code == 422 and "Nothing was saved" in text and "is required" in text
    assert "nonsense" in text and text.count("<tr><td>") >= 3
    response = post(client, "/grants/rule-sets", "/grants/", file=(io.BytesIO(b"x"), "x.csv"))
    assert response.status_code == 422 and "a rule set is a .toml file" in body(response)
    assert db.session.scalar(select(func.count()).select_from(RuleSetVersion)) == 0
    good = shipped_text("grants", "jiangxi-2019").replace("amount = 300000", "amount = 300001", 1)
    response = post(client, "/grants/rule-sets", "/grants/", file=(io.BytesIO(good.encode()), "jx.toml"))
    assert response.status_code == 302
    text = body(client.get("/grants/"))
    assert "jiangxi-2019 version 1 imported" in text and "imported version 1, by user:org" in text
    assert db.session.scalar(select(func.count()).select_from(RuleSetVersion)) == 1
    assert db.session.scalar(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.action == "rule_set.import")) == 1


def test_a_unit_sees_only_its_own_lines(client, world):
    login_en(client, "admin")
    compute(client, "?year=2026")                                   # every unit: JX and BJ lines
    assert db.session.scalar(select(func.count()).select_from(LedgerLine)) == 6
    client.post("/logout", data={"csrf_token": csrf(client, "/grants/")})
    login_en(client, "tc1")
    text = body(client.get("/grants/owed"))
    assert "national_hosting" in text and "500,000.00" in text
    assert "BJ-S1" not in text and "JX-JT" not in text
    foreign = body(client.get("/grants/owed?unit=BJ-S1"))
    assert "unknown unit BJ-S1" in foreign and "national_participation" not in foreign
    assert "unknown unit JX" in body(client.get("/grants/owed?unit=JX"))   # a parent
    assert client.get(PAGE).status_code == 403                          # the organizer page
    assert client.get("/grants/").status_code == 403
    assert post(client, f"{PAGE}/compute", "/grants/owed").status_code == 403


def test_an_organizer_of_another_tree_sees_no_foreign_payee(client, world):
    login_en(client, "org")
    compute(client)
    client.post("/logout", data={"csrf_token": csrf(client, "/grants/")})
    login_en(client, "org-bj")
    text = body(client.get(PAGE + "?year=2026"))
    assert "JX-TC1" not in text and "No lines" in text
    foreign = body(client.get(PAGE + JX_TREE))
    assert "unknown unit JX" in foreign and "national_hosting" not in foreign
    assert client.get(f"{PAGE}/export.csv{JX_TREE}").status_code == 404
    hosting = stored("NAT/WELD", "national_hosting")
    # a foreign line, posted from their own scope or naming the foreign one: refused, nothing approved
    assert post(client, f"{PAGE}/approve?year=2026", PAGE, lines=[str(hosting.id)]).status_code == 404
    assert post(client, f"{PAGE}/approve{JX_TREE}", PAGE, lines=[str(hosting.id)]).status_code == 404
    assert post(client, f"{PAGE}/compute{JX_TREE}", PAGE).status_code == 404
    assert post(client, f"{PAGE}/lines/{hosting.id}/amount?year=2026", PAGE, amount="1").status_code == 404
    db.session.expire_all()
    assert hosting.status == LineStatus.COMPUTED
    assert body(client.get("/grants/owed?unit=JX-TC1")).count("national_hosting") == 0


def test_other_roles_and_anonymous_are_refused(client, world):
    assert client.get(PAGE).status_code == 302                          # to the login page
    assert client.get("/grants/owed").status_code == 302
    login_en(client, "expert")
    for url in (PAGE, "/grants/", "/grants/owed", f"{PAGE}/export.csv"):
        assert client.get(url).status_code == 403, url


def test_bad_filters_are_messages_and_an_unknown_policy_is_404(client, world):
    login_en(client, "org")
    assert client.get("/grants/no-such-policy").status_code == 404
    text = body(client.get(PAGE + "?year=20x6&status=paid&event=NOPE"))
    assert "The year must be 4 digits" in text and "Unknown status paid" in text
    assert "unknown event NOPE" in text
    assert post(client, f"{PAGE}/approve{JX_TREE}", PAGE).status_code == 302          # none ticked
    assert "Tick at least one line." in body(client.get(PAGE))
