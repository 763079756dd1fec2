"""The pages whose inline scripts and styles moved to static files still work under the
Content-Security-Policy: nothing is refused, the styles apply and the print button prints."""
from __future__ import annotations

from tests.e2e.server import csp_violations, log_in

EVENT = "/events/DEMO-PROV"


def test_moved_scripts_and_styles_work_under_the_policy(page, live_server):
    refused = csp_violations(page)
    log_in(page, live_server, "organizer")

    page.goto(f"{live_server}{EVENT}/skills/WELD-E/draw/sealed")
    page.evaluate("window.print = function () { window.printed = true; }")
    page.click("button[data-print]")
    assert page.evaluate("window.printed === true"), "the print button did not print"

    page.goto(f"{live_server}/units/")
    indents = page.eval_on_selector_all(
        "td[class^=indent-]", "cells => cells.map(c => parseFloat(getComputedStyle(c).paddingLeft))")
    assert len(set(indents)) >= 2, "units below others are indented"

    page.goto(f"{live_server}{EVENT}/qualification")
    assert page.eval_on_selector("input.short-number", "e => e.getBoundingClientRect().width") < 120

    with page.expect_response(lambda r: r.url.endswith("/static/js/certificate-jobs.js")) as script:
        page.goto(f"{live_server}{EVENT}/certificates")
    assert script.value.ok

    page.goto(f"{live_server}/password")
    with page.expect_navigation():
        page.click("form[action='/logout/everywhere'] button")
    assert "/login" in page.url
    assert refused == []


def test_the_verification_page_is_styled_from_the_style_sheet(page, live_server):
    refused = csp_violations(page)
    page.goto(f"{live_server}/verify/not-a-token")
    verdict = page.locator(".verdict")
    assert verdict.evaluate("e => getComputedStyle(e).borderTopWidth") == "2px"
    assert refused == []


def test_the_api_reference_runs_under_the_policy(page, live_server):
    refused = csp_violations(page)
    page.goto(f"{live_server}/api/reference")
    page.wait_for_selector(".opblock-summary-path", timeout=15000)
    paths = page.eval_on_selector_all(".opblock-summary-path", "nodes => nodes.map(n => n.textContent)")
    assert any("/api/v1/events" in p for p in paths)
    assert page.eval_on_selector(".swagger-ui .opblock", "e => getComputedStyle(e).borderRadius") != "0px"
    assert refused == []
