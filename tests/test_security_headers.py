"""Security headers on every response (issue 14 row 9), and no inline script, style or event
handler left in any template or built by a script, so the CSP needs no 'unsafe-inline'.

Every GET page of every role is checked by the crawl (:mod:`tests.test_crawl` calls
:func:`missing_security_headers` on each page it opens); the public pages, files, errors and JSON
are checked here.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from app.security_headers import CONTENT_SECURITY_POLICY
from tests.events.test_self_registration import company  # noqa: F401

ROOT = Path(__file__).resolve().parent.parent
EXPECTED = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


def missing_security_headers(response) -> dict[str, str | None]:
    """The expected headers this response lacks or gets wrong, with what it sent."""
    return {name: response.headers.get(name) for name, value in EXPECTED.items()
            if response.headers.get(name) != value}


def test_the_policy_allows_no_inline_code_and_no_framing():
    directives = dict(d.strip().split(" ", 1) for d in CONTENT_SECURITY_POLICY.split(";"))
    assert directives["script-src"] == "'self'" and directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'" and directives["object-src"] == "'none'"
    assert "unsafe" not in CONTENT_SECURITY_POLICY


@pytest.mark.parametrize("path", [
    "/login", "/verify/not-a-token", "/events/ENT1/self-register", "/results/ENT1", "/results/ENT1/me",
    "/.well-known/jingsai-keys.json", "/static/css/app.css", "/static/js/tablet.js", "/no-such-page",
    "/events", "/api/v1/tablet/ENT1/WELD",
])
def test_public_pages_files_errors_and_json_carry_the_headers(client, company, path):  # noqa: F811
    response = client.get(path)
    assert response.status_code < 500
    assert missing_security_headers(response) == {}, path


def test_hsts_only_over_https_and_only_when_configured(client, app, monkeypatch):
    assert "Strict-Transport-Security" not in client.get("/login", base_url="https://localhost").headers
    monkeypatch.setitem(app.config, "HSTS", "max-age=31536000; includeSubDomains")
    assert "Strict-Transport-Security" not in client.get("/login").headers
    secure = client.get("/login", base_url="https://localhost")
    assert secure.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_production_sends_hsts():
    from app.config import Config, DevConfig, TestConfig
    assert Config.HSTS and not DevConfig.HSTS and not TestConfig.HSTS


TEMPLATES = sorted((ROOT / "templates").rglob("*.html"))
INLINE = {
    "script without src": re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I),
    "style element": re.compile(r"<style\b", re.I),
    "style attribute": re.compile(r"\sstyle\s*=", re.I),
    "event handler attribute": re.compile(r"\son[a-z]+\s*=", re.I),
    "javascript: URL": re.compile(r"javascript:", re.I),
}


def _inline_code(text: str) -> list[str]:
    return [f"{kind} at line {text.count(chr(10), 0, m.start()) + 1}"
            for kind, pattern in INLINE.items() for m in pattern.finditer(text)]


def test_no_template_keeps_inline_code():
    assert len(TEMPLATES) > 50
    found = {str(path.relative_to(ROOT)): _inline_code(path.read_text()) for path in TEMPLATES}
    assert {path: kinds for path, kinds in found.items() if kinds} == {}


def test_no_script_builds_inline_code():
    """HTML the scripts assemble (innerHTML) is under the same policy."""
    scripts = sorted((ROOT / "app" / "static" / "js").glob("*.js"))
    assert scripts
    built = {str(p.relative_to(ROOT)): [k for k in ("style attribute", "event handler attribute", "javascript: URL")
                                        if re.search(r"""['"][^'"]*""" + INLINE[k].pattern, p.read_text(), re.I)]
             for p in scripts}
    assert {path: kinds for path, kinds in built.items() if kinds} == {}


def test_the_scan_finds_what_it_looks_for():
    assert len(_inline_code('<script>x()</script><style></style><b style="x" onclick="y">'
                            '<a href="javascript:z">')) == 5
    assert _inline_code('<script src="/a.js" defer></script><script type="application/json" id="c">{}</script>'
                        '<a data-print class="x">') == []
