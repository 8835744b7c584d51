"""Who may read the metrics: the same rule for the API's /metrics and the workers' page.

With FRONTDESK_METRICS_TOKEN set, whoever sends it as a bearer token. Without it, clients on
this machine only, so that a server bound to a public address does not publish its traffic
figures; a request a proxy forwarded (it carries Forwarded or X-Forwarded-For) is not local,
whatever address the proxy connects from.
"""

from __future__ import annotations

import hmac
import ipaddress

NEEDS_TOKEN = "Send the metrics token as `Authorization: Bearer <FRONTDESK_METRICS_TOKEN>`."
LOCAL_ONLY = (
    "Metrics answer only this machine until FRONTDESK_METRICS_TOKEN is set; set it and send "
    "it as `Authorization: Bearer <token>` from Prometheus."
)


def refusal(token: str, authorization: str | None, client_host: str, forwarded: bool) -> str | None:
    """Why this scrape is refused, or None when it may read the metrics."""
    if token:
        sent = (authorization or "").removeprefix("Bearer ").strip()
        return None if hmac.compare_digest(sent.encode(), token.encode()) else NEEDS_TOKEN
    if forwarded:
        return LOCAL_ONLY
    try:
        return None if ipaddress.ip_address(client_host).is_loopback else LOCAL_ONLY
    except ValueError:
        return LOCAL_ONLY
