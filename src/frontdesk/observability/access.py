"""Who may read the metrics: the same rule for the API's /metrics and the workers' page.

With FRONTDESK_METRICS_TOKEN set, whoever sends it as a bearer token. Without it, clients on
this machine only, so that a server bound to a public address does not publish its traffic
figures; a request a proxy forwarded (it carries Forwarded or X-Forwarded-For) is not local,
whatever address the proxy connects from. A local client must also have asked for this
machine by a loopback name (its Host header): a web page whose name an attacker re-pointed at
127.0.0.1 (DNS rebinding) makes the browser connect from loopback, but with the attacker's
name in Host.
"""

from __future__ import annotations

import hmac
import ipaddress

NEEDS_TOKEN = "Send the metrics token as `Authorization: Bearer <FRONTDESK_METRICS_TOKEN>`."
LOCAL_ONLY = (
    "Metrics answer only this machine until FRONTDESK_METRICS_TOKEN is set; set it and send "
    "it as `Authorization: Bearer <token>` from Prometheus."
)


def is_loopback_host(host_header: str | None) -> bool:
    """Whether a Host header (with or without its port) names this machine: `localhost`,
    a `*.localhost` name (RFC 6761 keeps those on loopback) or a loopback IP literal."""
    host = (host_header or "").strip().lower()
    if host.startswith("["):
        host = host[1:].split("]", 1)[0]
    elif host.count(":") == 1:
        host = host.split(":", 1)[0]
    host = host.rstrip(".")
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def refusal(
    token: str,
    authorization: str | None,
    client_host: str,
    forwarded: bool,
    host_header: str | None = None,
) -> str | None:
    """Why this scrape is refused, or None when it may read the metrics."""
    if token:
        sent = (authorization or "").removeprefix("Bearer ").strip()
        return None if hmac.compare_digest(sent.encode(), token.encode()) else NEEDS_TOKEN
    if forwarded or not is_loopback_host(host_header):
        return LOCAL_ONLY
    try:
        return None if ipaddress.ip_address(client_host).is_loopback else LOCAL_ONLY
    except ValueError:
        return LOCAL_ONLY
