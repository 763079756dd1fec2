"""The UI shell in a real browser: login, the dashboard by tier, a unit created through its form,
the language switch, and the phone layout's menu."""
from tests.e2e.conftest import PHONE
from tests.e2e.server import log_in


def test_organizer_logs_in_and_sees_events_by_tier(page, live_server):
    log_in(page, live_server, "organizer")
    assert page.locator("h1").first.inner_text() == "赛事"
    assert page.locator("h2", has_text="省级职业技能竞赛").count() == 1
    page.click("text=DEMO-PROV")
    assert "焊工（职工组）" in page.content()


def test_organizer_creates_a_unit_and_sees_a_refusal_first(page, live_server):
    log_in(page, live_server, "organizer")
    page.goto(f"{live_server}/units/new")
    page.fill("input[name=code]", "bad code")
    page.fill("input[name=name]", "上饶市代表队")
    page.click("main button[type=submit]")
    assert page.locator(".field.has-error").count() == 1
    page.fill("input[name=code]", "JX-SR")
    page.select_option("select[name=kind]", "city")
    page.select_option("select[name=parent_code]", "JX")
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server}/units/")
    assert "上饶市代表队" in page.content()


def test_language_switch_and_phone_menu(browser, live_server):
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    log_in(page, live_server, "organizer")
    assert not page.locator("nav.menu").is_visible()
    page.click("label.menu-button")
    assert page.locator("nav.menu").is_visible()
    page.click("text=English")
    assert page.locator("h1").first.inner_text() == "Events"
    page.click("label.menu-button")
    page.click("text=中文")
    assert page.locator("h1").first.inner_text() == "赛事"
    context.close()
