"""Schemathesis on the exchange operations (registrations, standings, certificates, reporting) of the
API's own document, with an admin's write token over a contest with published, certified results: no
answer is a server error and every answer (status, content type, body) is one the document describes.
A small example budget per operation keeps it short on SQLite."""
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
from app.certificates.issuing import issue_for_results
from app.extensions import db
from tests.api.helpers import bearer, token_for
from tests.certificates.world import final_world

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
TAGS = {"registrations", "certificates", "reporting"}
EXAMPLES = 8


@pytest.fixture()
def world(ctx, make, app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "CERTIFICATE_KEYS_DIR", str(tmp_path / "keys"))
    monkeypatch.setitem(app.config, "API_TOKEN_RATE_LIMIT", "100000 per minute")
    monkeypatch.setitem(app.config, "VERIFY_RATE_LIMIT", "100000 per minute")
    found = final_world(make, care=False)
    issue_for_results(found.event, found.weld)
    admin = make.user("api-admin", role=Role.ADMIN)
    db.session.commit()
    return token_for(admin)


def _exchange(operation) -> bool:
    return bool(TAGS & set(operation.definition.raw.get("tags", []))) or operation.path.endswith("/standings")


def test_every_exchange_operation_answers_as_its_document_says(app, world):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    headers = bearer(world)
    operations = [op for op in (result.ok() for result in schema.get_all_operations()) if _exchange(op)]
    assert len(operations) == 10, [op.label for op in operations]
    for operation in operations:
        @settings(max_examples=EXAMPLES, deadline=None, phases=[Phase.explicit, Phase.generate],
                  suppress_health_check=list(HealthCheck), derandomize=True)
        @given(case=operation.as_strategy())
        def answers_as_documented(case):
            case.call_and_validate(headers=headers, checks=CHECKS)

        answers_as_documented()
