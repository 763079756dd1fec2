"""Tablet marking in a real browser with flaky Wi-Fi: a judge marks a criterion online, marks five
more aspects offline (the unsent count shows 5), comes back online and the five arrive exactly
once; two hours later (server and tablet clocks moved on) a mark kept offline still lands, and a
replay of an answered mark is answered ``replayed`` without a second write."""
from __future__ import annotations

import sqlite3
from datetime import timedelta

import pytest
from itsdangerous import TimestampSigner
from playwright.sync_api import expect

from app import clock
from tests.e2e.server import DEMO_NOW, log_in

TABLET = "/events/DEMO-PROV/skills/WELD-E/tablet"


def tablet_marks(database, secret_no: str) -> list[tuple]:
    """(aspect, value in hundredths, version, offline, recorded_at) of the judge's tablet marks in C."""
    with sqlite3.connect(database) as conn:
        return conn.execute(
            "SELECT a.code, m.value, m.version, m.offline, m.recorded_at FROM marks m "
            "JOIN scheme_aspects a ON a.id = m.aspect_id JOIN draw_entries d ON d.competitor_id = m.competitor_id "
            "WHERE d.secret_no = ? AND m.source = 'tablet' AND a.code LIKE 'C%' ORDER BY a.code",
            (secret_no,)).fetchall()


def ledger_rows(database) -> int:
    with sqlite3.connect(database) as conn:
        return conn.execute("SELECT count(*) FROM tablet_writes").fetchone()[0]


def mark_aspects(page, numbers: range) -> None:
    """Tap the highest choice of each of these aspects (by position on the page)."""
    for n in numbers:
        page.locator("#aspects article.aspect").nth(n).locator("button.choice").last.click()


def choose_competitor(page, index: int) -> str:
    button = page.locator("#competitors button.competitor").nth(index)
    button.click()
    return button.locator(".key").inner_text()


@pytest.fixture()
def judge(page, live_server):
    log_in(page, live_server, "weld-j1")
    page.goto(live_server + TABLET)
    page.locator("button[data-criterion=C]").click()
    expect(page.locator("#aspects article.aspect")).to_have_count(6)
    return page


def test_marks_made_offline_arrive_once_and_a_replay_hours_later_still_lands(judge, live_server, demo_database,
                                                                              monkeypatch):
    page = judge
    unsent = page.locator("#unsent-count")

    first = choose_competitor(page, 0)
    mark_aspects(page, range(6))
    expect(page.locator("#aspects .badge-marked")).to_have_count(6)
    expect(unsent).to_have_text("0")
    assert len(tablet_marks(demo_database, first)) == 6

    page.context.set_offline(True)
    second = choose_competitor(page, 1)
    mark_aspects(page, range(5))
    expect(unsent).to_have_text("5")
    expect(page.locator("#aspects .badge-unsent")).to_have_count(5)
    assert tablet_marks(demo_database, second) == []

    page.context.set_offline(False)
    expect(page.locator("#aspects .badge-marked")).to_have_count(5, timeout=15000)
    expect(unsent).to_have_text("0")
    arrived = tablet_marks(demo_database, second)
    assert len(arrived) == 5 and {version for _, _, version, _, _ in arrived} == {1}
    assert all(offline for *_, offline, _ in arrived)
    ledger = ledger_rows(demo_database)

    # The sixth aspect is marked offline; the tablet reconnects two hours later.
    page.context.set_offline(True)
    mark_aspects(page, range(5, 6))
    expect(unsent).to_have_text("1")
    later = DEMO_NOW + timedelta(hours=2)
    real = TimestampSigner.get_timestamp
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: real(self) + 2 * 3600)
    page.clock.install()
    page.clock.fast_forward("02:00:00")
    with clock.frozen(later):
        page.context.set_offline(False)
        expect(page.locator("#aspects .badge-marked")).to_have_count(6, timeout=15000)
        expect(unsent).to_have_text("0")
        sixth = tablet_marks(demo_database, second)
        assert len(sixth) == 6 and ledger_rows(demo_database) == ledger + 1
        assert sixth[-1][4].startswith((later - timedelta(hours=8)).strftime("%Y-%m-%d %H:%M"))

        # A mark whose answer was lost goes out again: the server answers "replayed" and writes nothing.
        answer = page.evaluate("""async ([uuid, competitor]) => {
            const cfg = JSON.parse(document.getElementById('tablet-config').textContent);
            const body = {marks: [{uuid, event: 'DEMO-PROV', skill: 'WELD-E', aspect: 'C1.1', competitor,
                                   value: '0', base_version: 0}]};
            const response = await fetch(cfg.batch_url, {method: 'POST', body: JSON.stringify(body),
                headers: {'Content-Type': 'application/json', 'X-CSRFToken': cfg.csrf_token}});
            return (await response.json()).results[0];
        }""", [first_uuid(demo_database, second), second])
        assert answer["outcome"] == "replayed"
        assert ledger_rows(demo_database) == ledger + 1 and len(tablet_marks(demo_database, second)) == 6


def first_uuid(database, secret_no: str) -> str:
    with sqlite3.connect(database) as conn:
        return conn.execute(
            "SELECT t.client_uuid FROM tablet_writes t JOIN marks m ON m.id = t.mark_id "
            "JOIN draw_entries d ON d.competitor_id = m.competitor_id WHERE d.secret_no = ? ORDER BY t.id LIMIT 1",
            (secret_no,)).fetchone()[0]


def test_the_page_reloads_offline_from_its_service_worker_and_the_mark_made_then_arrives(judge, demo_database):
    page = judge
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.reload()  # now the service worker controls the page and has cached its shell
    assert page.evaluate("navigator.serviceWorker.controller !== null")
    page.context.set_offline(True)
    page.reload()
    expect(page.locator("#stale-notice")).to_be_visible()  # the desk as last loaded, from IndexedDB
    page.locator("button[data-criterion=D]").click()
    competitor = choose_competitor(page, 2)
    mark_aspects(page, range(1))
    expect(page.locator("#unsent-count")).to_have_text("1")
    page.context.set_offline(False)
    expect(page.locator("#unsent-count")).to_have_text("0", timeout=15000)
    with sqlite3.connect(demo_database) as conn:
        assert conn.execute(
            "SELECT count(*) FROM marks m JOIN scheme_aspects a ON a.id = m.aspect_id JOIN draw_entries d "
            "ON d.competitor_id = m.competitor_id WHERE d.secret_no = ? AND m.source = 'tablet' AND a.code LIKE 'D%'",
            (competitor,)).fetchone()[0] == 1
