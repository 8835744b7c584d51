"""Web origins: how the owner writes them, how browsers send them, and which are let in.

An origin is `scheme://host[:port]` exactly as a browser puts it in the `Origin` header:
lowercase, no path, no default port. Owners paste URLs, so a trailing slash and a default
port are forgiven; anything more (a path, a query, credentials) is refused rather than
silently cut, since the owner may have meant something else.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.requests import HTTPConnection

from frontdesk.errors import Forbidden

DEFAULT_PORTS = {"http": 80, "https": 443}


def normalize_origin(value: str) -> str:
    """`value` as a browser would send it as `Origin`; ValueError when it is not one."""
    text = value.strip()
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError as exc:
        raise ValueError(f"{value!r} is not an origin like https://example.com") from exc
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS or not parts.hostname:
        raise ValueError(f"{value!r} is not an origin like https://example.com")
    if parts.username is not None or parts.password is not None:
        raise ValueError(f"{value!r} has credentials in it; write only https://host[:port]")
    if parts.path not in ("", "/") or parts.query or parts.fragment or text.endswith("?"):
        raise ValueError(f"{value!r} has a path or query; an origin is only scheme://host[:port]")
    host = parts.hostname.lower()
    if ":" in host:
        host = f"[{host}]"  # IPv6 literals keep their brackets in an origin
    if port is None or port == DEFAULT_PORTS[scheme]:
        return f"{scheme}://{host}"
    return f"{scheme}://{host}:{port}"


def origin_of_url(url: str | None) -> str | None:
    """The origin of a page URL (the agent's website), or None when it has none."""
    if not url:
        return None
    parts = urlsplit(url.strip())
    try:
        return normalize_origin(f"{parts.scheme}://{parts.netloc}")
    except ValueError:
        return None


def server_origin(conn: HTTPConnection) -> str:
    """This server's own origin as the client reached it (the dashboard's preview runs here)."""
    scheme = {"ws": "http", "wss": "https"}.get(conn.url.scheme, conn.url.scheme)
    return normalize_origin(f"{scheme}://{conn.url.netloc}")


def request_origin(conn: HTTPConnection) -> str | None:
    """The origin the request comes from, as the browser says it.

    Browsers leave `Origin` out of same-origin GETs; `Sec-Fetch-Site: same-origin` (a header
    pages cannot set) then stands for this server's own origin, so the dashboard's preview
    can read the widget's config."""
    origin = conn.headers.get("origin")
    if origin:
        return origin
    if conn.headers.get("sec-fetch-site") == "same-origin":
        return server_origin(conn)
    return None


def admit_origin(origin: str | None, own: str, allowed: list[str]) -> str:
    """`origin` (as `request_origin` read it) when the agent lets it in: one of its allowed
    origins, or `own`, this server's. Otherwise Forbidden, saying what the owner can do.

    The refusal names no agent: anyone holding the public key can ask from anywhere, and
    a page the owner did not list must not learn whose widget the key belongs to."""
    if origin is None:
        raise Forbidden(
            "This request does not say which website it comes from (no Origin header), so "
            "the widget cannot answer it. The widget only works on pages of the websites "
            "its owner listed in the widget settings."
        )
    try:
        normalized = normalize_origin(origin)
    except ValueError:
        normalized = None
    if normalized is not None and (normalized in allowed or normalized == own):
        return normalized
    raise Forbidden(
        f"This widget is not allowed on {origin}. Its owner can add {origin} to "
        "the allowed origins in the widget settings."
    )
