"""The integration pages as their users reach them on a phone (390 px), by clicking from the home page:
API tokens (made, shown once, revoked), an event's webhooks (added, removed) and the API reference
(Swagger UI, linked from the tokens page). No page scrolls sideways and the Content-Security-Policy
refuses nothing."""
from __future__ import annotations

import uuid

from tests.e2e.conftest import PHONE
from tests.e2e.server import csp_violations, log_in


def _phone_page(browser):
    context = browser.new_context(viewport=PHONE, locale="zh-CN")
    return context, context.new_page()


def _scroll_width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def test_a_token_is_made_shown_once_and_revoked_on_a_phone(browser, live_server):
    context, page = _phone_page(browser)
    refused = csp_violations(page)
    log_in(page, live_server, "organizer")
    page.click("label.menu-button")
    with page.expect_navigation():
        page.click("a.who")  # My account
    assert page.title().startswith("我的账号 ·")
    with page.expect_navigation():
        page.click("main a[href='/account/tokens']")

    name = f"HR {uuid.uuid4().hex[:8]}"
    page.fill("input[name=name]", name)
    page.select_option("select[name=scope]", "write")
    page.select_option("select[name=event]", "DEMO-PROV")
    with page.expect_navigation():
        page.click("main form[action='/account/tokens/new'] button[type=submit]")
    assert page.input_value("#new-token").startswith("jst_")
    assert _scroll_width(page) <= PHONE["width"]
    row = page.locator("table.tokens tbody tr", has_text=name)
    assert row.count() == 1 and "读写" in row.inner_text() and "DEMO-PROV" in row.inner_text()

    page.reload()  # asks for the list again: the secret is gone and no second token is made
    assert page.locator("#new-token").count() == 0
    assert page.locator("table.tokens tbody tr", has_text=name).count() == 1

    with page.expect_navigation():
        row.locator("button.danger").click()
    assert name in page.locator(".flash").inner_text()
    assert row.locator("button.danger").count() == 0 and "已撤销" in row.inner_text()
    assert _scroll_width(page) <= PHONE["width"]

    with page.expect_navigation():
        page.click("main a[href='/api/reference']")
    page.wait_for_selector(".swagger-ui .info .title", state="visible", timeout=15000)
    assert "Jingsai API" in page.inner_text(".swagger-ui .info .title")
    assert _scroll_width(page) <= PHONE["width"]
    with page.expect_navigation():
        page.click("nav.api-nav a[href='/account/tokens']")  # and back to the app
    context.close()
    assert refused == []


def test_a_webhook_is_added_and_removed_on_a_phone(browser, live_server):
    context, page = _phone_page(browser)
    refused = csp_violations(page)
    log_in(page, live_server, "organizer")
    with page.expect_navigation():
        page.locator("main a[href='/events/DEMO-PROV']").first.click()
    with page.expect_navigation():
        page.click("main a[href='/events/DEMO-PROV/webhooks']")

    url = f"http://127.0.0.1:9/receiver/{uuid.uuid4().hex}"
    page.fill("input[name=url]", url)
    page.locator("form.hook-form label", has_text="promotion.approved").first.click()  # untick by its label
    with page.expect_navigation():
        page.click("form.hook-form button.primary")
    hook = page.locator("div.webhook", has_text=url)
    assert hook.count() == 1, page.locator(".flash").all_inner_texts()
    ticked = hook.locator("input[name=types]:checked").evaluate_all("boxes => boxes.map(b => b.value)")
    assert "promotion.approved" not in ticked and "results.published" in ticked
    assert hook.locator(".tag", has_text="已启用").count() == 1
    assert _scroll_width(page) <= PHONE["width"]

    hook.locator("details.reject summary").click()  # a second tap confirms
    with page.expect_navigation():
        hook.locator("button.danger").click()
    assert page.locator("div.webhook", has_text=url).count() == 0
    assert _scroll_width(page) <= PHONE["width"]
    context.close()
    assert refused == []
