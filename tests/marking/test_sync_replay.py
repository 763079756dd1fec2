"""Flaky Wi-Fi, end to end through the API: one outbox of 500 marks sent three times, shuffled, in
batches of random sizes, with answers dropped on the way back, ends with exactly 500 marks equal to
what the judge entered; and 20 tablets writing one skill at once lose no update, store every UUID
once, and never show "database is locked" (SQLite and PostgreSQL alike, whichever the suite runs on).
"""
from __future__ import annotations

import random
import threading
import uuid
from collections import Counter
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.marking.models import Mark, SchemeAspect, TabletWrite
from tests.conftest import login
from tests.events.helpers import registration
from tests.marking.builders import World, audit_entries, install_scheme

ASPECTS = 25  # × 20 competitors = 500 measurement marks
BIBS = [f"W-{n:02d}" for n in (1, 2, 3, *range(5, 22))]


def wide_scheme() -> dict:
    """25 full-or-zero aspects of 4 marks each: 100 marks in one criterion."""
    aspects = [{"id": f"A1.{n}", "type": "M", "description": f"测量 {n}", "max": "4.00", "section": "1",
                "calculation": "full_or_zero"} for n in range(1, ASPECTS + 1)]
    return {"standards": [{"section": "1", "name": "Measurement", "weight": "100"}],
            "criteria": [{"code": "A", "name": "Dimensions", "sub_criteria": [
                {"id": "A1", "name": "All", "day": 1, "aspects": aspects}]}]}


@pytest.fixture()
def world(ctx, make):
    world = World(make, scheme=False)
    for n in range(5, 22):
        registration(world.event, world.weld, world.units["NC-E1" if n % 2 else "JJ-E1"], f"W-{n:02d}")
    install_scheme(world.weld, wide_scheme())
    db.session.commit()
    return world


def aspect_codes() -> dict[int, str]:
    return dict(db.session.execute(select(SchemeAspect.id, SchemeAspect.code)).all())


def competitor_bibs(world) -> dict[int, str]:
    return {world.competitor(bib).id: bib for bib in BIBS}


def outbox(rng: random.Random) -> list[dict]:
    return [{"uuid": str(uuid.UUID(int=rng.getrandbits(128), version=4)), "event": "EV1", "skill": "WELD",
             "aspect": f"A1.{n}", "competitor": bib, "value": rng.choice(["0", "4"]), "base_version": 0,
             "offline": True}
            for bib in BIBS for n in range(1, ASPECTS + 1)]


def test_the_same_500_marks_replayed_three_times_shuffled_with_dropped_answers_land_once(world, client):
    login(client, "j1")
    rng = random.Random(20261201)
    marks = outbox(rng)
    expected = {(m["competitor"], m["aspect"]): Decimal(m["value"]) for m in marks}
    answered: dict[str, list[str]] = {}
    for _round in range(3):
        pending = marks[:]
        rng.shuffle(pending)
        while pending:
            size = rng.randint(1, 120)
            batch, pending = pending[:size], pending[size:]
            response = client.post("/api/v1/marks/batch", json={"device": "tablet-1", "marks": batch})
            assert response.status_code == 200
            if rng.random() < 0.3:
                continue  # the answer was lost on the way back: the tablet learns nothing
            for result in response.get_json()["results"]:
                answered.setdefault(result["uuid"], []).append(result["outcome"])
    db.session.expire_all()
    stored = db.session.execute(select(Mark.competitor_id, Mark.aspect_id, Mark.value, Mark.version)).all()
    assert len(stored) == 500 and {version for *_, version in stored} == {1}
    codes, bibs = aspect_codes(), competitor_bibs(world)
    assert {(bibs[competitor], codes[aspect]): value for competitor, aspect, value, _ in stored} == expected
    assert db.session.scalar(select(func.count(TabletWrite.id))) == 500
    outcomes = Counter(o for seen in answered.values() for o in seen)
    assert set(outcomes) <= {"stored", "replayed"} and outcomes["replayed"] > 0
    assert all(seen.count("stored") <= 1 for seen in answered.values())
    assert audit_entries("mark.change") == []


def test_twenty_tablets_writing_one_skill_at_once_lose_no_update(world, app):
    """Each thread is a tablet of one of three judges. They read a mark's version, then write it;
    the ones that read a version someone else has since replaced must get a conflict. Afterwards
    every mark's version counts exactly the stored changes, each version was handed out once, and
    no request failed."""
    judges = ["j1", "j2", "j3"]
    aspects = [f"A1.{n}" for n in range(1, 4)]
    rounds = 6
    barrier = threading.Barrier(20)
    answers: list[dict] = []
    failures: list[str] = []
    lock = threading.Lock()

    def tablet(number: int) -> None:
        client = app.test_client()
        login(client, judges[number % 3])
        rng = random.Random(number)
        barrier.wait()
        for _ in range(rounds):
            aspect, bib = rng.choice(aspects), rng.choice(BIBS[:2])
            desk = client.get("/api/v1/tablet/EV1/WELD")
            if desk.status_code != 200:
                failures.append(f"desk {desk.status_code}")
                return
            base = desk.get_json()["marks"].get(f"{aspect}|{bib}", {}).get("version", 0)
            mark = {"uuid": str(uuid.uuid4()), "event": "EV1", "skill": "WELD", "aspect": aspect,
                    "competitor": bib, "value": rng.choice(["0", "4"]), "base_version": base}
            # Sent again half the time, as a tablet does when an answer is lost.
            copies = 2 if rng.random() < 0.5 else 1
            for _copy in range(copies):
                response = client.post("/api/v1/marks/batch", json={"marks": [mark]})
                body = response.get_data(as_text=True)
                if response.status_code != 200 or "locked" in body.lower():
                    failures.append(f"{response.status_code}: {body[:200]}")
                    continue
                with lock:
                    answers.append({**response.get_json()["results"][0], "base": base, "key": (aspect, bib)})

    threads = [threading.Thread(target=tablet, args=(n,)) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert failures == []
    outcomes = Counter(a["outcome"] for a in answers)
    assert set(outcomes) == {"stored", "replayed", "conflict"}
    db.session.expire_all()
    codes, bibs = aspect_codes(), competitor_bibs(world)
    versions = {(codes[a], bibs[c]): v for a, c, v in
                db.session.execute(select(Mark.aspect_id, Mark.competitor_id, Mark.version)).all()}
    ledger = Counter((codes[a], bibs[c]) for a, c in db.session.execute(
        select(Mark.aspect_id, Mark.competitor_id).join(TabletWrite, TabletWrite.mark_id == Mark.id)).all())
    stored_writes = [a for a in answers if a["outcome"] == "stored"]
    for key, version in versions.items():
        handed_out = [a["version"] for a in stored_writes if a["key"] == key]
        # The last stored write holds the standing version; every stored write is in the ledger once.
        assert max(handed_out) == version and ledger[key] == len(handed_out)
    changes = audit_entries("mark.change")
    assert len(changes) == sum(v - 1 for v in versions.values())
    for answer in (a for a in answers if a["outcome"] == "conflict"):
        assert answer["theirs"]["version"] != answer["base"]
    assert db.session.scalar(select(func.count(TabletWrite.id))) == \
        len({a["uuid"] for a in answers if a["outcome"] in ("stored", "replayed")})


def test_one_uuid_sent_by_ten_tablets_at_the_same_moment_is_stored_once(world, app):
    mark = {"uuid": str(uuid.uuid4()), "event": "EV1", "skill": "WELD", "aspect": "A1.1",
            "competitor": "W-01", "value": "4", "base_version": 0}
    barrier = threading.Barrier(10)
    outcomes: list[str] = []

    def send() -> None:
        client = app.test_client()  # logged in on its own thread: its own app context and session
        login(client, "j1")
        barrier.wait()
        response = client.post("/api/v1/marks/batch", json={"marks": [mark]})
        outcomes.append(response.get_json()["results"][0]["outcome"] if response.status_code == 200
                        else str(response.status_code))

    threads = [threading.Thread(target=send) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["replayed"] * 9 + ["stored"]
    db.session.expire_all()
    assert db.session.scalar(select(func.count(Mark.id))) == 1
    assert db.session.scalar(select(func.count(TabletWrite.id))) == 1
