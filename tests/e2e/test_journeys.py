"""A contest day by clicks only, each role starting from its home page in Chromium (zh-CN, tablet
size): a unit admin registers a late welder, another files an appeal; the chief expert unlocks a
criterion, its judges sign it off again from their home pages and the chief locks it; the organizer
approves the late entry after confirming it comes late; the arbiter decides the appeal; a judge
marks on the tablet; after the appeals window the organizer publishes the skill final and decides
promotions.

The tests run in this order on one served demo (later ones build on earlier ones). Nothing is typed
into the address bar after the login page: every page is reached by clicking a link or a button.
"""
from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from app import clock
from app.people.idcard import check_digit
from tests.e2e.server import DEMO_NOW, log_in

BODY = "36010219900101002"  # Nanchang, born 1990-01-01
LATE_ID = BODY + check_digit(BODY)
APPEAL_REASON = "B1 测量有误，请复核"


def _home(page, live_server, username: str) -> None:
    log_in(page, live_server, username)
    page.goto(live_server + "/")


def click(page, selector: str) -> None:
    with page.expect_navigation():
        page.locator(selector).first.click()


def test_unit_admin_registers_a_late_welder(page, live_server):
    _home(page, live_server, "nanchang")
    click(page, "a[href='/registrations/']")
    click(page, "a[href='/registrations/DEMO-PROV/new']")
    page.select_option("select[name=unit_code]", "JX-NC-E1")
    page.select_option("select[name=skill_code]", "WELD-E")
    page.fill("input[name=contestant_no]", "WELD-E-LATE")
    page.fill("input[name=name]", "赵迟到")
    page.fill("input[name=id_number]", LATE_ID)
    page.fill("input[name=birth_date]", "1990-01-01")
    page.select_option("select[name=gender]", "F")
    click(page, "main button[type=submit]")
    click(page, "a.brand")
    click(page, "a[href='/registrations/DEMO-PROV/entries']")
    expect(page.locator("tr", has_text="WELD-E-LATE")).to_have_count(1)


def test_unit_admin_files_an_appeal_from_home(page, live_server):
    _home(page, live_server, "jiujiang")
    click(page, "a[href='/events/DEMO-PROV/skills/CARE-E/appeals']")
    page.select_option("select[name=criterion]", index=0)
    page.fill("textarea[name=reason]", APPEAL_REASON)
    click(page, "form[action$='/CARE-E/appeals'] button[type=submit]")
    expect(page.locator("main")).to_contain_text(APPEAL_REASON)


def test_chief_unlocks_a_criterion_and_locks_it_after_the_judges_sign_off(browser, page, live_server):
    """Each judge who marked the criterion signs it off from their home page (a criterion of
    measurements only has no judges to wait for); then the chief expert locks it."""
    _home(page, live_server, "weld-chief")
    click(page, "a[href='/events/DEMO-PROV/skills/WELD-E/marking']")
    unlock = page.locator("form[action$='/marking/A/unlock']")
    unlock.locator("input[name=reason]").fill("复核A模块")
    with page.expect_navigation():
        unlock.locator("button[type=submit]").click()
    for judge in ("weld-j1", "weld-j2", "weld-j3", "weld-j4"):
        context = browser.new_context(viewport={"width": 768, "height": 1024}, locale="zh-CN")
        other = context.new_page()
        _home(other, live_server, judge)
        click(other, "a[href='/events/DEMO-PROV/skills/WELD-E/marking']")
        sign = other.locator("form[action$='/marking/A/sign-off'] button")
        if sign.count():
            with other.expect_navigation():
                sign.click()
        context.close()
    page.reload()
    click(page, "form[action$='/marking/A/lock'] button[type=submit]")
    expect(page.locator("form[action$='/marking/A/unlock']")).to_have_count(1)


def test_organizer_approves_the_late_entry_after_confirming(page, live_server):
    _home(page, live_server, "organizer")
    click(page, "a[href='/events/DEMO-PROV/board']")
    weld = page.locator("li[data-skill='WELD-E']")
    expect(weld).to_have_attribute("data-stage", "entries")
    with page.expect_navigation():
        weld.locator("a.next-action").click()
    row = page.locator("tr", has_text="WELD-E-LATE")
    with page.expect_navigation():
        row.locator("form button.primary").click()
    expect(page.locator("main")).to_contain_text("WELD-E")  # the confirmation names the draw and lock
    click(page, "main form button.primary")
    expect(page.locator("tr", has_text="WELD-E-LATE")).to_contain_text("已通过")


def test_arbiter_decides_the_appeal_from_home(page, live_server):
    _home(page, live_server, "arbiter")
    click(page, "a[href='/events/DEMO-PROV/skills/CARE-E/appeals']")
    page.locator("details:has(form[action*='/decide']) summary").first.click()
    form = page.locator("form[action*='/decide']").first
    form.locator("input[name=outcome][value=dismissed]").check()
    form.locator("textarea[name=decision]").fill("复核无误，维持原评分")
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    expect(page.locator("main")).to_contain_text("复核无误，维持原评分")


def test_judge_marks_on_the_tablet_from_home(page, live_server):
    _home(page, live_server, "weld-j3")
    click(page, "a[href='/events/DEMO-PROV/skills/WELD-E/tablet']")
    page.locator("button[data-criterion=D]").click()
    page.locator("#aspects article.aspect").first.locator("button.choice").last.click()
    expect(page.locator("#unsent-count")).to_have_text("0", timeout=15000)


@pytest.fixture()
def after_the_appeals_window():
    with clock.frozen(DEMO_NOW + timedelta(hours=3)):
        yield


def test_organizer_publishes_final_and_decides_promotions(page, live_server, after_the_appeals_window):
    _home(page, live_server, "organizer")
    click(page, "a[href='/events/DEMO-PROV/board']")
    care = page.locator("li[data-skill='CARE-E']")
    expect(care).to_have_attribute("data-stage", "final")
    with page.expect_navigation():
        care.locator("a.next-action").click()
    page.locator("input[name=confirm]").check()
    click(page, "form[action$='/results/publish-final'] button[type=submit]")
    click(page, "a.brand")
    click(page, "a[href='/events/DEMO-PROV/board']")
    expect(page.locator("li[data-skill='CARE-E']")).to_have_attribute("data-stage", "certificates")
    click(page, "a[href='/events/DEMO-PROV/promotion']")
    click(page, "form[action$='/promotion/compute'] button[type=submit]")
    rows = page.locator("tr.status-proposed", has=page.locator("td strong"))
    assert rows.count() >= 1
    for index in range(rows.count()):
        rows.nth(index).locator("input.tick").check()
    click(page, "button[name=decision][value=approve]")
    expect(page.locator("tr.status-approved").first).to_be_visible()
