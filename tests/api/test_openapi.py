"""The OpenAPI document: valid OpenAPI 3.1, every /api/v1 route in it, and a reference page served
from the app's own files under its Content-Security-Policy."""
from __future__ import annotations

import re

from openapi_spec_validator import validate

from app.security_headers import CONTENT_SECURITY_POLICY


def test_the_document_is_valid_openapi_3_1(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.get_json()
    assert document["openapi"] == "3.1.0"
    validate(document)


def test_the_document_describes_every_api_route_and_method(app, client):
    document = client.get("/api/v1/openapi.json").get_json()
    described = {(path, method.upper()) for path, item in document["paths"].items() for method in item}
    routed = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1/"):
            path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule)
            routed |= {(path, method) for method in rule.methods - {"HEAD", "OPTIONS"}}
    assert described == routed
    assert ("/api/v1/marks/batch", "POST") in described
    assert ("/api/v1/tablet/{code}/{skill_code}", "GET") in described


def test_the_tablet_batch_is_described_with_its_body(client):
    document = client.get("/api/v1/openapi.json").get_json()
    batch = document["paths"]["/api/v1/marks/batch"]["post"]
    schema = batch["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    assert {"device", "marks"} <= set(document["components"]["schemas"][schema]["properties"])
    assert {"200", "400", "413", "503"} <= set(batch["responses"])


def test_public_operations_need_no_credentials(client):
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["paths"]["/api/v1/results/{code}/{skill_code}"]["get"]["security"] == []
    assert {"bearer", "session"} <= set(document["components"]["securitySchemes"])
    assert document["security"] == [{"bearer": []}, {"session": []}]


def test_the_reference_page_loads_only_this_sites_files(client):
    page = client.get("/api/reference")
    assert page.status_code == 200
    assert page.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    html = page.get_data(as_text=True)
    sources = re.findall(r'<(?:script|link)\b[^>]*?\b(?:src|href)="([^"]+)"', html)  # files the page loads
    links = re.findall(r'<a\b[^>]*?\bhref="([^"]+)"', html)  # back to the app
    assert sources and links and all(s.startswith("/") and not s.startswith("//") for s in sources + links), sources
    assert "<script>" not in html and "style=" not in html
    for source in sources:
        asset = client.get(source)
        assert asset.status_code == 200, source
    assert sum("/api/reference/assets/" in s for s in sources) == 3
    assert client.get("/api/reference/assets/index.html").status_code == 404
