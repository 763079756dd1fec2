"""Contestants' own certificates: listed on their results page after publication (revoked ones
marked, never downloadable), one PDF rendered on request for its holder or the event's organizers,
and every forbidden path tried (another contestant, a unit admin, an organizer elsewhere,
anonymous)."""
from __future__ import annotations

import io

import pypdfium2
import pytest

from app.certificates.issuing import issue_level_certificate, revoke
from app.certificates.models import Certificate
from app.extensions import db
from tests.certificates.world import REFUSED, answer, certificate_of, issued_world, level_record
from tests.events.helpers import login_en

ME = "/results/EV1/me"


@pytest.fixture()
def world(ctx, make):
    return issued_world(make)


def pdf_path(certificate: Certificate) -> str:
    return f"/events/EV1/certificates/{certificate.id}.pdf"


def test_a_contestant_sees_and_downloads_their_own_certificate(world, client):
    login_en(client, "cont-W-01")
    mine, theirs = certificate_of("W-01"), certificate_of("W-02")
    page = client.get(ME).get_data(as_text=True)
    assert "My certificates" in page and mine.number in page and "金牌" in page and "Award certificate" in page
    assert pdf_path(mine) in page
    assert theirs.number not in page and pdf_path(theirs) not in page
    response = client.get(pdf_path(mine))
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Cache-Control"] == "private, no-store"
    assert f'filename="{mine.file_name}"' in response.headers["Content-Disposition"]
    assert len(pypdfium2.PdfDocument(io.BytesIO(response.data))) == 1


def test_a_revoked_certificate_is_listed_as_revoked_and_not_downloadable(world, client):
    mine = certificate_of("W-01")
    revoke(mine, "wrong name")
    db.session.commit()
    login_en(client, "cont-W-01")
    page = client.get(ME).get_data(as_text=True)
    assert mine.number in page and "revoked" in page and "wrong name" in page
    assert pdf_path(mine) not in page
    assert client.get(pdf_path(mine)).status_code == 404


def test_a_level_certificate_belongs_to_the_records_person(world, client):
    level = issue_level_certificate(level_record(world), world.event, world.weld)
    db.session.commit()
    login_en(client, "cont-W-01")
    assert level.number in client.get(ME).get_data(as_text=True)
    assert client.get(pdf_path(level)).status_code == 200
    login_en(client, "cont-W-02")
    assert client.get(pdf_path(level)).status_code == 404


def test_the_bib_lookup_lists_certificates_without_download(world, client):
    client.get("/lang/en")
    person = world.competitor("W-01").lead.person
    page = client.post(ME, data={"bib": "W-01", "id_tail": person.id_number[-6:]}).get_data(as_text=True)
    mine = certificate_of("W-01")
    assert mine.number in page and pdf_path(mine) not in page and "Sign in" in page


def test_a_logged_in_contestant_looking_up_another_bib_gets_no_download_link(world, client):
    login_en(client, "cont-W-02")
    person = world.competitor("W-01").lead.person
    page = client.post(ME, data={"bib": "W-01", "id_tail": person.id_number[-6:]}).get_data(as_text=True)
    assert certificate_of("W-01").number in page and pdf_path(certificate_of("W-01")) not in page


@pytest.mark.parametrize("who, expected", REFUSED)
def test_someone_elses_certificate_is_refused(world, client, who, expected):
    assert answer(client, who, pdf_path(certificate_of("W-01"))) == expected


def test_the_organizer_downloads_any_certificate_of_the_event(world, client):
    login_en(client, "org")
    for bib in ("W-01", "W-02", "W-03"):
        assert client.get(pdf_path(certificate_of(bib))).status_code == 200


def test_a_certificate_under_another_events_code_is_404(world, client, make):
    make.event("EV2", organizers=[world.hrss])
    db.session.commit()
    login_en(client, "cont-W-01")
    assert client.get(f"/events/EV2/certificates/{certificate_of('W-01').id}.pdf").status_code == 404
