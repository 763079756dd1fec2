"""Public reads that cost almost nothing: pages stored once per results version and language (a
stored page and its 304 run no SQL and load no user), the language in its own cookie, the first
screen of a large skill, the "find my bib" search, the whole table as CSV/JSON, and a contestant's
lookup that reads one line whatever the size of the skill."""
from __future__ import annotations

import csv
import io
import json

from sqlalchemy import select

from app.extensions import cache, db
from app.people.models import Person
from app.results.models import SkillResults
from tests.events.helpers import login_en
from tests.results.test_public import (  # noqa: F401  (``world`` is a fixture)
    EVENT,
    ME,
    WELD,
    big_skill,
    counted,
    publish_skill,
    registration,
    world,
)

MEDALS = "/events/EV1/medals"


def test_a_stored_page_and_its_304_run_no_sql(client, world):
    publish_skill(world)
    first = {url: client.get(url) for url in (EVENT, WELD, MEDALS)}
    with counted() as statements:
        for url, response in first.items():
            again = client.get(url)
            assert again.status_code == 200 and again.data == response.data, url
            assert client.get(url, headers={"If-None-Match": response.headers["ETag"]}).status_code == 304
    assert statements == []


def test_a_signed_in_reader_is_not_loaded_for_a_public_page(client, world):
    """The session is not opened: no user is read for the page or its 304."""
    publish_skill(world)
    login_en(client, "cont-W-01")
    tag = client.get(WELD).headers["ETag"]
    with counted() as statements:
        assert client.get(WELD, headers={"If-None-Match": tag}).status_code == 304
        assert client.get(WELD).status_code == 200
    assert statements == []


def test_a_publication_is_seen_at_once_by_the_stored_pages(client, world):
    publish_skill(world)
    assert "/results/EV1/CARE" not in client.get(EVENT).text
    publish_skill(world, world.care)   # the bump drops the cached version when it commits
    assert "/results/EV1/CARE" in client.get(EVENT).text


def test_the_language_is_a_cookie_of_its_own(client, world):
    publish_skill(world)
    switched = client.get("/lang/en")
    cookies = switched.headers.getlist("Set-Cookie")
    assert len(cookies) == 1 and cookies[0].startswith("lang=en;") and "HttpOnly" in cookies[0]
    page = client.get(WELD)
    assert "Standings" in page.text and page.headers["ETag"].endswith('-en"')
    assert "lang=zh_CN;" in client.get("/lang/zh_CN").headers["Set-Cookie"]
    assert "名次" in client.get(WELD).text or "排名" in client.get(WELD).text
    assert client.get("/lang/xx").headers.get("Set-Cookie") is None


def test_a_large_skill_shows_its_first_screen_and_says_where_the_rest_is(client, world, make):
    big_skill(world, make, "SMALL", 10)
    big_skill(world, make, "BIG", 1000)
    client.get("/lang/en")
    big = client.get("/results/EV1/BIG").text
    assert "The first 50 of 1000 lines" in big and "BIG-0049" in big and "BIG-0050" not in big
    assert "/results/EV1/BIG/standings.csv" in big and "/results/EV1/BIG/standings.json" in big
    assert len(big) < 60_000
    small = client.get("/results/EV1/SMALL").text
    assert "The first" not in small and "SMALL-0009" in small


def test_find_my_bib_shows_that_line_only(client, world, make):
    big_skill(world, make, "BIG", 1000)
    client.get("/lang/en")
    page = client.get("/results/EV1/BIG", query_string={"bib": "BIG-0777"})
    assert page.status_code == 200 and "The line of bib BIG-0777." in page.text
    assert "BIG-0777" in page.text and "82.23" in page.text and "BIG-0000" not in page.text
    assert page.headers["Cache-Control"] == "public, max-age=60"
    assert "No contestant with bib W-01 in this skill." in \
        client.get("/results/EV1/BIG", query_string={"bib": "W-01"}).text   # another skill's bib
    assert "No contestant with bib BIG-9999" in client.get("/results/EV1/BIG", query_string={"bib": "BIG-9999"}).text


def test_an_overlong_bib_reads_no_registration(client, world, make):
    big_skill(world, make, "BIG", 10)
    with counted() as statements:
        page = client.get("/results/EV1/BIG", query_string={"bib": "B" * 5000})
    assert page.status_code == 200 and "B" * 41 not in page.text and "B" * 40 in page.text
    assert not any("contestant_no" in s and "WHERE" in s and "registrations.contestant_no =" in s
                   for s in statements), statements


def test_a_team_member_finds_the_team_line(client, world):
    publish_skill(world, world.care)
    page = client.get("/results/EV1/CARE", query_string={"bib": "C-04"}).text
    assert "72.66" in page and registration(world, "C-03").person.name in page
    assert registration(world, "C-01").person.name not in page


def test_the_whole_table_downloads_as_formula_safe_csv(client, world):
    registration(world, "W-01").person.name = "=HYPERLINK(1)"
    db.session.commit()
    publish_skill(world)
    response = client.get("/results/EV1/WELD/standings.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == "attachment; filename=EV1-WELD.csv"
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0][:5] == ["rank", "contestant_no", "name", "unit", "status"]
    assert rows[0][-4:] == ["penalties", "raw_total", "scale", "award"] and "crit_A" in rows[0]
    lines = {row[1]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}
    assert lines["W-01"]["name"] == "'=HYPERLINK(1)" and lines["W-01"]["raw_total"] == "92.00"
    assert lines["W-01"]["award"] == "gold" and lines["W-01"]["crit_A"] == "50.00"
    for bib in ("W-01", "W-02", "W-03"):
        assert registration(world, bib).person.id_number not in response.text
    tag = response.headers["ETag"]
    assert client.get("/results/EV1/WELD/standings.csv", headers={"If-None-Match": tag}).status_code == 304
    assert client.get("/results/EV1/CARE/standings.csv").status_code == 404   # not published
    assert client.get("/results/NOPE/WELD/standings.csv").status_code == 404


def test_the_whole_table_downloads_as_json_with_the_published_columns(client, world):
    publish_skill(world, world.care)
    doc = json.loads(client.get("/results/EV1/CARE/standings.json").data)
    assert doc["event"] == "EV1" and doc["skill"] == "CARE" and doc["publication"] == "provisional"
    assert [c["code"] for c in doc["criteria"]] and all(c["max"] for c in doc["criteria"])
    team = next(line for line in doc["results"] if line["contestant_no"] == "C-03")
    assert set(team) == {"rank", "contestant_no", "name", "team", "unit", "status", "criteria", "penalties",
                         "raw_total", "scale", "award"}
    assert team["raw_total"] == "72.66" and registration(world, "C-04").person.name in team["name"]


def test_a_lookup_reads_one_line_whatever_the_size_of_the_skill(client, world, make):
    big_skill(world, make, "SMALL", 10)
    big_skill(world, make, "BIG", 1000)
    client.get("/lang/en")
    counts = {}
    for code in ("SMALL", "BIG"):
        person = db.session.scalar(select(Person).where(Person.id_number == f"{code}{5:012d}"))
        db.session.rollback()
        with counted() as statements:
            answer = client.post(ME, data={"bib": f"{code}-0005", "id_tail": person.id_number[-6:]})
        assert answer.status_code == 200 and "89.95" in answer.text
        assert f"{code}-0006" not in answer.text
        counts[code] = len(statements)
        assert not any("FROM standings" in s and "competitor_id" not in s for s in statements), statements
    assert counts["SMALL"] == counts["BIG"], counts


def test_the_rebuild_stores_the_criterion_medians(client, world):
    results = db.session.scalar(select(SkillResults).where(SkillResults.skill_id == world.weld.id))
    assert results.criterion_medians == {"A": "33.33", "B": "45.00"}


def test_the_cache_is_emptied_between_tests(ctx):
    assert cache.get("version:EV1") is None


def test_nothing_from_the_query_string_is_stored_in_a_page(client, world):
    publish_skill(world)
    assert "evil" not in client.get(WELD + "?next=evil").text   # the first reader's query, stored …
    assert "evil" not in client.get(WELD).text                  # … would reach the next one


def test_a_lookup_costs_four_reads_once_its_skill_names_are_cached(client, world, make):
    big_skill(world, make, "BIG", 1000)
    client.get("/lang/en")
    tail = db.session.scalar(select(Person.id_number).where(Person.id_number == f"BIG{5:012d}"))[-6:]
    db.session.rollback()
    client.post(ME, data={"bib": "BIG-0005", "id_tail": tail})   # reads and caches the criterion names
    with counted() as statements:
        answer = client.post(ME, data={"bib": "BIG-0005", "id_tail": tail})
    assert answer.status_code == 200 and "89.95" in answer.text
    sql = [s for s in statements if not s.startswith("BEGIN")]
    # the event; the registration with the hour's misses; the results with the line; the certificates
    # (a right try writes nothing)
    assert len(sql) == 4, sql
    assert [s.split()[0] for s in sql] == ["SELECT", "SELECT", "SELECT", "SELECT"], sql
    assert not any("scheme_criteria" in s for s in sql), sql
