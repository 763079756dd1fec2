"""The verification page (genuine / revoked / unknown / forged, content from the server, rate limit)
and the organizers' certificates page (revocation audited and shown at once, bulk job with progress
and zip, every forbidden path tried)."""
from __future__ import annotations

import io
import zipfile

import pytest
from sqlalchemy import select

from app.audit import AuditEntry
from app.auth.models import Role
from app.certificates.issuing import issue_for_results, revoke, verify_url
from app.certificates.models import Certificate, CertificateJob, JobState
from app.extensions import db, limiter
from tests.certificates.world import final_world
from tests.events.helpers import login_en

BASE = "http://localhost:5000"


@pytest.fixture()
def world(ctx, make):
    world = final_world(make, care=False)
    issue_for_results(world.event, world.weld)
    make.user("org", role=Role.ORGANIZER, unit=world.hrss)
    make.user("other-org", role=Role.ORGANIZER, unit=make.unit("ELSEWHERE"))
    make.user("judge", role=Role.EXPERT, unit=world.hrss)
    db.session.commit()
    return world


def gold() -> Certificate:
    return db.session.scalar(select(Certificate).where(Certificate.contestant_no == "W-01"))


def path_of(certificate: Certificate) -> str:
    return verify_url(certificate).removeprefix(BASE)


def en(client, path: str):
    return client.get(path, headers={"Accept-Language": "en"})


def test_a_genuine_certificate_shows_the_servers_content(world, client):
    client.get("/lang/en")
    certificate = gold()
    response = client.get(path_of(certificate))
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and 'data-state="genuine"' in page
    for value in (certificate.holder, certificate.id_masked, world.event.name, world.weld.name, "金牌",
                  "2026-09-01", world.hrss.name, certificate.number):
        assert value in page
    assert response.headers["Cache-Control"] == "no-store"


def test_a_revoked_certificate_shows_date_and_reason_at_once(world, client):
    certificate = gold()
    path = path_of(certificate)
    revoke(certificate, "printed with a wrong name")
    db.session.commit()
    page = client.get(path).get_data(as_text=True)
    assert 'data-state="revoked"' in page and "printed with a wrong name" in page and "2026-09-01" in page
    assert 'data-state="genuine"' not in page


def test_a_page_seen_before_shows_its_revocation_and_replacement_at_once(world, client):
    certificate = gold()
    path = path_of(certificate)
    for _ in range(2):  # the second answer is the stored page
        assert 'data-state="genuine"' in client.get(path).get_data(as_text=True)
    revoke(certificate, "printed with a wrong name")
    db.session.commit()
    page = client.get(path).get_data(as_text=True)
    assert 'data-state="revoked"' in page and "printed with a wrong name" in page
    replacement = db.session.scalar(select(Certificate).where(Certificate.id != certificate.id))
    certificate.revoked_reason, certificate.replaced_by = "corrected total", replacement
    db.session.commit()
    page = client.get(path).get_data(as_text=True)
    assert "corrected total" in page and "printed with a wrong name" not in page and replacement.number in page


def test_each_language_has_its_own_stored_page(world, client):
    path = path_of(gold())
    assert "Genuine certificate" not in client.get(path).get_data(as_text=True)
    client.get("/lang/en")
    assert "Genuine certificate" in client.get(path).get_data(as_text=True)


def test_an_unknown_number_is_said_so(world, client):
    certificate = gold()
    path = path_of(certificate)
    db.session.delete(certificate)
    db.session.commit()
    response = client.get(path)
    assert response.status_code == 404 and 'data-state="unknown"' in response.get_data(as_text=True)


def test_every_one_character_change_of_the_token_is_refused_never_genuine(world, client):
    path = path_of(gold())
    token = path.removeprefix("/verify/")
    for position in (0, 1, len(token) // 2, len(token) - 1):
        swapped = "A" if token[position] != "A" else "B"
        forged = token[:position] + swapped + token[position + 1:]
        response = client.get(f"/verify/{forged}")
        page = response.get_data(as_text=True)
        assert response.status_code in (400, 404) and 'data-state="genuine"' not in page, position
        limiter.reset()
    response = client.get(f"/verify/{token[:-1]}{'A' if token[-1] != 'A' else 'B'}")
    assert 'data-state="refused"' in response.get_data(as_text=True)


def test_a_token_for_other_content_is_refused(world, client):
    certificate = gold()
    certificate.content = {**certificate.content, "holder": "李四"}   # the row no longer matches the token
    path = path_of(certificate)
    db.session.rollback()
    response = client.get(path)
    assert response.status_code == 400 and 'data-state="refused"' in response.get_data(as_text=True)


def test_verification_is_rate_limited_per_address(world, client, app, monkeypatch):
    path = path_of(gold())
    limit = 12
    monkeypatch.setitem(app.config, "VERIFY_RATE_LIMIT", f"{limit} per minute")
    for _ in range(limit):
        assert client.get(path).status_code == 200
    response = client.get(path)
    assert response.status_code == 429 and "limited" in response.get_data(as_text=True)
    other = client.get(path, environ_base={"REMOTE_ADDR": "10.0.0.9"})
    assert other.status_code == 200


def test_the_organizer_revokes_on_the_certificates_page_audited(world, client):
    login_en(client, "org")
    certificate = gold()
    page = client.get("/events/EV1/certificates")
    assert page.status_code == 200 and certificate.number in page.get_data(as_text=True)
    path = path_of(certificate)
    response = client.post(f"/events/EV1/certificates/{certificate.id}/revoke", data={"reason": "duplicate"})
    assert response.status_code == 302
    db.session.expire_all()
    assert gold().revoked and gold().revoked_reason == "duplicate"
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "certificate.revoke"))
    assert entry.actor == "user:org" and entry.note == "duplicate"
    assert 'data-state="revoked"' in client.get(path).get_data(as_text=True)


def test_a_revocation_without_reason_is_refused(world, client):
    login_en(client, "org")
    client.post(f"/events/EV1/certificates/{gold().id}/revoke", data={"reason": ""})
    db.session.expire_all()
    assert not gold().revoked


def test_a_bulk_job_renders_a_zip_with_progress(world, client):
    login_en(client, "org")
    response = client.post("/events/EV1/certificates/jobs", data={"skill": "WELD", "kinds": ["award"]})
    assert response.status_code == 302
    job = db.session.scalar(select(CertificateJob))
    assert job.state == JobState.DONE and (job.done, job.total) == (3, 3)
    status = client.get(f"/events/EV1/certificates/jobs/{job.id}.json").get_json()
    assert status["state"] == "done" and status["done"] == status["total"] == 3 and status["zip"]
    archive = zipfile.ZipFile(io.BytesIO(client.get(status["zip"]).data))
    assert sorted(archive.namelist()) == ["JX-HRSS2026A000001.pdf", "JX-HRSS2026A000002.pdf",
                                          "JX-HRSS2026A000003.pdf", "manifest.json"]


def test_a_failed_job_resumes(world, client, app):
    from app.certificates import bulk
    login_en(client, "org")
    font = app.config["CJK_FONT_PATH"]
    app.config["CJK_FONT_PATH"] = "/nonexistent.ttc"
    try:
        client.post("/events/EV1/certificates/jobs", data={"skill": "WELD", "kinds": ["award"]})
    finally:
        app.config["CJK_FONT_PATH"] = font
    job = db.session.scalar(select(CertificateJob))
    assert job.state == JobState.FAILED and "fonts-wqy-zenhei" in job.error
    client.post(f"/events/EV1/certificates/jobs/{job.id}/resume")
    db.session.expire_all()
    assert job.state == JobState.DONE and bulk.zip_path(job).is_file()


@pytest.mark.parametrize("who, status", [(None, 302), ("judge", 403), ("other-org", 404)])
def test_forbidden_paths(world, client, who, status):
    if who:
        login_en(client, who)
    certificate = gold()
    assert client.get("/events/EV1/certificates").status_code == status
    assert client.post(f"/events/EV1/certificates/{certificate.id}/revoke",
                       data={"reason": "x"}).status_code == status
    assert client.post("/events/EV1/certificates/jobs", data={"skill": "WELD"}).status_code == status
    db.session.expire_all()
    assert not gold().revoked and db.session.scalar(select(CertificateJob)) is None


def test_the_event_page_links_the_certificates_page(world, client):
    login_en(client, "org")
    page = client.get("/events/EV1").get_data(as_text=True)
    assert 'href="/events/EV1/certificates"' in page


def test_the_job_form_defaults_to_the_final_skills_and_says_what_it_did(world, client):
    """CARE is not final: "every skill" would be refused, so the default is every final skill."""
    login_en(client, "org")
    page = client.get("/events/EV1/certificates").text
    assert '<option selected value="*final">Every skill with final results (WELD)</option>' in page
    assert "not final yet" in page
    response = client.post("/events/EV1/certificates/jobs", data={"skill": "*final", "kinds": ["award"]},
                           follow_redirects=True)
    job = db.session.scalar(select(CertificateJob))
    assert job.state == JobState.DONE and job.total == 3 and job.skill_id is None
    assert "3 certificates issued" in response.text
    assert "Award certificate" in response.text and ">done<" in response.text  # the job line in words
    assert client.get(f"/events/EV1/certificates/jobs/{job.id}.json").get_json()["state_text"] == "done"


def test_the_certificates_table_tells_number_from_bib_in_chinese(world, client):
    login_en(client, "org")
    client.get("/lang/zh_CN")
    page = client.get("/events/EV1/certificates").text
    assert "<th>证书编号</th>" in page and "<th>编号</th>" in page


def test_the_verdict_names_the_issuer(world, client):
    client.get("/lang/en")
    page = client.get(path_of(gold())).text
    assert f"Issued by {world.hrss.name}, certificate number {gold().number}." in page
