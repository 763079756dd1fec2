"""The merged PDF of a bulk job: one document, a page per certificate in number order, each page's
QR code the certificate's verification URL; offered on the certificates page for organizers only."""
from __future__ import annotations

import io
import json
import zipfile

import pypdfium2 as pdfium
import pytest
import zxingcpp
from sqlalchemy import select

from app.auth.models import Role
from app.certificates import bulk
from app.certificates.issuing import issue_for_results
from app.certificates.models import CertificateJob, CertificateKind, JobState
from app.extensions import db
from tests.certificates.world import final_world
from tests.events.helpers import login_en

DPI = 100  # enough for a 3 cm QR code (about 118 px), four times faster than print resolution


@pytest.fixture()
def world(ctx, make):
    world = final_world(make, care=True)
    issue_for_results(world.event)
    make.user("org", role=Role.ORGANIZER, unit=world.hrss)
    make.user("other-org", role=Role.ORGANIZER, unit=make.unit("ELSEWHERE"))
    make.user("cont", role=Role.CONTESTANT, person=world.competitor("W-01").lead.person)
    db.session.commit()
    return world


def run_job(client, skill: str = "") -> dict:
    assert client.post("/events/EV1/certificates/jobs", data={"skill": skill, "kinds": ["award"]}).status_code == 302
    job = db.session.scalar(select(CertificateJob).order_by(CertificateJob.id.desc()))
    assert job.state == JobState.DONE, job.error
    return client.get(f"/events/EV1/certificates/jobs/{job.id}.json").get_json()


def test_an_events_certificates_as_one_pdf_a_page_each_with_its_qr(world, client):
    login_en(client, "org")
    status = run_job(client)
    assert status["pdf"] and status["pdf"] in client.get("/events/EV1/certificates").get_data(as_text=True)
    response = client.get(status["pdf"])
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Cache-Control"] == "private, no-store"
    manifest = json.loads(zipfile.ZipFile(io.BytesIO(client.get(status["zip"]).data)).read("manifest.json"))
    entries = manifest["certificates"]
    document = pdfium.PdfDocument(response.data)
    assert len(document) == len(entries) == status["total"] > 3     # WELD and the CARE teams' members
    for page, entry in zip(document, entries, strict=True):
        codes = zxingcpp.read_barcodes(page.render(scale=DPI / 72).to_pil())
        assert [c.text for c in codes] == [entry["verify_url"]], entry["number"]
        assert entry["number"] in page.get_textpage().get_text_range()
    single = sum(len(client.get(f"/events/EV1/certificates/{i}.pdf").data) for i in range(1, 4))
    assert len(response.data) < single  # the font subset once, not once per certificate


def test_a_skills_certificates_as_one_pdf(world, client):
    login_en(client, "org")
    status = run_job(client, "WELD")
    assert len(pdfium.PdfDocument(client.get(status["pdf"]).data)) == status["total"] == 3


@pytest.mark.parametrize("who, status", [(None, 302), ("cont", 403), ("other-org", 404)])
def test_the_merged_pdf_is_for_the_events_organizers_only(world, client, who, status):
    # The job is run through the service: a request logged in as the organizer first would leave its
    # user cached in the test's app context (flask-login's ``g._login_user``).
    job = bulk.create_job(world.event, world.weld, [CertificateKind.AWARD])
    db.session.commit()
    assert bulk.run_job(job.id).state == JobState.DONE and bulk.merged_path(job).is_file()
    if who:
        login_en(client, who)
    assert client.get(f"/events/EV1/certificates/jobs/{job.id}.pdf").status_code == status
