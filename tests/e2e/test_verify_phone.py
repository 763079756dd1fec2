"""A certificate's QR code opened on a phone: the verification page says genuine, with the content."""
from __future__ import annotations

from app import create_app
from app.config import TestConfig
from app.extensions import db
from tests.e2e.conftest import PHONE


def issued_path(database) -> str:
    """Issue the demo's final CNC-S certificates on the served database; the first one's verify path."""
    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{database}"

    app = create_app(Config)
    with app.app_context():
        from app.certificates.issuing import issue_for_results, verify_url
        from app.events.services import event_by_code
        event = event_by_code("DEMO-PROV")
        result = issue_for_results(event, event.skill("CNC-S"))
        db.session.commit()
        certificate = result.certificates[0]
        path = verify_url(certificate).removeprefix(app.config["PUBLIC_BASE_URL"])
        holder = certificate.holder
        db.engine.dispose()
    return path, holder


def test_a_verify_url_on_a_phone_says_genuine(browser, live_server, demo_database):
    path, holder = issued_path(demo_database)
    context = browser.new_context(viewport=PHONE, locale="zh-CN")
    page = context.new_page()
    page.goto(f"{live_server}{path}")
    verdict = page.locator(".verdict")
    assert verdict.get_attribute("data-state") == "genuine"
    assert "真实" in verdict.inner_text() or "Genuine" in verdict.inner_text()
    assert holder in page.content()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    context.close()
