"""Screenshots of the main pages at tablet (768 px) and phone (390 px) width, for the README.

Run with ``make screenshots``: it serves the demo on a scratch SQLite database and writes
``docs/screenshots/<name>-<width>.png``. Names given on the command line take only those shots
(``python docs/screenshots/take.py draw sealed``).
"""
from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from app import clock  # noqa: E402
from tests.e2e.server import CHROMIUM_ARGS, DEMO_NOW, log_in, serve_demo  # noqa: E402

OUT = Path(__file__).resolve().parent
WIDTHS = {"768": {"width": 768, "height": 1024}, "390": {"width": 390, "height": 844}}
TABLET = {"portrait": {"width": 768, "height": 1024}, "landscape": {"width": 1024, "height": 768}}
# (file name, account, path[, widths]): every width unless named
PAGES: list[tuple] = [
    ("dashboard", "organizer", "/"),
    ("event", "organizer", "/events/DEMO-PROV"),
    ("event-form", "organizer", "/events/DEMO-PROV/edit"),
    ("units", "organizer", "/units/"),
    ("approval", "organizer", "/registrations/DEMO-PROV"),
    ("panel", "organizer", "/events/DEMO-PROV/skills/WELD-E/panel"),
    ("qualification", "organizer", "/events/DEMO-PROV/qualification"),
    ("registration-events", "nanchang", "/registrations/"),
    ("registration-entries", "nanchang", "/registrations/DEMO-PROV/entries"),
    ("registration-form", "nanchang", "/registrations/DEMO-PROV/new"),
    ("scheme", "weld-chief", "/events/DEMO-PROV/skills/WELD-E/scheme"),
    ("marking", "weld-chief", "/events/DEMO-PROV/skills/WELD-E/marking"),
    ("check-in", "weld-chief", "/events/DEMO-PROV/skills/WELD-E/check-in"),
    ("draw", "weld-chief", "/events/DEMO-PROV/skills/WELD-E/draw"),
    ("sealed", "weld-chief", "/events/DEMO-PROV/skills/WELD-E/draw/sealed", ("768",)),
    ("judge-patterns", "weld-chief", "/events/DEMO-PROV/skills/WELD-E/marking/judges"),
    ("results", "organizer", "/events/DEMO-PROV/skills/CNC-S/results"),
    ("medals", "organizer", "/events/DEMO-PROV/medals"),
    ("appeals", "organizer", "/events/DEMO-PROV/skills/CARE-E/appeals"),
    ("public-event", None, "/results/DEMO-PROV"),
    ("public-results", None, "/results/DEMO-PROV/CNC-S"),
    ("contestant-lookup", None, "/results/DEMO-PROV/me"),
]


def main(only: set[str]) -> None:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as scratch, clock.frozen(DEMO_NOW):
        base, stop = serve_demo(Path(scratch) / "shots.db")
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            for label, viewport in WIDTHS.items():
                context = browser.new_context(viewport=viewport, locale="zh-CN")
                page = context.new_page()
                account = None
                for name, user, path, *widths in PAGES:
                    if (only and name not in only) or (widths and label not in widths[0]):
                        continue
                    if user != account:
                        context.clear_cookies()
                        if user is not None:   # None: the public, not logged in
                            log_in(page, base, user)
                        account = user
                    page.goto(base + path)
                    page.screenshot(path=str(OUT / f"{name}-{label}.png"), full_page=True)
                    print(f"docs/screenshots/{name}-{label}.png")
                context.close()
            if not only or "tablet" in only:
                tablet_shots(browser, base)
            browser.close()
        stop()


def tablet_shots(browser, base: str) -> None:
    """The judge's tablet page in both orientations: three aspects marked, one kept offline (unsent)."""
    for orientation, viewport in TABLET.items():
        context = browser.new_context(viewport=viewport, locale="zh-CN")
        page = context.new_page()
        log_in(page, base, "weld-j1")
        page.goto(base + "/events/DEMO-PROV/skills/WELD-E/tablet")
        page.locator("button[data-criterion=C]").click()
        page.locator("#competitors button.competitor").nth(1 if orientation == "portrait" else 2).click()
        aspects = page.locator("#aspects article.aspect")
        for n, choice in ((0, -1), (1, 2), (2, -1)):
            aspects.nth(n).locator("button.choice").nth(choice).click()
        page.locator("#aspects .badge-marked").nth(2).wait_for()
        context.set_offline(True)
        aspects.nth(3).locator("button.choice").last.click()
        page.locator("#aspects .badge-unsent").wait_for()
        page.evaluate("window.scrollTo(0, 0)")
        page.screenshot(path=str(OUT / f"tablet-{orientation}.png"))
        print(f"docs/screenshots/tablet-{orientation}.png")
        context.close()


if __name__ == "__main__":
    main(set(sys.argv[1:]))
