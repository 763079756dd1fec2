"""A contest with final results for the certificates tests (the results tests' finished world)."""
from __future__ import annotations

from app.extensions import db
from app.results.publication import publish
from tests.results.builders import finished_world


def final_world(make, *, care: bool = True):
    """WELD: W-01 gold, W-02 silver, W-03 bronze, W-04 absent; CARE (teams) final too when ``care``."""
    world = finished_world(make, care=care)
    publish(world.event, skill=world.weld, final=True)
    if care:
        publish(world.event, skill=world.care, final=True)
    db.session.commit()
    return world
