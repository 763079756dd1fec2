"""Browser tests: the demo contest served on localhost, driven by Debian's Chromium through
Playwright. Skipped when Chromium is not installed."""
from __future__ import annotations

import os
import shutil

import pytest

from app import clock
from tests.e2e.server import CHROMIUM_ARGS, DEMO_NOW, serve_demo

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
TABLET = {"width": 768, "height": 1024}
PHONE = {"width": 390, "height": 844}


def pytest_collection_modifyitems(items):
    for item in items:
        if f"{os.sep}e2e{os.sep}" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(autouse=True)
def _frozen_clock():
    """Overrides the suite's clock: the demo's registration window is open."""
    with clock.frozen(DEMO_NOW):
        yield


@pytest.fixture(scope="session")
def demo_database(tmp_path_factory):
    """The served demo's SQLite file, for tests that check what reached the server."""
    return tmp_path_factory.mktemp("e2e") / "e2e.db"


@pytest.fixture(scope="session")
def live_server(demo_database):
    url, stop = serve_demo(demo_database)
    yield url
    stop()


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.skip("Debian's chromium package is not installed")
    from playwright.sync_api import sync_playwright
    with sync_playwright() as pw:
        instance = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture()
def page(browser):
    context = browser.new_context(viewport=TABLET, locale="zh-CN")
    tab = context.new_page()
    yield tab
    context.close()
