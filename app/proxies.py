"""Believe ``X-Forwarded-For``/``-Proto``/``-Host`` from the reverse proxies in ``TRUSTED_PROXIES``
and from nobody else.

werkzeug's ``ProxyFix`` trusts the headers of whoever connects; a client reaching gunicorn directly
could then name any address (and dodge every per-address limit) or claim HTTPS. So the fix is applied
only when the connecting peer is one of the listed proxies; the proxy nearest the app is the one that
counts (one hop), which is the address its ``X-Forwarded-For`` appended last.
"""
from __future__ import annotations

import ipaddress
from collections.abc import Iterable

from werkzeug.middleware.proxy_fix import ProxyFix

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(entries: Iterable[str]) -> tuple[Network, ...]:
    """``10.0.0.5`` or ``10.0.0.0/8``; raises ValueError naming a malformed entry."""
    networks = []
    for entry in entries:
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError:
            raise ValueError(f"TRUSTED_PROXIES: {entry!r} is not an IP address or network") from None
    return tuple(networks)


class TrustedProxyFix:
    """WSGI middleware: ``ProxyFix`` for requests from a trusted proxy, the app untouched otherwise."""

    def __init__(self, app, trusted: Iterable[str]):
        self.app = app
        self.networks = parse_networks(trusted)
        self.fixed = ProxyFix(app, x_for=1, x_proto=1, x_host=1)

    def is_trusted(self, address: str | None) -> bool:
        try:
            peer = ipaddress.ip_address(address or "")
        except ValueError:
            return False
        return any(peer in network for network in self.networks)

    def __call__(self, environ, start_response):
        if self.is_trusted(environ.get("REMOTE_ADDR")):
            return self.fixed(environ, start_response)
        return self.app(environ, start_response)
