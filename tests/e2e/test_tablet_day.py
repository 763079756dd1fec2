"""The tablet as a judge meets it at the venue: it opens on a criterion that can still be marked, a
locked criterion stays readable, a reload returns to where the judge was, "offline" is a banner, and
the very first visit already reloads without a network."""
from __future__ import annotations

from playwright.sync_api import expect

from tests.e2e.server import log_in

TABLET = "/events/DEMO-PROV/skills/WELD-E/tablet"
SHELL_CACHED = ("() => caches.open('jingsai-tablet-shell-v1')"
                ".then(c => c.match(location.pathname)).then(r => !!r)")


def _open(page, live_server):
    log_in(page, live_server, "weld-j2")
    page.goto(live_server + TABLET)
    expect(page.locator("#aspects article.aspect").first).to_be_visible()


def test_opens_on_the_first_open_criterion_and_a_locked_one_stays_readable(page, live_server):
    _open(page, live_server)
    expect(page.locator("button.tab.active")).to_have_attribute("data-criterion", "B")  # A is locked
    page.locator("button[data-criterion=A]").click()
    code = page.locator("#aspects article.aspect .code").first
    expect(code).to_be_visible()
    colour, background = code.evaluate(
        "el => [getComputedStyle(el).color, getComputedStyle(el.closest('article')).backgroundColor]")
    assert colour != background and colour != "rgb(255, 255, 255)"


def test_a_reload_returns_to_the_same_criterion_and_competitor(page, live_server):
    _open(page, live_server)
    page.locator("button[data-criterion=D]").click()
    competitor = page.locator("#competitors button.competitor").nth(1)
    competitor.click()
    key = competitor.get_attribute("data-competitor")
    page.reload()
    expect(page.locator("button.tab.active")).to_have_attribute("data-criterion", "D")
    expect(page.locator("#competitors button.competitor.active")).to_have_attribute("data-competitor", key)


def test_the_first_visit_already_reloads_offline_with_a_banner(page, live_server):
    _open(page, live_server)
    page.wait_for_function(SHELL_CACHED, timeout=15000)
    page.context.set_offline(True)
    page.reload()
    expect(page.locator("#offline-banner")).to_be_visible()
    expect(page.locator("#aspects article.aspect").first).to_be_visible()
    page.context.set_offline(False)
    expect(page.locator("#offline-banner")).to_have_count(0, timeout=10000)
