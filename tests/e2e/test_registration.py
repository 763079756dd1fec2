"""Registration in a real browser: a unit admin registers a contestant through the form; a bad
ID number is refused with its message under the field, and nothing is saved until it is right."""
from app.people.idcard import check_digit
from tests.e2e.server import log_in

BODY = "36010220050307031"  # Nanchang, born 2005-03-07, odd sequence digit → male
GOOD_ID = BODY + check_digit(BODY)
BAD_ID = BODY + ("0" if check_digit(BODY) != "0" else "1")


def fill_contestant(page, id_number: str) -> None:
    page.select_option("select[name=unit_code]", "JX-NC-E1")
    page.select_option("select[name=skill_code]", "WELD-E")
    page.fill("input[name=contestant_no]", "WELD-E2E")
    page.fill("input[name=name]", "李浏览")
    page.fill("input[name=id_number]", id_number)
    page.fill("input[name=birth_date]", "2005-03-07")
    page.select_option("select[name=gender]", "M")


def test_unit_admin_registers_a_contestant_and_a_bad_id_is_refused(page, live_server):
    log_in(page, live_server, "nanchang")
    page.goto(f"{live_server}/registrations/DEMO-PROV/new")
    fill_contestant(page, BAD_ID)
    page.click("main button[type=submit]")
    error = page.locator(".field.has-error .error")
    assert error.count() >= 1
    assert "校验码" in error.first.inner_text() or "check digit" in error.first.inner_text()
    page.goto(f"{live_server}/registrations/DEMO-PROV/entries")
    assert "WELD-E2E" not in page.content()

    page.goto(f"{live_server}/registrations/DEMO-PROV/new")
    fill_contestant(page, GOOD_ID)
    with page.expect_navigation():
        page.click("main button[type=submit]")
    page.goto(f"{live_server}/registrations/DEMO-PROV/entries")
    row = page.locator("tr", has_text="WELD-E2E")
    assert row.count() == 1 and "李浏览" in row.inner_text()
