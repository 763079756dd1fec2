"""Standings in the results export's JSON and certificates through the API: organizers see every
state, everyone else the published skills only; a certificate's status and credential for its
holder and the event's organizers; the public verification; every forbidden path tried."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from app.auth.models import Role, TokenScope
from app.certificates.issuing import issue_for_results, revoke
from app.certificates.models import Certificate
from app.extensions import db
from app.results.export import standings_document
from app.results.publication import publish
from app.results.tables import skill_tables
from tests.api.helpers import bearer, token_for
from tests.certificates.world import final_world
from tests.results.builders import finished_world


@pytest.fixture()
def keys_dir(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "CERTIFICATE_KEYS_DIR", str(tmp_path / "keys"))


def users(make, world) -> dict[str, dict[str, str]]:
    made = {"org": make.user("org", role=Role.ORGANIZER, unit=world.hrss),
            "other-org": make.user("other-org", role=Role.ORGANIZER, unit=make.unit("ELSEWHERE")),
            "unit-admin": make.user("unit-admin", role=Role.UNIT_ADMIN, unit=world.units["JX-NC"]),
            "cont-W-01": make.user("cont-W-01", role=Role.CONTESTANT, person=world.competitor("W-01").lead.person),
            "cont-W-02": make.user("cont-W-02", role=Role.CONTESTANT, person=world.competitor("W-02").lead.person)}
    db.session.commit()
    return {name: bearer(token_for(user, scope=TokenScope.READ)) for name, user in made.items()}


# --- standings ----------------------------------------------------------------------------------

@pytest.fixture()
def results(ctx, make):
    world = finished_world(make)
    publish(world.event, skill=world.weld)  # provisional: CARE stays private
    db.session.commit()
    return world, users(make, world)


def test_organizers_read_every_skill_in_the_exports_json(client, results):
    world, tokens = results
    answer = client.get("/api/v1/events/EV1/standings", headers=tokens["org"])
    assert answer.status_code == 200 and answer.headers["Cache-Control"] == "private, no-cache"
    export = json.loads(json.dumps(standings_document(world.event, skill_tables(world.event, published_only=False))))
    assert answer.get_json() == export
    assert [s["skill"] for s in answer.get_json()["skills"]] == ["CARE", "WELD"]
    assert client.get("/api/v1/events/EV1/standings", headers={**tokens["org"], "If-None-Match": answer.headers[
        "ETag"]}).status_code == 304


@pytest.mark.parametrize("who", [None, "other-org", "unit-admin", "cont-W-01"])
def test_everyone_else_reads_the_published_skills_only(client, results, who):
    _world, tokens = results
    answer = client.get("/api/v1/events/EV1/standings", headers=tokens[who] if who else {})
    assert answer.status_code == 200 and answer.headers["Cache-Control"].startswith("public")
    assert [s["skill"] for s in answer.get_json()["skills"]] == ["WELD"]
    care = client.get("/api/v1/events/EV1/standings?skill=CARE", headers=tokens[who] if who else {}).get_json()
    assert care["skills"] == []


def test_an_unknown_skill_or_event_is_refused(client, results):
    _world, tokens = results
    wrong = client.get("/api/v1/events/EV1/standings?skill=NOPE", headers=tokens["org"])
    assert wrong.status_code == 400
    assert wrong.get_json()["problems"] == [{"where": "skill", "message": "no skill NOPE in event EV1"}]
    assert client.get("/api/v1/events/EV1/standings?skill=NOPE").status_code == 400
    assert client.get("/api/v1/events/NOPE/standings").status_code == 404
    assert client.get("/api/v1/events/EV1/standings?colour=red").status_code == 400


# --- certificates -------------------------------------------------------------------------------

@pytest.fixture()
def issued(ctx, make, keys_dir):
    world = final_world(make, care=False)
    issue_for_results(world.event, world.weld)
    db.session.commit()
    return world, users(make, world)


def certificate_of(bib: str) -> Certificate:
    return db.session.scalar(select(Certificate).where(Certificate.contestant_no == bib))


def test_organizers_list_the_certificates_and_nobody_else(client, issued):
    _world, tokens = issued
    listed = client.get("/api/v1/events/EV1/certificates", headers=tokens["org"]).get_json()
    assert [c["contestant_no"] for c in listed["items"]] == ["W-01", "W-02", "W-03"]
    assert all(c["status"] == "issued" and c["kind"] == "award" for c in listed["items"])
    assert client.get("/api/v1/events/EV1/certificates?status=revoked", headers=tokens["org"]).get_json()[
        "total"] == 0
    assert client.get("/api/v1/events/EV1/certificates", headers=tokens["other-org"]).status_code == 404
    assert client.get("/api/v1/events/EV1/certificates", headers=tokens["unit-admin"]).status_code == 403
    assert client.get("/api/v1/events/EV1/certificates", headers=tokens["cont-W-01"]).status_code == 403
    assert client.get("/api/v1/events/EV1/certificates").status_code == 401


def test_the_holder_and_organizers_read_a_status_and_a_credential(client, issued):
    _world, tokens = issued
    mine = certificate_of("W-01")
    base = f"/api/v1/events/EV1/certificates/{mine.id}"
    for who in ("cont-W-01", "org"):
        assert client.get(base, headers=tokens[who]).get_json()["number"] == mine.number
        credential = client.get(f"{base}/credential", headers=tokens[who])
        assert credential.status_code == 200 and credential.get_json()["media_type"] == "application/vc+jwt"
        assert credential.headers["Cache-Control"] == "private, no-store"
    for who in ("cont-W-02", "other-org"):
        assert client.get(base, headers=tokens[who]).status_code == 404
        assert client.get(f"{base}/credential", headers=tokens[who]).status_code == 404
    assert client.get(base, headers=tokens["unit-admin"]).status_code == 403
    assert client.get(f"{base}/credential").status_code == 401
    assert client.get(f"/api/v1/events/NOPE/certificates/{mine.id}", headers=tokens["org"]).status_code == 404


def test_a_revoked_certificate_has_a_status_and_no_credential(client, issued):
    _world, tokens = issued
    mine = certificate_of("W-01")
    revoke(mine, "name misspelt")
    db.session.commit()
    base = f"/api/v1/events/EV1/certificates/{mine.id}"
    status = client.get(base, headers=tokens["cont-W-01"]).get_json()
    assert status["status"] == "revoked" and status["revocation_reason"] == "name misspelt"
    assert client.get(f"{base}/credential", headers=tokens["cont-W-01"]).status_code == 404
    verified = client.get(f"/api/v1/verify/{status['verify_url'].rsplit('/', 1)[1]}")
    assert verified.status_code == 200
    assert verified.get_json()["state"] == "revoked" and verified.get_json()["valid"] is False


def test_verification_is_public_and_refuses_a_forged_token(client, issued):
    _world, tokens = issued
    token = client.get(f"/api/v1/events/EV1/certificates/{certificate_of('W-02').id}",
                       headers=tokens["org"]).get_json()["verify_url"].rsplit("/", 1)[1]
    genuine = client.get(f"/api/v1/verify/{token}")
    assert genuine.status_code == 200 and genuine.get_json()["state"] == "genuine"
    assert genuine.headers["Cache-Control"] == "no-store"
    forged = client.get(f"/api/v1/verify/{token[:-4]}AAAA")
    assert forged.status_code == 400 and forged.get_json()["state"] == "refused" and forged.get_json()["reason"]
