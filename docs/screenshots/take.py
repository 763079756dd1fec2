"""Screenshots of the main pages at tablet (768 px) and phone (390 px) width, for the README.

Run with ``make screenshots``: it serves the demo on a scratch SQLite database and writes
``docs/screenshots/<name>-<width>.png``. Names given on the command line take only those shots
(``python docs/screenshots/take.py draw sealed``).
"""
from __future__ import annotations

import json
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
    ("board", "organizer", "/events/DEMO-PROV/board"),
    ("accounts", "organizer", "/accounts"),
    ("audit", "organizer", "/events/DEMO-PROV/audit"),
    ("home-judge", "weld-j1", "/"),
    ("home-unit-admin", "jiujiang", "/"),
    ("home-arbiter", "arbiter", "/"),
    ("home-contestant", "contestant", "/"),
    ("claim", None, "/claim"),
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
# Taken after the others, once an enterprise contest open to self-registration is added: the demo's
# events are provincial and municipal, and the contest, added earlier, would show in other pages'
# lists. The "-done" shot submits the form first (one person per width).
SELF_REGISTRATION_PAGES: list[tuple] = [
    ("self-registration", None, "/events/DEMO-ENT/self-register"),
    ("self-registration-done", None, "/events/DEMO-ENT/self-register"),
]
# Taken once the organizer computed the Jiangxi rule set for the demo's year (JX-JT organizes
# DEMO-PROV: one line per skill), approved two lines and set a budget (:func:`prepare_grants`).
# The unit view shows JX-JT's lines, as the organizer (who manages the JX tree) sees them.
GRANTS_PAGES: list[tuple] = [
    ("grants", "organizer", "/grants/jiangxi-2019?year=2026&unit=JX"),
    ("grants-owed", "organizer", "/grants/owed?unit=JX-JT&year=2026", ("390",)),
]
# Taken once the demo's CNC-S certificates are issued and the last one revoked
# (:func:`prepare_certificates`); the verification pages' paths carry tokens, known only then.
CERTIFICATE_PAGES: list[tuple] = [
    ("certificates", "organizer", "/events/DEMO-PROV/certificates"),
    ("verify", None, "genuine", ("390",)),
    ("verify-revoked", None, "revoked", ("390",)),
    ("my-results", "contestant", "/results/DEMO-PROV/me"),  # with the contestant's certificate to download
]
# Taken last, once the organizer made an API token and added a webhook through the pages
# (:func:`prepare_integrations`): a hook added earlier would be sent the other steps' results and certificates.
INTEGRATION_PAGES: list[tuple] = [
    ("tokens", "organizer", "/account/tokens"),
    ("webhooks", "organizer", "/events/DEMO-PROV/webhooks"),
]
CERTIFICATE_PDF = "certificate-pdf"  # page 1 of a certificate's PDF, as OUT/certificate-pdf.png
PDF_DPI = 100
ENTERPRISE_UNITS = [("DEMO-CO", "洪都机械集团（演示）", "enterprise", ""),
                    ("DEMO-CO-W", "焊装车间", "other", "DEMO-CO"), ("DEMO-CO-M", "机加工车间", "other", "DEMO-CO"),
                    ("DEMO-CO-Q", "质量部", "other", "DEMO-CO")]
ENTERPRISE_EVENT = {
    "code": "DEMO-ENT", "name": "2026年洪都机械岗位练兵技术比武（演示）", "tier": "enterprise", "year": 2026,
    "organizers": ["DEMO-CO"], "starts_on": "2026-12-10", "ends_on": "2026-12-10",
    "registration": {"opens": "2026-11-01", "closes": "2026-12-05"}, "self_registration": True,
    "employees_of_organizers_only": True,
    "skills": [
        {"code": "WELD", "name": "焊工", "group": "employee", "quota_per_unit": 5, "min_age": 18,
         "occupation": {"code": "6-18-02-04", "name": "焊工"}},
        {"code": "MILL", "name": "铣工", "group": "employee", "quota_per_unit": 5, "min_age": 18,
         "occupation": {"code": "6-18-01-02", "name": "铣工"}},
    ],
}


def add_enterprise_contest(database: Path) -> None:
    """Write the contest into the served database (the server sees it at its next request)."""
    from app import create_app
    from app.config import TestConfig
    from app.events.services import save_event_document
    from app.extensions import db
    from app.tabular import Row
    from app.units.services import import_units

    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{database}"

    app = create_app(Config)
    with app.app_context():
        import_units([Row(i, dict(zip(["code", "name", "kind", "parent_code"], u, strict=False)))
                      for i, u in enumerate(ENTERPRISE_UNITS, 2)])
        save_event_document(json.loads(json.dumps(ENTERPRISE_EVENT)))
        db.session.commit()
        db.engine.dispose()


def submit_self_registration(page, n: int) -> None:
    """Fill in the self-registration form as person ``n`` and submit it."""
    from app.people.idcard import check_digit

    body = f"36010219{90 + n}0412{31 + 2 * n:03d}"
    page.select_option("select[name=unit_code]", "DEMO-CO-W")
    page.select_option("select[name=skill_code]", "WELD")
    page.fill("input[name=name]", ["刘海峰", "陈志远"][n])
    page.fill("input[name=id_number]", body + check_digit(body))
    page.fill("input[name=birth_date]", f"19{90 + n}-04-12")
    page.select_option("select[name=gender]", "M")
    page.select_option("select[name=current_level]", "level4")
    page.fill("input[name=phone]", f"1397910{n:04d}")
    with page.expect_navigation():
        page.click("main button[type=submit]")
    assert page.url.endswith("/self-register/done"), page.url


def prepare_grants(browser, base: str) -> None:
    """Compute jiangxi-2019 for 2026 as the organizer, approve the first two lines, set a budget."""
    context = browser.new_context(viewport=WIDTHS["768"], locale="zh-CN")
    page = context.new_page()
    log_in(page, base, "organizer")
    page.goto(base + GRANTS_PAGES[0][2])
    with page.expect_navigation():
        page.click("form[action*='/compute'] button")
    for box in page.locator("input[name=lines]").all()[:2]:
        box.check()
    with page.expect_navigation():
        page.click("#approve button")
    page.fill("form[action*='/budget'] input[name=amount]", "1500000")
    with page.expect_navigation():
        page.click("form[action*='/budget'] button")
    context.close()


def prepare_certificates(database: Path, only: set[str]) -> dict[str, str]:
    """Issue the demo's CNC-S certificates through the service (as ``certificates issue`` does), revoke
    the last one, and render page 1 of the first one's PDF to a PNG; the two verification paths."""
    import pypdfium2

    from app import create_app
    from app.certificates.issuing import issue_for_results, revoke, verify_url
    from app.certificates.output import render_certificate
    from app.config import TestConfig
    from app.events.services import event_by_code
    from app.extensions import db

    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{database}"

    app = create_app(Config)
    with app.app_context():
        event = event_by_code("DEMO-PROV")
        certificates = issue_for_results(event, event.skill("CNC-S")).certificates
        genuine, revoked = certificates[0], certificates[-1]
        revoke(revoked, "演示：获奖资格复核后撤销")
        db.session.commit()
        base = app.config["PUBLIC_BASE_URL"]
        paths = {"genuine": verify_url(genuine).removeprefix(base), "revoked": verify_url(revoked).removeprefix(base)}
        if not only or CERTIFICATE_PDF in only:
            data, _url = render_certificate(genuine)
            image = pypdfium2.PdfDocument(data)[0].render(scale=PDF_DPI / 72).to_pil()
            image.save(OUT / f"{CERTIFICATE_PDF}.png")
            print(f"docs/screenshots/{CERTIFICATE_PDF}.png")
        db.engine.dispose()
    return paths


def prepare_integrations(browser, base: str) -> None:
    """Make a read-only API token for DEMO-PROV and add a webhook, as the organizer."""
    context = browser.new_context(viewport=WIDTHS["768"], locale="zh-CN")
    page = context.new_page()
    log_in(page, base, "organizer")
    page.goto(base + INTEGRATION_PAGES[0][2])
    page.fill("input[name=name]", "人社平台对接")
    page.select_option("select[name=event]", "DEMO-PROV")
    with page.expect_navigation():
        page.click("main form[action$='/tokens/new'] button[type=submit]")
    page.goto(base + INTEGRATION_PAGES[1][2])
    page.fill("input[name=url]", "https://hr.example.org/jingsai/webhook")
    with page.expect_navigation():
        page.click("form.hook-form button.primary")
    context.close()


def take(browser, base: str, pages: list[tuple], only: set[str]) -> None:
    for n, (label, viewport) in enumerate(WIDTHS.items()):
        context = browser.new_context(viewport=viewport, locale="zh-CN")
        page = context.new_page()
        account = None
        for name, user, path, *widths in pages:
            if (only and name not in only) or (widths and label not in widths[0]):
                continue
            if user != account:
                context.clear_cookies()
                if user is not None:   # None: the public, not logged in
                    log_in(page, base, user)
                account = user
            page.goto(base + path)
            if name == "self-registration-done":
                submit_self_registration(page, n)
            page.screenshot(path=str(OUT / f"{name}-{label}.png"), full_page=True)
            print(f"docs/screenshots/{name}-{label}.png")
        context.close()


def main(only: set[str]) -> None:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as scratch, clock.frozen(DEMO_NOW):
        database = Path(scratch) / "shots.db"
        base, stop = serve_demo(database)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            take(browser, base, PAGES, only)
            if not only or only & {name for name, *_ in GRANTS_PAGES}:
                prepare_grants(browser, base)
                take(browser, base, GRANTS_PAGES, only)
            if not only or only & ({name for name, *_ in CERTIFICATE_PAGES} | {CERTIFICATE_PDF}):
                paths = prepare_certificates(database, only)
                pages = [(name, user, paths.get(path, path), *widths)
                         for name, user, path, *widths in CERTIFICATE_PAGES]
                take(browser, base, pages, only)
            if not only or only & {name for name, *_ in SELF_REGISTRATION_PAGES}:
                add_enterprise_contest(database)
                take(browser, base, SELF_REGISTRATION_PAGES, only)
            if not only or only & {name for name, *_ in INTEGRATION_PAGES}:
                prepare_integrations(browser, base)
                take(browser, base, INTEGRATION_PAGES, only)
            browser.close()
        stop()

if __name__ == "__main__":
    main(set(sys.argv[1:]))
