"""The addresses a workspace's own provider settings point at, and the keys that go there.

An admin can name the workspace's own LLM endpoint and LiveKit project. Frontdesk then sends
requests, with stored keys, to those addresses from inside its own network, so they follow
the rule of every other outbound address (webhooks, MCP servers, CalDAV): public internet
only, unless FRONTDESK_OUTBOUND_ALLOWED_HOSTS names the host. The operator's own environment
settings are not checked; they are trusted configuration.

A key stored for one address is not handed to another: when the endpoint's origin changes,
the keys stored for it are dropped unless new ones come with the change (`secret_targets`).
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping

from frontdesk.config import Settings
from frontdesk.errors import UnsafeURL
from frontdesk.providers.crawl.ssrf import AddressRefused, check_url
from frontdesk.secret_targets import secrets_follow

OUTBOUND_SETTING = "FRONTDESK_OUTBOUND_ALLOWED_HOSTS"
# Each address a workspace can set, with the stored keys that are sent to it.
KEYS_OF_URL = {
    "llm_base_url": ("llm_api_key",),
    "livekit_url": ("livekit_api_key", "livekit_api_secret"),
}
# LiveKit's ws(s):// addresses resolve and connect like http(s)://.
_AS_HTTP = {"ws": "http", "wss": "https"}


def check_provider_url(settings: Settings, field: str, url: str) -> None:
    """Refuse (422) a workspace address that reaches a non-public host the allow-list does
    not name."""
    scheme, sep, rest = url.partition("://")
    checked = f"{_AS_HTTP.get(scheme.lower(), scheme)}{sep}{rest}"
    try:
        asyncio.run(check_url(checked, settings.outbound_allowed_hosts))
    except AddressRefused as exc:
        shown = (
            exc.host
            if str(exc.address) == exc.host.strip("[]")
            else (f"{exc.host} ({exc.address})")
        )
        raise UnsafeURL(
            f"{field} {url} is refused: {shown} is not a public internet address. Frontdesk "
            f"only sends a workspace's provider requests to the public internet; the operator "
            f"can add the host to {OUTBOUND_SETTING} if this one is intended."
        ) from None
    except UnsafeURL:
        raise UnsafeURL(
            f"Could not find the host of {field} {url}; check the spelling of the address."
        ) from None


def drop_keys_of_moved_urls(
    settings: Settings,
    before: Mapping[str, str],
    after: dict[str, str],
    sent: Mapping[str, str | None],
) -> None:
    """Remove from `after` the stored keys whose address moved to another origin, unless the
    change itself brought new ones. The address in use is the workspace's own, or the
    environment's when the workspace sets none."""
    for url_field, key_fields in KEYS_OF_URL.items():
        old = before.get(url_field) or getattr(settings, url_field)
        new = after.get(url_field) or getattr(settings, url_field)
        if old == new or secrets_follow(old, new):
            continue
        for key in key_fields:
            if not (sent.get(key) or "").strip():
                after.pop(key, None)
