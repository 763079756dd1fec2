"""The organizer's results pages: who sees a skill's results (organizers and the chief expert; every
forbidden path tried), publication from the page (one transaction, refusals shown), the standings
downloads (the command line's bytes), the medal table, the histogram, and the links to the pages."""
from __future__ import annotations

import io
import json
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import pytest
from openpyxl import load_workbook

from app.auth.models import Role
from app.extensions import db
from app.results.chart import histogram
from app.results.medal_table import award_columns, medal_table
from app.results.models import Publication
from app.results.standings import results_of
from scoring.medals import parse_award_table
from tests.conftest import csrf_token
from tests.events.helpers import login_en
from tests.factories import PASSWORD
from tests.marking.builders import World, audit_entries, run
from tests.results.builders import finished_world

PAGE = "/events/EV1/skills/WELD/results"
PUBLISH = f"{PAGE}/publish"
FINAL = f"{PAGE}/publish-final"
EXPORT = "/events/EV1/results/standings"


def add_organizers(world, make) -> None:
    world.users["org"] = make.user("org", role=Role.ORGANIZER, unit=world.hrss)
    world.users["org-nc"] = make.user("org-nc", role=Role.ORGANIZER, unit=world.units["JX-NC"])
    world.users["ua"] = make.user("ua", role=Role.UNIT_ADMIN, unit=world.hrss)
    world.users["admin"] = make.user("admin", role=Role.ADMIN)
    db.session.commit()


@pytest.fixture()
def world(ctx, make):
    world = finished_world(make)
    add_organizers(world, make)
    return world


def as_user(client, name: str) -> None:
    client.post("/logout")
    login_en(client, name)


def state(world, skill=None) -> Publication:
    db.session.expire_all()
    return results_of(skill or world.weld).publication


# --------------------------------------------------------------------------- who sees the page


@pytest.mark.parametrize("name", ["org", "admin"])
def test_organizers_see_the_table_chart_and_actions(client, world, name):
    as_user(client, name)
    page = client.get(PAGE)
    assert page.status_code == 200
    text = page.text
    for bib, total in (("W-01", "92.00"), ("W-02", "80.66"), ("W-03", "63.34")):
        assert bib in text and total in text
    assert "W-04" in text and "Absent" in text
    assert "Gold" in text and "Silver" in text and "Bronze" in text
    assert "Technical Expert proposal" in text
    assert "<svg" in text and 'class="median"' in text and "median 80.66" in text
    assert "Publish provisionally" in text and "Publish final results" in text
    assert f"{EXPORT}.csv" in text and f"{EXPORT}.xlsx" in text and f"{EXPORT}.json" in text
    assert "Not published" in text


def test_the_chief_expert_reads_but_may_not_publish_or_download(client, world):
    as_user(client, "chief")
    page = client.get(PAGE)
    assert page.status_code == 200 and "92.00" in page.text
    assert "Publish provisionally" not in page.text and EXPORT not in page.text
    assert client.post(PUBLISH).status_code == 403
    assert client.post(FINAL, data={"confirm": "y"}).status_code == 403
    assert client.get(f"{EXPORT}.json").status_code == 403
    assert state(world) == Publication.PRIVATE


@pytest.mark.parametrize("name", ["j1", "sup", "res", "outsider"])
def test_other_experts_get_404(client, world, name):
    as_user(client, name)
    assert client.get(PAGE).status_code == 404
    assert client.get("/events/EV1/skills/CARE/results").status_code == 404


def test_unit_admin_is_refused_and_anonymous_sent_to_login(client, world):
    anonymous = client.get(PAGE)
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]
    assert client.post(PUBLISH).status_code == 302
    assert "/login" in client.get(f"{EXPORT}.csv").headers["Location"]
    as_user(client, "ua")
    assert client.get(PAGE).status_code == 403
    assert client.post(PUBLISH).status_code == 403
    assert client.get(f"{EXPORT}.csv").status_code == 403


def test_an_organizer_of_another_tree_gets_404_everywhere(client, world):
    as_user(client, "org-nc")
    assert client.get(PAGE).status_code == 404
    assert client.post(PUBLISH).status_code == 404
    assert client.post(FINAL, data={"confirm": "y"}).status_code == 404
    assert client.get(f"{EXPORT}.json").status_code == 404
    assert state(world) == Publication.PRIVATE


def test_unknown_skill_or_event_is_404(client, world):
    as_user(client, "org")
    assert client.get("/events/EV1/skills/NOPE/results").status_code == 404
    assert client.get("/events/NOPE/skills/WELD/results").status_code == 404
    assert client.get("/events/NOPE/results/standings.csv").status_code == 404


def test_a_skill_without_a_scheme_says_so(client, make):
    world = World(make, scheme=False)
    make.user("org", role=Role.ORGANIZER, unit=world.hrss)
    db.session.commit()
    login_en(client, "org")
    page = client.get(PAGE)
    assert page.status_code == 200 and "no standings yet" in page.text


# --------------------------------------------------------------------------- publication


def test_publish_provisionally_then_final(client, world):
    as_user(client, "org")
    before = results_of(world.weld).version
    page = client.post(PUBLISH, follow_redirects=True)
    assert "The results of WELD are published provisionally." in page.text
    assert state(world) == Publication.PROVISIONAL and results_of(world.weld).version > before
    assert state(world, world.care) == Publication.PRIVATE  # one skill only
    assert "Publish provisionally" not in page.text and "Provisional" in page.text
    assert [e.after["publication"] for e in audit_entries("results.publish")] == ["provisional"]

    refused = client.post(FINAL, follow_redirects=True)
    assert "Tick the box" in refused.text and state(world) == Publication.PROVISIONAL
    done = client.post(FINAL, data={"confirm": "y"}, follow_redirects=True)
    assert "The results of WELD are final." in done.text
    assert state(world) == Publication.FINAL
    assert "Publish final results" not in done.text


def test_a_refusal_is_rolled_back_and_shown(client, make):
    world = finished_world(make, theory=False)  # theory scores missing: not complete
    add_organizers(world, make)
    as_user(client, "org")
    page = client.get(PAGE)
    assert "theory score missing for W-01" in page.text and "Not complete" in page.text
    refused = client.post(PUBLISH, follow_redirects=True)
    assert "WELD is not complete" in refused.text and 'flash-error' in refused.text
    assert state(world) == Publication.PRIVATE
    assert audit_entries("results.publish") == []


def test_publishing_twice_is_refused_with_the_reason(client, world):
    as_user(client, "org")
    client.post(PUBLISH)
    again = client.post(PUBLISH, follow_redirects=True)
    assert "WELD is already provisional" in again.text


def test_the_appeals_window_blocks_final_publication(client, make):
    world = finished_world(make, appeals_hours=2)
    add_organizers(world, make)
    as_user(client, "org")
    page = client.post(PUBLISH, follow_redirects=True)
    assert "appeals window of 2 hours" not in page.text  # only offered before publishing
    assert "the appeals window is open until 2026-09-01 12:00" in page.text  # the hint
    refused = client.post(FINAL, data={"confirm": "y"}, follow_redirects=True)
    assert "the appeals window is open" in refused.text and state(world) == Publication.PROVISIONAL


def test_the_publish_forms_carry_a_working_csrf_token(csrf_app, make):
    app = csrf_app
    with app.app_context():  # ``make`` empties the database afterwards
        world = finished_world(make)
        add_organizers(world, make)
        client = app.test_client()
        token = csrf_token(client.get("/login").text)
        client.post("/login", data={"username": "org", "password": PASSWORD, "csrf_token": token})
        assert client.post(PUBLISH).status_code == 400
        token = csrf_token(client.get(PAGE).text)
        assert client.post(PUBLISH, data={"csrf_token": token}).status_code == 302
        assert state(world) == Publication.PROVISIONAL


# --------------------------------------------------------------------------- downloads


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_downloads_are_the_commands_bytes(client, world, tmp_path: Path, fmt):
    as_user(client, "org")
    response = client.get(f"{EXPORT}.{fmt}")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == f"attachment; filename=EV1-standings.{fmt}"
    assert response.headers["Cache-Control"] == "private, no-store"
    out = tmp_path / f"standings.{fmt}"
    assert run("results", "export", "EV1", "--format", fmt, "--output", str(out)).exit_code == 0
    assert response.data == out.read_bytes()


def test_the_json_download_holds_private_skills(client, world):
    as_user(client, "admin")
    doc = json.loads(client.get(f"{EXPORT}.json").data)
    assert [s["skill"] for s in doc["skills"]] == ["CARE", "WELD"]
    assert doc["skills"][1]["results"][0]["raw_total"] == "92.00"


def test_the_xlsx_download_holds_the_commands_cells(client, world, tmp_path: Path):
    as_user(client, "org")
    response = client.get(f"{EXPORT}.xlsx")
    out = tmp_path / "standings.xlsx"
    run("results", "export", "EV1", "--format", "xlsx", "--output", str(out))

    def cells(data: bytes):
        return [list(r) for r in load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True)]

    assert cells(response.data) == cells(out.read_bytes())
    assert cells(response.data)[0][:3] == ["skill", "rank", "contestant_no"]


# --------------------------------------------------------------------------- medal table


def test_organizers_see_every_skill_in_the_medal_table(client, world):
    as_user(client, "org")
    response = client.get("/events/EV1/medals")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "private, no-store"
    rows = _medal_rows(response.text)
    assert rows == [["NC-E1", "2", "0", "0", "0"], ["JJ-E1", "0", "2", "0", "0"], ["NC-E2", "0", "0", "1", "0"]]
    assert "Medal points" not in response.text  # cn_standard


def test_the_public_medal_table_counts_published_skills_only(client, world):
    client.get("/lang/en")   # the page as an English reader sees it
    assert "No results have been published yet." in client.get("/events/EV1/medals").text
    as_user(client, "org")
    client.post(PUBLISH)
    client.post("/logout")
    response = client.get("/events/EV1/medals")
    assert response.headers["Cache-Control"] == "public, max-age=60" and response.headers["ETag"]
    assert _medal_rows(response.text) == [["NC-E1", "1", "0", "0", "0"], ["JJ-E1", "0", "1", "0", "0"],
                                          ["NC-E2", "0", "0", "1", "0"]]
    assert "org" not in response.text.split("<main")[0]  # the public layout: nobody signed in
    as_user(client, "chief")  # not an organizer: the public table
    assert _medal_rows(client.get("/events/EV1/medals").text)[0] == ["NC-E1", "1", "0", "0", "0"]


def test_worldskills_events_show_unit_points(client, make):
    world = finished_world(make, awards="worldskills")
    add_organizers(world, make)
    as_user(client, "org")
    text = client.get("/events/EV1/medals").text
    assert "Medal points" in text
    # WELD: gold NC-E1 (4), silver JJ-E1 (3), bronze NC-E2 (2); CARE: gold NC-E1, silver JJ-E1.
    assert [row[-1] for row in _medal_rows(text, points=True)] == ["8", "6", "2"]


def test_unknown_event_medals_404(client, world):
    assert client.get("/events/NOPE/medals").status_code == 404


def _medal_rows(text: str, points: bool = False) -> list[list[str]]:
    import re
    body = text.split('class="list medal-table"')[1].split("</table>")[0].split("<tbody>")[1]
    rows = []
    for tr in re.findall(r"<tr>(.*?)</tr>", body, re.DOTALL):
        code = re.search(r'<small class="hint hide-narrow">([^<]+)</small>', tr).group(1)
        numbers = re.findall(r'<td class="num">(\d+)</td>', tr)
        rows.append([code, *numbers])
    return rows


def _line(unit: str, award: str | None):
    return SimpleNamespace(unit=SimpleNamespace(code=unit), standing=SimpleNamespace(award=award))


def test_medal_table_orders_by_gold_silver_bronze_then_unit():
    lines = [_line("B", "gold"), _line("A", "gold"), _line("A", "silver"), _line("C", "gold"),
             _line("C", "silver"), _line("C", "bronze"), _line("D", "excellence"), _line("E", None),
             _line("B", "silver")]
    rows = medal_table(lines, lambda line: line.unit)
    assert [(r.unit.code, [r.count(c) for c in ("gold", "silver", "bronze", "excellence")]) for r in rows] == [
        ("C", [1, 1, 1, 0]), ("A", [1, 1, 0, 0]), ("B", [1, 1, 0, 0]), ("D", [0, 0, 0, 1])]


def test_an_award_table_counts_its_own_prizes():
    awards = {"bands": [{"award": "first_prize", "top_percent": 10},
                        {"award": "second_prize", "top_percent": 20}]}
    columns = award_columns(parse_award_table(awards))
    assert columns == ("first_prize", "second_prize")
    rows = medal_table([_line("A", "second_prize"), _line("B", "first_prize"), _line("A", "gold")],
                       lambda line: line.unit, columns)
    assert [(r.unit.code, r.total) for r in rows] == [("B", 1), ("A", 1)]


# --------------------------------------------------------------------------- histogram


def test_histogram_counts_every_total_and_marks_the_median():
    totals = [Decimal(v) for v in ("92.00", "80.66", "63.34", "80.00")]
    chart = histogram(totals, Decimal("80.33"))
    assert sum(bar.count for bar in chart.bars) == 4
    assert chart.bars[0].low <= Decimal("63.34") < chart.bars[-1].high and chart.bars[-1].low <= Decimal("92.00")
    assert len(chart.bars) <= 20 and chart.peak == 2
    assert chart.left <= chart.median_x <= chart.right
    assert histogram([], None) is None


def test_histogram_of_equal_totals_is_one_bar():
    chart = histogram([Decimal("50.00")] * 3, Decimal("50.00"))
    assert [b.count for b in chart.bars] == [3]


# --------------------------------------------------------------------------- links


def test_the_event_and_marking_pages_link_to_the_results(client, world):
    as_user(client, "org")
    detail = client.get("/events/EV1").text
    assert PAGE in detail and "/results/EV1" in detail and "/events/EV1/medals" in detail
    assert PAGE in client.get("/events/EV1/skills/WELD/marking").text
    as_user(client, "chief")
    assert PAGE in client.get("/events/EV1/skills/WELD/marking").text
    as_user(client, "j1")
    assert PAGE not in client.get("/events/EV1/skills/WELD/marking").text

