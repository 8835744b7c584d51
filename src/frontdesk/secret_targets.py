"""When a stored, write-only secret may stay with an address that changed.

Frontdesk stores secrets it never shows back (an MCP server's headers, a workspace's LLM key
and LiveKit keys, a CalDAV password), each sent to one target address. Someone allowed to edit
the address must not be able to point it at a server of their own and receive the secret, so
a secret stays only while the target's origin (scheme, host and port, the default port
filled in) is the same; a new path on the same origin keeps it. Any other change drops the
secret, and it has to be entered again with the new address.
"""

from __future__ import annotations

from urllib.parse import urlsplit

_DEFAULT_PORTS = {"http": 80, "https": 443, "ws": 80, "wss": 443}


def origin(url: str | None) -> tuple[str, str, int | None] | None:
    """(scheme, host, port) of `url`, lowercased, the default port made explicit; None for
    an empty or unreadable address."""
    if not url or not url.strip():
        return None
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").rstrip(".").lower()
    if not scheme or not host:
        return None
    return scheme, host, port if port is not None else _DEFAULT_PORTS.get(scheme)


def secrets_follow(old_url: str | None, new_url: str | None) -> bool:
    """True when secrets stored for `old_url` may be sent to `new_url` (same origin)."""
    before = origin(old_url)
    return before is not None and before == origin(new_url)
