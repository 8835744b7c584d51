"""Defences for what a browser does on behalf of a signed-in owner: cross-site requests
(CSRF, cross-site WebSocket hijacking) and framing (clickjacking).

`SameSite=Lax` keeps the session cookie off cross-site form posts, but not off requests from
another origin of the same site (a page on shop.example.com reaching frontdesk.example.com,
another port of the same host), and a top-level navigation still carries it. So every
state-changing request and every WebSocket handshake a browser makes with the session cookie
must come from the server's own origin: the `Origin` header says where the page that made it
was loaded from, and browsers do not let a page forge it. Where a browser sends no Origin,
`Sec-Fetch-Site` says the same. A request with neither is no browser's cross-site request
(curl, a script, the CLI) and goes through.

Exempt: requests with an API key (a browser cannot attach one to a cross-site request
without a CORS preflight this server never approves, and the key, not the cookie, decides),
and the public widget (`/api/widget/…`), which is meant to be called from the businesses'
own sites, never with the cookie, and checks their origins itself.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from urllib.parse import urlsplit

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from frontdesk.workspace.auth import SESSION_COOKIE

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
WIDGET_PREFIX = "/api/widget/"
# Sec-Fetch-Site values of a request the page's own origin (or the user, typing an address
# or opening a bookmark) made.
OWN_FETCH_SITES = frozenset({"same-origin", "none"})
REFUSAL = (
    "This request came from a page on another site ({origin}); the dashboard's own pages, "
    "or an API key, are needed to change anything here."
)


def _origin_of(url: str) -> str | None:
    """`scheme://host[:port]` of a URL, lowercased, default ports left out (as browsers
    write Origin); None when it is not an http(s) URL."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    host = parts.hostname.lower()
    if ":" in host:
        host = f"[{host}]"
    default = 443 if parts.scheme == "https" else 80
    return f"{parts.scheme}://{host}" + (f":{port}" if port and port != default else "")


def own_origins(scope: Scope, headers: Headers, public_url: str) -> set[str]:
    """The origins this request's own pages have: the scheme and Host it came in on (also
    as https, for a TLS-terminating proxy in front that speaks plain HTTP to us), and
    FRONTDESK_PUBLIC_URL's."""
    origins = set()
    host = headers.get("host", "")
    if host:
        scheme = {"ws": "http", "wss": "https"}.get(scope.get("scheme", ""), scope.get("scheme"))
        for candidate in {f"{scheme}://{host}", f"https://{host}"}:
            origin = _origin_of(candidate)
            if origin:
                origins.add(origin)
    public = _origin_of(public_url) if public_url else None
    if public:
        origins.add(public)
    return origins


def cross_site(scope: Scope, headers: Headers, public_url: str) -> str | None:
    """Where a cross-site browser request came from ("http://evil.example", "a page on
    another site"), or None when it is the server's own page or no browser's request."""
    origin = headers.get("origin")
    if origin is not None:
        # "null": a sandboxed frame, a data: URL, a redirect across sites.
        if _origin_of(origin) in own_origins(scope, headers, public_url):
            return None
        return origin[:100]
    site = headers.get("sec-fetch-site")
    if site is not None and site.lower() not in OWN_FETCH_SITES:
        return f"Sec-Fetch-Site: {site[:30]}"
    return None


def _guarded(scope: Scope, headers: Headers) -> bool:
    """Whether this request is one the cookie authenticates and a browser could be made to
    send from another site."""
    if scope["path"].startswith(WIDGET_PREFIX):
        return False
    if "x-api-key" in headers or headers.get("authorization", "").lower().startswith("bearer "):
        return False
    if scope["type"] == "websocket":
        # Only the cookie makes a browser's handshake dangerous; other sockets (phone
        # media streams) authenticate otherwise.
        return f"{SESSION_COOKIE}=" in headers.get("cookie", "")
    # Every state-changing request, cookie or not: a cross-site sign-in form (login CSRF)
    # would put the victim in the attacker's account.
    return scope.get("method", "GET") not in SAFE_METHODS


class CrossSiteGuard:
    """Refuses (403 in the house's error shape; a WebSocket is closed before it opens) a
    guarded request whose Origin or Sec-Fetch-Site says another site made it."""

    def __init__(self, app: ASGIApp, *, public_url: str = "") -> None:
        self.app = app
        self.public_url = public_url

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket"):
            headers = Headers(scope=scope)
            origin = (
                cross_site(scope, headers, self.public_url) if _guarded(scope, headers) else None
            )
            if origin is not None:
                await self._refuse(scope, send, REFUSAL.format(origin=origin))
                return
        await self.app(scope, receive, send)

    async def _refuse(self, scope: Scope, send: Send, detail: str) -> None:
        if scope["type"] == "websocket":
            # Closing before accepting makes the server answer the handshake with 403.
            await send({"type": "websocket.close", "code": 1008, "reason": "cross-site"})
            return
        body = json.dumps({"error": "Forbidden", "detail": detail}).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 403,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})


# Pages are never framed (clickjacking of the dashboard and the talk page): CSP for current
# browsers, X-Frame-Options for old ones.
_PAGE_HEADERS = (
    (b"content-security-policy", b"frame-ancestors 'none'"),
    (b"x-frame-options", b"DENY"),
)
_EVERY_ANSWER = ((b"x-content-type-options", b"nosniff"),)


def _with(headers: Iterable[tuple[bytes, bytes]], extra: Iterable[tuple[bytes, bytes]]) -> list:
    present = [(k, v) for k, v in headers]
    names = {k.lower() for k, _ in present}
    return present + [(k, v) for k, v in extra if k not in names]


class PageHeaders:
    """`X-Content-Type-Options: nosniff` on every answer (an uploaded document or a JSON
    answer is never run as a script or page), and no framing for HTML pages."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                kind = Headers(raw=headers).get("content-type", "")
                extra = _EVERY_ANSWER + (_PAGE_HEADERS if kind.startswith("text/html") else ())
                message = {**message, "headers": _with(headers, extra)}
            await send(message)

        await self.app(scope, receive, send_with_headers)
