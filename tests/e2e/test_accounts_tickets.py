"""Accounts and admission tickets in Chromium, by clicks from each home page (zh-CN): a contestant
claims their account with the code their unit admin hands out, sees their result and downloads
their certificate; the check-in desk scans a ticket's QR code with the tablet's camera (Chromium's
fake camera plays a rendered ticket); an organizer creates an account and copies its link; and the
new pages do not scroll sideways at 390 or 768 px."""
from __future__ import annotations

import re
import sqlite3

import pypdfium2 as pdfium
import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import CHROMIUM
from tests.e2e.server import CHROMIUM_ARGS, log_in

PASSWORD = "ticket-claim-42"
FRAME = (1280, 720)


def click(page, selector: str) -> None:
    with page.expect_navigation():
        page.locator(selector).first.click()


def _one(database, query: str, *args):
    with sqlite3.connect(database) as connection:
        return connection.execute(query, args).fetchone()


def test_contestant_claims_the_account_sees_the_result_and_downloads_the_certificate(browser, page, live_server,
                                                                                     demo_database):
    # The organizer issues CNC-S's certificates (its results are final in the demo).
    log_in(page, live_server, "organizer")
    click(page, "a[href='/events/DEMO-PROV/board']")
    click(page, "a[href='/events/DEMO-PROV/certificates']")
    page.select_option("select[name=skill]", "CNC-S")
    page.locator("input[name=kinds][value=participation]").check()
    click(page, "form.job-form button[type=submit]")
    expect(page.locator("a[href*='/certificates/jobs/']").first).to_be_visible(timeout=60000)
    # Jiujiang's unit admin reads a contestant's claim code from their home page.
    context = browser.new_context(viewport={"width": 768, "height": 1024}, locale="zh-CN")
    admin = context.new_page()
    log_in(admin, live_server, "jiujiang")
    click(admin, "a[href='/accounts/claim-codes']")
    row = admin.locator("li[id^=entry-]", has_text="CNC-S").first
    bib = row.locator("strong").nth(1).inner_text()
    code = row.locator("code.claim-code").inner_text()
    context.close()
    id_number, = _one(demo_database, "SELECT p.id_number FROM registrations r JOIN persons p ON p.id = r.person_id "
                                     "JOIN events e ON e.id = r.event_id WHERE e.code = 'DEMO-PROV' "
                                     "AND r.contestant_no = ?", bib)
    # The contestant, from the home page (the login page), claims the account.
    contestant = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN").new_page()
    contestant.goto(live_server + "/")
    click(contestant, "a[href='/claim']")
    contestant.fill("input[name=bib]", bib)
    contestant.fill("input[name=id_number]", id_number)
    contestant.fill("input[name=code]", code.lower())
    contestant.fill("input[name=username]", "cnc-claimed")
    contestant.fill("input[name=password]", PASSWORD)
    contestant.fill("input[name=confirm]", PASSWORD)
    click(contestant, "main button[type=submit]")
    expect(contestant.locator("main")).to_contain_text(bib)
    click(contestant, "a[href='/results/DEMO-PROV/me']")
    expect(contestant.locator("main")).to_contain_text("CNC-S")
    with contestant.expect_download() as download:
        contestant.locator("a[href*='/certificates/'][href$='.pdf']").first.click()
    assert download.value.suggested_filename.endswith(".pdf")
    contestant.context.close()


def _y4m(image, path) -> None:
    """One still frame as a YUV4MPEG2 (4:2:0) file, the format Chromium's fake camera plays."""
    width, height = image.size
    y, cb, cr = image.convert("YCbCr").split()
    half = (width // 2, height // 2)
    with open(path, "wb") as out:
        out.write(f"YUV4MPEG2 W{width} H{height} F10:1 Ip A1:1 C420jpeg\n".encode())
        for _ in range(10):
            out.write(b"FRAME\n" + y.tobytes() + cb.resize(half).tobytes() + cr.resize(half).tobytes())


def _ticket_frame(pdf_path, y4m_path) -> None:
    """The ticket as the camera sees it held close: rendered large, the frame around its QR code."""
    from PIL import Image
    ticket = pdfium.PdfDocument(str(pdf_path))[0].render(scale=2200 / 595).to_pil().convert("RGB")
    frame = Image.new("RGB", FRAME, "white")
    left, top = ticket.width - FRAME[0], ticket.height // 8  # the QR code is in the upper right
    frame.paste(ticket.crop((left, top, ticket.width, top + FRAME[1])), (0, 0))
    _y4m(frame, y4m_path)


def test_check_in_by_scanning_a_tickets_qr_code_with_the_camera(browser, page, live_server, demo_database, tmp_path):
    log_in(page, live_server, "organizer")
    click(page, "a[href='/events/DEMO-PROV/board']")
    weld = page.locator("li[data-skill='WELD-E']")
    weld.locator("details.skill-pages summary").click()
    with page.expect_download() as download:
        weld.locator("a[href$='/WELD-E/tickets.pdf']").click()
    pdf = tmp_path / "tickets.pdf"
    download.value.save_as(pdf)
    first_page = pdfium.PdfDocument(str(pdf))[0].get_textpage().get_text_range()
    bib = re.search(r"参赛号：(\S+)", first_page).group(1)
    _ticket_frame(pdf, tmp_path / "ticket.y4m")

    # The tablet's browser: its camera plays the rendered ticket (a second Chromium of the same driver).
    camera = browser.browser_type.launch(executable_path=CHROMIUM, args=[
        *CHROMIUM_ARGS, "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
        f"--use-file-for-fake-video-capture={tmp_path / 'ticket.y4m'}"])
    try:
        context = camera.new_context(viewport={"width": 768, "height": 1024}, locale="zh-CN")
        context.grant_permissions(["camera"], origin=live_server)
        desk = context.new_page()
        log_in(desk, live_server, "organizer")
        click(desk, "a[href='/events/DEMO-PROV/board']")
        desk.locator("li[data-skill='WELD-E'] details.skill-pages summary").click()
        click(desk, "li[data-skill='WELD-E'] a[href$='/WELD-E/check-in']")
        with desk.expect_navigation(timeout=30000):
            desk.locator("#scan-camera").click()
        expect(desk.locator(".flash-info", has_text=bib)).to_have_count(1)  # a late-draw notice may flash too
        expect(desk.locator("tr", has_text=bib).locator(".tag-ok")).to_have_count(1)
    finally:
        camera.close()
    checked_in, = _one(demo_database, "SELECT r.checked_in_at FROM registrations r JOIN skills s ON s.id = r.skill_id "
                                      "WHERE s.code = 'WELD-E' AND r.contestant_no = ?", bib)
    assert checked_in is not None


def test_organizer_creates_an_account_and_copies_its_link(browser, live_server):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server)
    page = context.new_page()
    log_in(page, live_server, "organizer")
    click(page, "main a[href='/accounts']")
    page.fill("input[name=username]", "gz-lead")
    page.fill("input[name=display_name]", "赣州市领队")
    page.select_option("select[name=role]", "unit_admin")
    page.select_option("select[name=unit_code]", "JX-GZ")
    click(page, "form[action='/accounts/new'] button[type=submit]")
    page.locator("button[data-copy]").click()
    expect(page.locator("button[data-copy]")).to_have_text("已复制")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == page.locator("#one-time-link").input_value() and "/login/link/" in copied
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    context.close()
    other = browser.new_context(viewport={"width": 768, "height": 1024}, locale="zh-CN")
    holder = other.new_page()
    holder.goto(live_server + "/login/link/" + copied.rsplit("/login/link/", 1)[1])
    expect(holder.locator("input[name=confirm]")).to_be_visible()  # logged in: choose a password
    other.close()


@pytest.mark.parametrize("width", [390, 768])
def test_the_claim_and_account_pages_do_not_scroll_sideways(browser, live_server, width):
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-CN")
    page = context.new_page()
    wide = []
    page.goto(live_server + "/claim")
    if page.evaluate("document.documentElement.scrollWidth") > width:
        wide.append("/claim")
    log_in(page, live_server, "organizer")
    for path in ("/accounts", "/accounts/claim-codes", "/events/DEMO-PROV/skills/CARE-E/check-in"):
        page.goto(live_server + path)
        if page.evaluate("document.documentElement.scrollWidth") > width:
            wide.append(path)
    context.close()
    assert wide == []
