"""Every demo role, from its home page, by links only: nothing answers 4xx or 5xx within four clicks,
every page the role may open (its GET routes in the permission table) is among those reached, and
no page of the Chinese interface shows a code identifier (``cn_standard``) outside a code element,
and every page carries the security headers (:mod:`tests.test_security_headers`).

What cannot be reached by a link is listed below with the reason (a JSON document a page's script
polls, a link sent by message, a download that needs an object the demo does not have yet); any
other GET route a role is admitted to and cannot reach is a dead end, and fails here.
"""
from __future__ import annotations

import re
from collections import deque
from datetime import datetime
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

import pytest
from flask import current_app

from app import clock
from app.auth.models import Role
from app.auth.permissions import permission_table
from tests.conftest import login
from tests.test_security_headers import missing_security_headers

DEPTH = 4
ROLES = {"admin": Role.ADMIN, "organizer": Role.ORGANIZER, "jiujiang": Role.UNIT_ADMIN,
         "arbiter": Role.ARBITER, "weld-chief": Role.EXPERT, "contestant": Role.CONTESTANT}
# Accounts that are crawled for errors only: what their role may open is covered by the one above
# (a judge's pages are a subset of the chief expert's; Nanchang's of Jiujiang's).
ERRORS_ONLY = ["weld-j1", "nanchang"]
# Reached otherwise than by a link on a page.
NOT_LINKS = {
    "static": "files the pages load",
    "auth.set_language": "the language switch, followed by every test",
    "auth.login": "where a logged-out visitor lands",
    "auth.login_link": "a one-time link sent by message",
    "api_marks.desk": "JSON the tablet page's script loads",
    "tablet.worker": "the tablet page's service worker script",
    "certificates.job_status": "JSON the certificates page polls",
    "certificates.keys": "the public key set, for offline verifiers",
    "certificates.verify_page": "opened from a certificate's QR code",
    "events.self_register": "a public form whose link the organizer shares",
    "events.self_registration_done": "shown after a self-registration",
    "results.public_event": "public: opened by anyone, linked for organizers and unit admins",
    "accounts.claim": "public: linked from the login page for contestants without an account",
    "tickets.ticket_page": "opened from an admission ticket's QR code by a phone's camera",
    "api_reads.events": "the integration API: JSON for other systems (its paths are in /api/v1/openapi.json)",
    "api_reads.event": "the integration API",
    "api_reads.skills": "the integration API",
    "api_reads.units": "the integration API",
    "api_results.published_skills": "the integration API",
    "api_results.table": "the integration API",
    "api_docs.openapi": "the API's document, loaded by the reference page's script",
    "api_docs.asset": "the reference page's scripts",
    "api_registrations.registrations": "the integration API",
    "api_standings.standings": "the integration API",
    "api_certificates.certificates": "the integration API",
    "api_certificates.certificate": "the integration API",
    "api_certificates.credential": "the integration API",
    "api_certificates.verify": "the integration API",
    "api_reporting.promotions": "the integration API",
    "api_reporting.grant_lines": "the integration API",
}
# Pages that need an object the demo has not made yet (issued certificates, finished jobs, …).
NEEDS_DATA = {
    "certificates.certificate_pdf": "an issued certificate",
    "certificates.certificate_credential_jwt": "an issued certificate",
    "certificates.job_zip": "a finished certificate job",
    "certificates.job_pdf": "a finished certificate job",
    "grants.line_page": "a computed grant line",
    "promotion.levels": "a person's level history, linked from decided proposals",
}
LINK = re.compile(r'href="(/[^"]*)"')


# Inside the demo's registration window, three weeks before its contest days.
DEMO_DAY = datetime(2026, 11, 23, 9, 30, tzinfo=clock.SHANGHAI)


@pytest.fixture()
def demo(ctx):
    with clock.frozen(DEMO_DAY):
        result = current_app.test_cli_runner().invoke(args=["demo"])
        assert result.exit_code == 0, result.output
        yield


def _crawl(client, depth_limit: int = DEPTH, pages: dict[str, str] | None = None) -> tuple[dict[str, int], set[str]]:
    """Breadth-first over same-site links to ``depth_limit`` clicks: status per URL, endpoints
    reached; the HTML of each page goes into ``pages`` when given. Every response must carry the
    security headers."""
    adapter = current_app.url_map.bind("localhost")
    seen, endpoints = {}, set()
    queue = deque([("/", 0)])
    while queue:
        url, depth = queue.popleft()
        if url in seen:
            continue
        response = client.get(url)
        seen[url] = response.status_code
        assert missing_security_headers(response) == {}, url
        endpoints.add(adapter.match(urlsplit(url).path, method="GET")[0])
        if not response.content_type.startswith("text/html"):
            continue
        if pages is not None:
            pages[url] = response.get_data(as_text=True)
        if depth == depth_limit:
            continue
        for href in LINK.findall(response.get_data(as_text=True)):
            href = urldefrag(href.replace("&amp;", "&"))[0]
            if not href.startswith(("/static/", "/lang/")) and href not in seen:
                queue.append((href, depth + 1))
    return seen, endpoints


def _admitted_gets(role: Role) -> set[str]:
    table = permission_table(current_app)
    gets = {rule.endpoint for rule in current_app.url_map.iter_rules() if "GET" in rule.methods}
    return {e for e in gets if table[e] is not None and table[e].admits(role) and not table[e].public}


class _Text(HTMLParser):
    """The text a reader sees: outside code, scripts, styles and attributes."""

    SKIP = {"code", "script", "style", "pre", "kbd", "samp"}

    def __init__(self):
        super().__init__()
        self.depth, self.parts = 0, []

    def handle_starttag(self, tag, attrs):
        self.depth += tag in self.SKIP

    def handle_endtag(self, tag):
        self.depth -= tag in self.SKIP

    def handle_data(self, data):
        if not self.depth:
            self.parts.append(data)


IDENTIFIER = re.compile(r"\b[a-z]+_[a-z_]+\b")


def _identifiers(pages: dict[str, str]) -> dict[str, list[str]]:
    found = {}
    for url, html in pages.items():
        parser = _Text()
        parser.feed(html)
        words = sorted(set(IDENTIFIER.findall(" ".join(parser.parts))))
        if words:
            found[url] = words
    return found


@pytest.mark.parametrize("username", [*ROLES, *ERRORS_ONLY])
def test_every_page_of_the_role_is_reached_from_home_in_chinese_without_an_error(client, demo, username):
    """One crawl per account, in the default zh-CN: statuses, coverage, and no code identifiers."""
    login(client, username, "jingsai-demo")
    client.get("/lang/zh_CN")
    pages: dict[str, str] = {}
    seen, reached = _crawl(client, pages=pages)
    assert {url: status for url, status in seen.items() if status >= 400} == {}
    assert _identifiers(pages) == {}
    if username in ERRORS_ONLY:
        return
    unreachable = _admitted_gets(ROLES[username]) - reached - set(NOT_LINKS) - set(NEEDS_DATA)
    assert unreachable == set(), f"{username} cannot reach by a link: {sorted(unreachable)}"
