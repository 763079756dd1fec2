"""Approving an entry after its skill was drawn or a criterion locked asks the organizer to confirm,
naming what follows; nothing is approved until they do."""
from __future__ import annotations

import pytest
from flask import current_app

from app.events.models import Registration, RegistrationStatus
from app.events.services import event_by_code
from app.extensions import db
from app.people.models import Person
from tests.conftest import login


@pytest.fixture()
def late_welder(ctx):
    assert current_app.test_cli_runner().invoke(args=["demo"]).exit_code == 0
    event = event_by_code("DEMO-PROV")
    weld = event.skill("WELD-E")
    person = Person(id_number="360402199001011234", name="迟到者")
    unit = db.session.scalars(db.select(Registration.unit_id).where(Registration.skill_id == weld.id)).first()
    entry = Registration(event_id=event.id, skill_id=weld.id, person=person, unit_id=unit,
                         contestant_no="WELD-E-99", status=RegistrationStatus.SUBMITTED)
    db.session.add(entry)
    db.session.commit()
    return entry


def test_a_late_approval_names_the_draw_and_the_locked_criterion_and_waits(client, late_welder):
    login(client, "organizer", "jingsai-demo")
    client.get("/lang/en")
    page = client.post("/registrations/DEMO-PROV/review",
                       data={"action": "approve", "registrations": [late_welder.id]}).get_data(as_text=True)
    assert "WELD-E was drawn already" in page and "locked criteria (A)" in page and "Approve anyway" in page
    db.session.expire_all()
    assert db.session.get(Registration, late_welder.id).status == RegistrationStatus.SUBMITTED
    client.post("/registrations/DEMO-PROV/review",
                data={"action": "approve", "registrations": [late_welder.id], "confirm_late": "y"})
    db.session.expire_all()
    assert db.session.get(Registration, late_welder.id).status == RegistrationStatus.APPROVED
