"""Which URLs may receive deliveries: the server posts wherever an organizer says, so it must not be
turned against its own network (SSRF).

Only ``http``/``https`` URLs, with a host, no credentials in them, at most
:data:`~app.webhooks.models.URL_MAX_LENGTH` characters. Unless ``WEBHOOK_ALLOW_PRIVATE_ADDRESSES``
is on (development and tests, whose receivers listen on localhost), the host must be public: a
literal address or ``localhost`` is refused when the hook is saved, and a name is resolved again
before each attempt and refused when any of its addresses is not global (loopback, private,
link-local, shared, reserved, multicast). Redirects are not followed (:mod:`app.webhooks.delivery`),
so a public URL cannot bounce a delivery inward.
"""
from __future__ import annotations

import ipaddress
import socket
from urllib.parse import SplitResult, urlsplit

from app.messages import Message, msg
from app.webhooks.models import URL_MAX_LENGTH

SCHEMES = ("http", "https")


def url_problem(url: str, *, allow_private: bool) -> Message | None:
    """Why ``url`` may not be a hook's address (``None``: it may); checked when a hook is saved."""
    if len(url) > URL_MAX_LENGTH:
        return msg("a webhook URL has at most %(limit)s characters", limit=URL_MAX_LENGTH)
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018  (reading it validates it: a port outside 0-65535 raises)
    except ValueError:
        return msg("not a valid URL")
    if parts.scheme.lower() not in SCHEMES:
        return msg("only http and https URLs receive webhooks")
    if not parts.hostname:
        return msg("the URL has no host")
    if parts.username is not None or parts.password is not None:
        return msg("a webhook URL must not carry a user name or password")
    if not allow_private and _names_private_host(parts):
        return msg("%(host)s is not a public address", host=parts.hostname)
    return None


def _names_private_host(parts: SplitResult) -> bool:
    host = parts.hostname.rstrip(".")
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return not is_public(ipaddress.ip_address(host))
    except ValueError:
        return False   # a name: resolved before each attempt (resolution_problem)


def is_public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """Reachable on the internet and not a group address: the only kind a delivery may go to."""
    return address.is_global and not address.is_multicast


def resolution_problem(url: str) -> Message | None:
    """Checked before each attempt when private addresses are not allowed: a name may have been
    pointed at an inside address after the hook was saved."""
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme.lower() == "https" else 80)
    try:
        found = socket.getaddrinfo(parts.hostname, port, proto=socket.IPPROTO_TCP)
    except OSError as error:
        return msg("%(host)s could not be resolved: %(error)s", host=parts.hostname, error=str(error)[:200])
    for *_, sockaddr in found:
        address = ipaddress.ip_address(sockaddr[0].split("%")[0])
        if not is_public(address):
            return msg("%(host)s resolves to %(address)s, which is not a public address",
                       host=parts.hostname, address=str(address))
    return None
