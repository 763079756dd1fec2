"""A contest with final results for the certificates tests (the results tests' finished world), and
the same contest with WELD's certificates issued and the accounts that ask for them."""
from __future__ import annotations

from urllib.parse import urlsplit

from sqlalchemy import select

from app.auth.models import Role
from app.certificates.issuing import issue_for_results
from app.certificates.models import Certificate
from app.extensions import db
from app.people.models import SkillLevelRecord
from app.results.publication import publish
from tests.events.helpers import login_en
from tests.results.builders import finished_world

# Who asks for W-01's certificate and is refused, with the answer (see ``answer``): a 404 where the
# certificate's existence is not theirs to learn, a 403 where the role may never download, and
# anonymous (None) is sent to log in.
REFUSED = [("cont-W-02", "404"), ("unit-admin", "403"), ("other-org", "404"), (None, "302 /login")]


def final_world(make, *, care: bool = True):
    """WELD: W-01 gold, W-02 silver, W-03 bronze, W-04 absent; CARE (teams) final too when ``care``."""
    world = finished_world(make, care=care)
    publish(world.event, skill=world.weld, final=True)
    if care:
        publish(world.event, skill=world.care, final=True)
    db.session.commit()
    return world


def issued_world(make):
    """``final_world`` without CARE, WELD's certificates issued. Accounts: cont-W-01 and cont-W-02
    (holders), org and admin (may download any), other-org (an organizer elsewhere), unit-admin."""
    world = final_world(make, care=False)
    issue_for_results(world.event, world.weld)
    for bib in ("W-01", "W-02"):
        make.user(f"cont-{bib}", role=Role.CONTESTANT, person=world.competitor(bib).lead.person)
    make.user("org", role=Role.ORGANIZER, unit=world.hrss)
    make.user("other-org", role=Role.ORGANIZER, unit=make.unit("ELSEWHERE"))
    make.user("unit-admin", role=Role.UNIT_ADMIN, unit=world.hrss)
    make.user("admin", role=Role.ADMIN)
    db.session.commit()
    return world


def certificate_of(bib: str) -> Certificate:
    return db.session.scalar(select(Certificate).where(Certificate.contestant_no == bib))


def answer(client, who: str | None, path: str) -> str:
    """How ``path`` is answered to ``who`` (None: anonymous): the status, and the path a redirect leads to."""
    if who is not None:
        login_en(client, who)
    response = client.get(path)
    return f"{response.status_code} {urlsplit(response.headers.get('Location', '')).path}".strip()


def level_record(world, bib: str = "W-01") -> SkillLevelRecord:
    """A level 3 (高级工) welder's record that a promotion gave the bib's person, not yet certified."""
    record = SkillLevelRecord(person=world.competitor(bib).lead.person, occupation_code="6-18-02-04",
                              level="level3", source="promotion")
    db.session.add(record)
    db.session.flush()
    return record
