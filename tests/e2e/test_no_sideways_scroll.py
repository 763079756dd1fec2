"""At 390 px (a phone) and 768 px (a tablet) no page scrolls sideways: each role's pages, reached by
links from its home page two clicks deep, one page per kind of address. Wide tables scroll inside
their own box (``.table-scroll``), which is allowed; the page itself must not. No page has anything
refused by its Content-Security-Policy."""
from __future__ import annotations

import re

import pytest

from tests.e2e.server import csp_violations, log_in

ACCOUNTS = ["organizer", "jiujiang", "arbiter", "weld-chief", "weld-j1", "contestant"]
WIDTHS = [390, 768]
DEPTH = 2
SKIP = re.compile(r"^/(static|lang)/|\.(xlsx|csv|json|zip|pdf|jwt)$|/tablet-sw\.js$")


def _kind(path: str) -> str:
    """One page per kind of address: numbers and query strings do not make a new kind."""
    return re.sub(r"\d+", "N", path.split("?")[0])


def _widths(page, base: str) -> dict[str, dict[int, int]]:
    """How wide each page is at each of WIDTHS, one page per kind of address, by links from home
    ``DEPTH`` clicks deep. A page is loaded once ("load": the style sheet is applied) and the
    viewport resized under it: only the style sheet lays pages out, no script of the app reads the width."""
    widths, kinds, frontier = {}, set(), ["/"]
    for _ in range(DEPTH + 1):
        following = []
        for path in frontier:
            if _kind(path) in kinds:
                continue
            kinds.add(_kind(path))
            page.set_viewport_size({"width": WIDTHS[0], "height": 900})
            page.goto(base + path)
            widths[path] = {}
            for width in WIDTHS:
                page.set_viewport_size({"width": width, "height": 900})
                widths[path][width] = page.evaluate("document.documentElement.scrollWidth")
            links = page.eval_on_selector_all("a[href^='/']", "els => els.map(e => e.getAttribute('href'))")
            following += [link.split("#")[0] for link in links if not SKIP.search(link.split("?")[0])]
        frontier = following
    return widths


@pytest.mark.parametrize("username", ACCOUNTS)
def test_no_page_scrolls_sideways_on_a_phone_or_a_tablet(browser, live_server, username):
    context = browser.new_context(viewport={"width": 1024, "height": 900}, locale="zh-CN")
    page = context.new_page()
    refused = csp_violations(page)
    log_in(page, live_server, username)
    widths = _widths(page, live_server)
    context.close()
    assert len(widths) >= 2, widths  # the home page and what it leads to
    wide = [f"{path} at {width}px: {scroll}px wide"
            for path, at in sorted(widths.items()) for width, scroll in at.items() if scroll > width]
    assert wide == []
    assert refused == []
