"""The scheme page: upload (JSON, the CIS sheet, refusals listing every problem, frozen once marks
exist), the summary and the full scheme for judges, the downloads, and who may do what."""
from __future__ import annotations

import copy
import io
import json
import re
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from app.auth.models import Role
from app.events.models import PanelMember, PanelRole
from app.extensions import db
from app.marking.models import Mark, MarkSource, SchemeAspect, SchemeCriterion
from app.marking.schemes import SchemeFile, load_scheme, parse_scheme_json, save_scheme, scheme_document
from tests.data import CIS_EXAMPLE
from tests.events.helpers import login_en, registration

PAGE = "/events/EV1/skills/WELD/scheme"
DESCRIPTORS = ["below industry standard", "meets industry standard", "exceeds it in some respects",
               "wholly exceeds it"]
SCHEME = {
    "standards": [{"section": "1", "name": "Work organization", "weight": "40"},
                  {"section": "2", "name": "Weld quality", "weight": "60"}],
    "criteria": [
        {"code": "A", "name": "Preparation", "sub_criteria": [
            {"id": "A1", "name": "Bevel", "day": 1, "aspects": [
                {"id": "A1.1", "type": "M", "description": "Bevel angle 60°", "max": "30.00", "section": "1",
                 "requirement": "60° ± 2°"},
                {"id": "A1.2", "type": "J", "description": "Tidy workplace", "max": "10.00", "section": "1",
                 "descriptors": DESCRIPTORS}]}]},
        {"code": "B", "name": "Welding", "sub_criteria": [
            {"id": "B1", "name": "Seam", "day": 2, "aspects": [
                {"id": "B1.1", "type": "M", "description": "Seam width", "max": "50.00", "section": "2",
                 "calculation": "bands", "bands": [["0.2", "50.00"], ["0.5", "25.00"]]},
                {"id": "B1.2", "type": "M", "description": "Pores", "max": "10.00", "section": "2",
                 "calculation": "deduction", "deduct": "2.50"}]}]},
    ],
}


@pytest.fixture()
def skill(ctx, make):
    """EV1/WELD organized by JX; a panel of chief, judge and supervisor; an expert without a seat."""
    root = make.unit("JX")
    event = make.event("EV1", organizers=[root])
    weld = make.skill(event, "WELD")
    make.user("org", unit=root)
    make.user("stranger-org", unit=make.unit("GD"))
    make.user("outsider", role=Role.EXPERT)
    seats = (("chief", PanelRole.CHIEF), ("j1", PanelRole.JUDGE), ("sup", PanelRole.SUPERVISOR))
    for username, role in seats:
        expert = make.user(username, role=Role.EXPERT, unit=root)
        db.session.add(PanelMember(skill=weld, user=expert, role=role))
    db.session.commit()
    return weld


def upload(client, data: bytes, filename: str):
    return client.post(PAGE, data={"file": (io.BytesIO(data), filename)}, content_type="multipart/form-data")


def as_json(doc: dict) -> bytes:
    return json.dumps(doc, ensure_ascii=False).encode()


def store(skill, doc: dict = SCHEME) -> None:
    save_scheme(skill, SchemeFile(parse_scheme_json(doc), "scheme.json"), by_chief_expert=False)
    db.session.commit()


def add_mark(skill) -> None:
    """One measurement mark, as if entered on paper: marking has started."""
    aspect = db.session.scalar(select(SchemeAspect).where(SchemeAspect.code == "A1.1"))
    bib = registration(skill.event, skill, skill.event.organizers[0], "W-01")
    db.session.add(Mark(skill_id=skill.id, aspect_id=aspect.id, competitor_id=bib.id, kind="M",
                        value=Decimal("30.00"), source=MarkSource.PAPER, recorded_by="test"))
    db.session.commit()


def test_organizer_uploads_a_json_scheme(client, skill):
    login_en(client, "org")
    response = upload(client, as_json(SCHEME), "weld.json")
    assert response.status_code == 302 and response.headers["Location"].endswith(PAGE)
    assert load_scheme(skill) == parse_scheme_json(SCHEME)
    page = client.get(PAGE).get_data(as_text=True)
    assert "Marking scheme imported from weld.json." in page
    for text in ("Preparation", "Welding", "100.00", "Work organization", "Weld quality", "weld.json",
                 "4 aspects: 3 measurement, 1 judgement", "60° ± 2°", "≤ 0.20 → 50.00",
                 "Deduct 2.50 per defect", "Day 2"):
        assert text in page, text
    assert 'class="beyond"' not in page


def test_a_section_beyond_the_tolerance_is_highlighted(client, skill):
    """Stored while the event allowed ±10, shown after it was narrowed to ±5."""
    skill.event.section_tolerance = Decimal("10.00")
    doc = copy.deepcopy(SCHEME)
    doc["standards"][0]["weight"], doc["standards"][1]["weight"] = "48", "52"  # 40 marks for 48: -8
    store(skill, doc)
    skill.event.section_tolerance = Decimal("5.00")
    db.session.commit()
    login_en(client, "org")
    page = client.get(PAGE).get_data(as_text=True)
    assert page.count('class="beyond"') == 2 and "-8.00" in page and "+8.00" in page


def test_a_broken_scheme_lists_every_problem_and_stores_nothing(client, skill):
    doc = copy.deepcopy(SCHEME)
    aspects = doc["criteria"][0]["sub_criteria"][0]["aspects"]
    aspects[0]["section"] = "9"
    aspects[1]["descriptors"] = DESCRIPTORS[:3]
    aspects[1]["max"] = "11.00"
    login_en(client, "org")
    response = upload(client, as_json(doc), "broken.json")
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "Nothing was saved" in page
    assert re.findall(r"<tr><td>(.*?)</td><td>(.*?)</td></tr>", page) == [
        ("criteria[0].sub_criteria[0].aspects[0].section", "A1.1: section 9 is not in the standards"),
        ("criteria[0].sub_criteria[0].aspects[1].descriptors",
         "A1.2: a judgement aspect needs four descriptors, for scores 0, 1, 2 and 3"),
        ("criteria", "the aspects&#39; max marks sum to 101.00, not 100.00"),
        ("standards", "section 1 has 11.00 marks for a weight of 40.00 (allowed variation 5.00)")]
    assert db.session.scalar(select(func.count(SchemeCriterion.id))) == 0


def test_a_file_of_another_kind_is_refused_at_the_field(client, skill):
    login_en(client, "org")
    page = upload(client, b"a,b\n", "scheme.csv").get_data(as_text=True)
    assert "A scheme is a .json or .xlsx file." in page and load_scheme(skill) is None


def test_the_cis_example_uploads(client, skill):
    login_en(client, "org")
    assert upload(client, CIS_EXAMPLE.read_bytes(), CIS_EXAMPLE.name).status_code == 302
    page = client.get(PAGE).get_data(as_text=True)
    assert "149 aspects: 123 measurement, 26 judgement" in page and "17 Web Development" in page
    assert page.count('<details class="criterion">') == 6
    assert page.count('<ol class="descriptors" start="0">') == 26


def test_downloads_are_the_stored_scheme(client, skill):
    store(skill)
    login_en(client, "j1")
    response = client.get(f"{PAGE}.json")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == "attachment; filename=EV1-WELD-scheme.json"
    assert json.loads(response.data) == scheme_document(load_scheme(skill))
    response = client.get(f"{PAGE}.xlsx")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == "attachment; filename=EV1-WELD-scheme.xlsx"
    assert load_workbook(io.BytesIO(response.data)).sheetnames


def test_downloads_without_a_scheme_are_404(client, skill):
    login_en(client, "org")
    assert client.get(f"{PAGE}.json").status_code == 404
    assert client.get(f"{PAGE}.xlsx").status_code == 404
    assert "This skill has no marking scheme yet." in client.get(PAGE).get_data(as_text=True)


@pytest.mark.parametrize("username", ["j1", "sup"])
def test_a_judge_or_supervisor_reads_the_descriptors_but_may_not_upload(client, skill, username):
    store(skill)
    login_en(client, username)
    page = client.get(PAGE).get_data(as_text=True)
    assert all(d in page for d in DESCRIPTORS)
    assert 'type="file"' not in page
    assert upload(client, as_json(SCHEME), "weld.json").status_code == 403


@pytest.mark.parametrize("username", ["outsider", "stranger-org"])
def test_others_get_404(client, skill, username):
    store(skill)
    login_en(client, username)
    for url in (PAGE, f"{PAGE}.json", f"{PAGE}.xlsx"):
        assert client.get(url).status_code == 404, url
    assert upload(client, as_json(SCHEME), "weld.json").status_code == 404
    assert client.get("/events/EV1/skills/NOPE/scheme").status_code == 404


def test_the_chief_uploads_too(client, skill):
    login_en(client, "chief")
    assert 'type="file"' in client.get(PAGE).get_data(as_text=True)
    assert upload(client, as_json(SCHEME), "weld.json").status_code == 302
    assert load_scheme(skill) is not None


def test_after_the_first_mark_only_the_chief_rewords(client, skill):
    store(skill)
    add_mark(skill)
    reworded = copy.deepcopy(SCHEME)
    reworded["criteria"][0]["name"] = "Preparation of the joint"
    login_en(client, "org")
    page = client.get(PAGE).get_data(as_text=True)
    assert "Marking has started: the scheme is frozen." in page
    page = upload(client, as_json(reworded), "weld.json").get_data(as_text=True)
    assert "marking of WELD has started: only its chief expert may change the scheme" in page
    assert load_scheme(skill).criteria[0].name == "Preparation"

    client.post("/logout")
    login_en(client, "chief")
    changed = copy.deepcopy(reworded)
    changed["criteria"][0]["sub_criteria"][0]["aspects"][0]["max"] = "29.00"
    changed["criteria"][1]["sub_criteria"][0]["aspects"][1]["max"] = "11.00"
    page = upload(client, as_json(changed), "weld.json").get_data(as_text=True)
    assert "a new scheme may change wording only" in page
    response = upload(client, as_json(reworded), "weld.json")
    assert response.status_code == 302
    assert "Wording of the marking scheme updated from weld.json." in client.get(PAGE).get_data(as_text=True)
    assert load_scheme(skill).criteria[0].name == "Preparation of the joint"


def test_links_to_the_scheme_page(client, skill):
    login_en(client, "org")
    assert f'href="{PAGE}"' in client.get("/events/EV1").get_data(as_text=True)
    client.post("/logout")
    login_en(client, "sup")
    assert f'href="{PAGE}"' in client.get("/panels").get_data(as_text=True)
