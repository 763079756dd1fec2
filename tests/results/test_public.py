"""The public results pages and the contestant's page: published skills only (a private one is
404), no ID numbers, phones or anything about the reader; ETag by the event's results version, 304
before any standings are read, and a bounded number of SQL statements for 10 or 1,000 contestants;
the contestant's own line only, by login or by bib + ID tail, at most 5 wrong tries per bib an hour."""
from __future__ import annotations

import re
from contextlib import contextmanager
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import event as sa_event
from sqlalchemy import func, insert, select

from app import clock
from app.auth.models import Role
from app.events.models import Attendance, Registration, RegistrationStatus
from app.extensions import cache, db
from app.marking.penalties import add_penalty
from app.people.models import Person
from app.results.models import BibLookup, Publication, SkillResults, Standing
from app.results.publication import publish
from app.results.standings import rebuild, results_of
from tests.conftest import FROZEN_NOW
from tests.events.helpers import login_en
from tests.results.builders import finished_world

EVENT = "/results/EV1"
WELD = "/results/EV1/WELD"
ME = "/results/EV1/me"


@pytest.fixture()
def world(ctx, make):
    world = finished_world(make)
    world.users["org"] = make.user("org", role=Role.ORGANIZER, unit=world.hrss)
    for number, r in enumerate(db.session.scalars(select(Registration).order_by(Registration.id))):
        r.person.name = f"姓名{'甲乙丙丁戊己庚辛'[number]}"
    for bib in ("W-01", "W-02", "C-03"):
        person = registration(world, bib).person
        person.phone = "13912345678"
        world.users[bib] = make.user(f"cont-{bib}", role=Role.CONTESTANT, person=person)
    db.session.commit()
    return world


def registration(world, bib: str) -> Registration:
    return db.session.scalar(select(Registration).where(Registration.contestant_no == bib))


def publish_skill(world, skill=None, *, final: bool = False) -> None:
    publish(world.event, skill=skill or world.weld, final=final)
    db.session.commit()


def tail(world, bib: str) -> str:
    return registration(world, bib).person.id_number[-6:]


# --------------------------------------------------------------------------- public pages


def test_nothing_is_public_before_publication(client, world):
    client.get("/lang/en")   # the page as an English reader sees it
    page = client.get(EVENT)
    assert page.status_code == 200 and "No results have been published yet." in page.text
    assert client.get(WELD).status_code == 404
    assert client.get("/results/EV1/CARE").status_code == 404
    assert client.get("/results/EV1/NOPE").status_code == 404
    assert client.get("/results/NOPE").status_code == 404


def test_published_skill_shows_names_units_and_scores_but_no_ids_or_phones(client, world):
    publish_skill(world)
    client.get("/lang/en")
    listing = client.get(EVENT).text
    assert WELD in listing and "/results/EV1/CARE" not in listing and "Provisional" in listing
    page = client.get(WELD)
    assert page.status_code == 200
    for bib, total in (("W-01", "92.00"), ("W-02", "80.66"), ("W-03", "63.34")):
        assert bib in page.text and total in page.text
        line = registration(world, bib)
        assert line.person.name in page.text and line.unit.name in page.text
        assert line.person.id_number not in page.text and line.person.id_number[-6:] not in page.text
    assert "13912345678" not in page.text
    assert "Gold" in page.text and "50.00" in page.text  # criterion A of W-01
    assert client.get("/results/EV1/CARE").status_code == 404


def test_the_public_page_says_nothing_about_the_reader(client, world):
    publish_skill(world)
    login_en(client, "org")
    client.post("/events/EV1/skills/CARE/results/publish")  # leaves a flash message behind
    page = client.get(WELD).text
    assert "Log out" not in page and "org ·" not in page and "flash" not in page
    assert "csrf_token" not in page


def test_anonymous_readers_get_no_cookie(client, world):
    publish_skill(world)
    for url in (EVENT, WELD, "/events/EV1/medals"):
        response = client.get(url)
        assert "Set-Cookie" not in response.headers, url


def test_etag_and_cache_headers_and_304(client, world):
    publish_skill(world)
    response = client.get(WELD)
    version = db.session.scalar(select(func.sum(SkillResults.version)))
    assert response.headers["ETag"] == f'"EV1-{version}"'   # the default language: no suffix
    assert response.headers["Cache-Control"] == "public, max-age=60"
    assert "Cookie" in response.headers["Vary"]
    again = client.get(WELD, headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""
    assert again.headers["ETag"] == response.headers["ETag"]
    assert client.get(WELD, headers={"If-None-Match": '"EV1-0"'}).status_code == 200
    # The event page shares the version.
    assert client.get(EVENT, headers={"If-None-Match": response.headers["ETag"]}).status_code == 304


def test_the_language_is_part_of_the_etag(client, world):
    publish_skill(world)
    chinese = client.get(WELD).headers["ETag"]
    client.get("/lang/en")
    english = client.get(WELD, headers={"If-None-Match": chinese})
    assert english.status_code == 200 and english.headers["ETag"] == chinese[:-1] + "-en\""


def test_the_etag_moves_with_a_rebuild_and_a_publication(client, world):
    publish_skill(world)
    first = client.get(WELD).headers["ETag"]
    add_penalty(world.weld, world.competitor("W-02"), Decimal("1.00"), "safety")  # rebuilds WELD
    db.session.commit()
    second = client.get(WELD, headers={"If-None-Match": first})
    assert second.status_code == 200 and second.headers["ETag"] != first and "79.66" in second.text
    publish_skill(world, world.care)  # another skill's publication moves the event's version
    third = client.get(WELD, headers={"If-None-Match": second.headers["ETag"]})
    assert third.status_code == 200 and third.headers["ETag"] != second.headers["ETag"]
    publish_skill(world, final=True)
    assert client.get(WELD, headers={"If-None-Match": third.headers["ETag"]}).status_code == 200


def test_a_304_reads_no_standings(client, world):
    publish_skill(world)
    tag = client.get(WELD).headers["ETag"]
    with counted() as statements:
        assert client.get(WELD, headers={"If-None-Match": tag}).status_code == 304
    assert not any("standings" in s for s in statements), statements
    assert len(statements) <= 2


# --------------------------------------------------------------------------- 1,000 contestants


@contextmanager
def counted():
    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    sa_event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        sa_event.remove(db.engine, "before_cursor_execute", count)


def big_skill(world, make, code: str, size: int) -> None:
    """A published skill of ``size`` contestants, written with bulk inserts (a read test: nothing
    is marked)."""
    skill = make.skill(world.event, code, quota_per_unit=size)
    units = [world.units[c] for c in ("NC-E1", "NC-E2", "JJ-E1", "JJ-E2")]
    person_ids = db.session.scalars(insert(Person).returning(Person.id, sort_by_parameter_order=True), [
        {"id_type": "resident", "id_number": f"{code}{i:012d}", "name": f"选手{code}{i}"} for i in range(size)]).all()
    registration_ids = db.session.scalars(
        insert(Registration).returning(Registration.id, sort_by_parameter_order=True),
        [{"event_id": world.event.id, "skill_id": skill.id, "person_id": pid, "unit_id": units[i % 4].id,
          "contestant_no": f"{code}-{i:04d}", "status": RegistrationStatus.APPROVED,
          "attendance": Attendance.COMPETED, "outside_window": False, "created_at": FROZEN_NOW}
         for i, pid in enumerate(person_ids)]).all()
    db.session.execute(insert(Standing), [
        {"skill_id": skill.id, "competitor_id": rid, "position": i + 1, "status": Attendance.COMPETED,
         "raw_total": Decimal(90) - Decimal(i) / 100, "marks_total": Decimal(90) - Decimal(i) / 100,
         "criteria": {"A": "45.00", "B": str(Decimal(45) - Decimal(i) / 100)}, "sub_criteria": {},
         "penalties": [], "scale": 700, "scale_exact": "700", "rank": i + 1,
         "award": "gold" if i == 0 else None, "skipped_tie_breakers": [], "technical_expert_proposed": False}
        for i, rid in enumerate(registration_ids)])
    db.session.add(SkillResults(skill_id=skill.id, event_id=world.event.id, version=1, competed=size,
                                criterion_max={"A": "50.00", "B": "50.00"}, incomplete=[], locked_criteria=["A", "B"],
                                median=Decimal("85.00"), publication=Publication.PROVISIONAL))
    db.session.commit()


def test_a_skill_of_1000_contestants_renders_in_a_bounded_number_of_statements(client, world, make):
    big_skill(world, make, "SMALL", 10)
    big_skill(world, make, "BIG", 1000)
    counts = {}
    for code, size in (("SMALL", 10), ("BIG", 1000)):
        db.session.rollback()  # each request starts its own transaction, as in production
        cache.clear()  # a first render, nothing stored yet
        with counted() as statements:
            page = client.get(f"/results/EV1/{code}")
        assert page.status_code == 200
        assert page.text.count(f"{code}-0") == min(size, 50)  # the first screen: at most 50 lines
        counts[code] = len(statements)
        download = client.get(f"/results/EV1/{code}/standings.csv")
        assert download.text.count(f"{code}-0") == size  # every bib in the whole table
    assert counts["BIG"] == counts["SMALL"] <= 12, counts
    with counted() as statements:
        assert client.get(EVENT).status_code == 200
    assert len(statements) <= 3


# --------------------------------------------------------------------------- the contestant's page


def test_a_contestant_sees_their_own_line_only(client, world):
    publish_skill(world)
    login_en(client, "cont-W-02")
    page = client.get(ME)
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "private, no-store"
    mine = registration(world, "W-02")
    assert mine.person.name in page.text and "80.66" in page.text and "Silver" in page.text
    for other in ("W-01", "W-03"):
        assert registration(world, other).person.name not in page.text
    assert "92.00" not in page.text and "63.34" not in page.text
    assert mine.person.id_number not in page.text
    assert "Look up a result" not in page.text


def test_a_contestant_sees_criteria_next_to_their_medians(client, world):
    publish_skill(world)
    login_en(client, "cont-W-02")
    text = client.get(ME).text
    rows = dict(re.findall(r"<strong>([AB])</strong>.*?</td>\s*<td class=\"num\">([\d.]+)</td>", text, re.DOTALL))
    assert rows == {"A": "33.33", "B": "45.00"}
    # The medians of A over W-01..W-03 (50.00, 33.33, 16.67) and of B (45 each).
    assert '<td class="num">33.33</td>\n            <td class="num">33.33</td>' in text
    assert "median 80.66" in text  # the total's median


def test_an_unpublished_skill_says_so(client, world):
    login_en(client, "cont-W-01")
    text = client.get(ME).text
    assert "not published yet" in text and "92.00" not in text


def test_a_team_member_sees_the_team_line(client, world):
    publish_skill(world, world.care)
    login_en(client, "cont-C-03")
    text = client.get(ME).text
    assert "72.66" in text and "86.00" not in text
    assert registration(world, "C-04").person.name in text  # the team's other member
    assert registration(world, "C-01").person.name not in text


def test_lookup_by_bib_and_id_tail(client, world):
    publish_skill(world)
    client.get("/lang/en")
    form = client.get(ME)  # the empty form is the same for every reader without a session
    assert "Look up a result" in form.text and form.headers["Cache-Control"] == "public, max-age=60"
    assert "csrf_token" not in form.text and "Set-Cookie" not in form.headers
    wrong = client.post(ME, data={"bib": "W-03", "id_tail": "000000"})
    assert wrong.status_code == 200 and "No contestant matches" in wrong.text and "63.34" not in wrong.text
    right = client.post(ME, data={"bib": "W-03", "id_tail": tail(world, "W-03").lower()})
    assert right.status_code == 200 and "63.34" in right.text
    assert right.headers["Cache-Control"] == "private, no-store"
    assert "92.00" not in right.text and registration(world, "W-01").person.name not in right.text
    assert [t.succeeded for t in tries("W-03")] == [False]  # only the miss is counted


def test_an_unknown_bib_is_answered_like_wrong_digits(client, world):
    client.get("/lang/en")
    text = client.post(ME, data={"bib": "ZZZ", "id_tail": "123456"}).text
    assert "No contestant matches" in text
    assert len(tries("ZZZ")) == 1


def test_a_malformed_tail_is_not_a_try(client, world):
    client.get("/lang/en")
    text = client.post(ME, data={"bib": "W-01", "id_tail": "12"}).text
    assert "Field must be exactly 6 characters long." in text
    assert tries("W-01") == []


def test_the_sixth_try_in_an_hour_is_refused_even_with_the_right_digits(client, world):
    publish_skill(world)
    client.get("/lang/en")
    for _ in range(5):
        assert client.post(ME, data={"bib": "W-01", "id_tail": "000000"}).status_code == 200
    refused = client.post(ME, data={"bib": "W-01", "id_tail": tail(world, "W-01")})
    assert refused.status_code == 429 and "too many wrong tries for bib W-01" in refused.text
    assert "92.00" not in refused.text
    assert len(tries("W-01")) == 6  # every try recorded
    # Another bib is not affected.
    assert "80.66" in client.post(ME, data={"bib": "W-02", "id_tail": tail(world, "W-02")}).text
    # An hour after the first tries they count no more.
    with clock.frozen(FROZEN_NOW + timedelta(hours=1, minutes=1)):
        assert "92.00" in client.post(ME, data={"bib": "W-01", "id_tail": tail(world, "W-01")}).text


def test_tries_are_counted_in_the_database(client, world):
    """Rows written by another worker count the same."""
    for minutes in range(5):
        db.session.add(BibLookup(event_id=world.event.id, contestant_no="W-01",
                                 at=FROZEN_NOW - timedelta(minutes=minutes)))
    db.session.commit()
    assert client.post(ME, data={"bib": "W-01", "id_tail": tail(world, "W-01")}).status_code == 429


def test_lookup_of_an_unpublished_result(client, world):
    client.get("/lang/en")
    text = client.post(ME, data={"bib": "W-01", "id_tail": tail(world, "W-01")}).text
    assert "not published yet" in text and "92.00" not in text


def test_the_me_page_of_an_unknown_event_is_404(client, world):
    assert client.get("/results/NOPE/me").status_code == 404


def test_a_contestant_may_open_their_own_result_again_and_again(client, world):
    publish_skill(world)
    for _ in range(8):  # right tries are not counted: only misses are
        assert "92.00" in client.post(ME, data={"bib": "W-01", "id_tail": tail(world, "W-01")}).text
    assert tries("W-01") == []


def test_the_lookup_needs_no_session_and_no_token(csrf_app, make):
    """It acts on nobody's session (app.results.public_views.me), so it works with CSRF protection on
    and nothing but the form's two fields."""
    app = csrf_app
    with app.app_context():  # ``make`` empties the database afterwards
        world = finished_world(make)
        publish_skill(world)
        answer = app.test_client().post(ME, data={"bib": "W-01", "id_tail": tail(world, "W-01")})
        assert answer.status_code == 200 and "92.00" in answer.text
        assert "Set-Cookie" not in answer.headers


def test_a_lookup_reads_and_keeps_its_misses_apart(client, world):
    """With no transaction open when it starts (a worker's request), the look-up reads in a transaction
    that takes no write lock on SQLite, and a miss is committed on its own at once."""
    publish_skill(world)
    right = tail(world, "W-02")
    db.session.commit()  # the test's own reads end here: each request begins its own transaction
    with counted() as statements:
        assert client.post(ME, data={"bib": "W-02", "id_tail": "000000"}).status_code == 200
        assert client.post(ME, data={"bib": "W-02", "id_tail": right}).status_code == 200
    assert [t.succeeded for t in tries("W-02")] == [False]
    if db.engine.dialect.name == "sqlite":  # the miss's own transaction is the only writing one
        begun = [s for s in statements if s.startswith("BEGIN")]
        assert begun == ["BEGIN DEFERRED", "BEGIN IMMEDIATE", "BEGIN DEFERRED"]



def tries(bib: str) -> list[BibLookup]:
    db.session.expire_all()
    return db.session.scalars(select(BibLookup).where(BibLookup.contestant_no == bib).order_by(BibLookup.id)).all()


def test_rebuild_keeps_private_skills_out_of_the_public_listing(client, world):
    publish_skill(world)
    rebuild(world.care)
    db.session.commit()
    assert results_of(world.care).publication == Publication.PRIVATE
    assert "/results/EV1/CARE" not in client.get(EVENT).text


def test_the_public_page_shows_penalties_where_the_total_is_not_the_criteria_sum(client, world):
    publish_skill(world)
    client.get("/lang/en")
    assert "Penalties" not in client.get(WELD).text   # no column while nobody has one
    add_penalty(world.weld, world.competitor("W-02"), Decimal("1.00"), "safety")
    db.session.commit()
    page = client.get(WELD).text
    assert "<th class=\"num\">Penalties</th>" in page and 'title="safety">−1.00</span>' in page
    assert "79.66" in page and "minus penalties" in page
