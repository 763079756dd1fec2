"""Schemathesis against the API's own document, with a token: no answer is a server error, and every
answer (status, content type, body) is one the document describes. A small example budget per
operation keeps it well under a minute on SQLite, so it runs in CI with the rest."""
from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from app.auth.models import Role
from app.results.publication import publish
from tests.api.helpers import bearer, token_for
from tests.results.builders import finished_world

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
EXAMPLES = 12


@pytest.fixture()
def world(ctx, make):
    world = finished_world(make)
    publish(world.event, skill=world.weld)
    admin = make.user("api-admin", role=Role.ADMIN)
    ctx.config["API_TOKEN_RATE_LIMIT"] = "100000 per minute"
    yield token_for(admin)
    ctx.config["API_TOKEN_RATE_LIMIT"] = "300 per minute"


def test_every_operation_answers_as_its_document_says(app, world):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    headers = bearer(world)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 8
    for operation in operations:
        @settings(max_examples=EXAMPLES, deadline=None, phases=[Phase.explicit, Phase.generate],
                  suppress_health_check=list(HealthCheck), derandomize=True)
        @given(case=operation.as_strategy())
        def answers_as_documented(case):
            case.call_and_validate(headers=headers, checks=CHECKS)

        answers_as_documented()


def test_the_published_table_is_reached_with_real_codes(client, world):
    """The fuzzer rarely guesses a real event code: the documented answer of a real table, checked once."""
    answer = client.get("/api/v1/results/EV1/WELD", headers=bearer(world))
    assert answer.status_code == 200 and answer.get_json()["items"]
