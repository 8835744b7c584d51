"""The outbound address guard of `ssrf.py` for httpx2 clients, the HTTP client of the MCP SDK.

The MCP SDK (and livekit's MCP client on top of it) talks HTTP through httpx2, a separate
package from the httpx the crawler and webhooks use, with its own connection pool (httpcore2).
Checking an MCP server's address once and then letting httpx2 resolve the name again would
let a DNS answer change in between (rebinding). So each httpx2 connection is opened here the
way `GuardedNetworkBackend` opens httpx's: resolve once, refuse any non-public answer unless
the host is allow-listed, connect to the checked IP literal. Environment proxies are ignored,
since a proxy would make the check meaningless.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import httpcore2
import httpx2

from frontdesk.providers.crawl.ssrf import AddressRefused, allow_set, connect_checked


class GuardedNetworkBackend2(httpcore2.AsyncNetworkBackend):
    """An httpcore2 network backend that only opens TCP connections to checked addresses."""

    def __init__(self, allowed_hosts: Iterable[str] = ()) -> None:
        self._allowed = allow_set(allowed_hosts)
        self._inner = httpcore2.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore2.AsyncNetworkStream:
        return await connect_checked(
            host,
            port,
            self._allowed,
            timeout,
            lambda ip: self._inner.connect_tcp(
                ip,
                port,
                timeout=timeout,
                local_address=local_address,
                socket_options=socket_options,
            ),
            timeout_error=httpcore2.ConnectTimeout,
            connect_error=httpcore2.ConnectError,
        )

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore2.AsyncNetworkStream:
        raise httpcore2.ConnectError("unix sockets are never used for outbound requests")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


class _GuardedTransport2(httpx2.AsyncHTTPTransport):
    def __init__(self, allowed_hosts: Iterable[str]) -> None:
        ssl_context = httpx2.create_ssl_context(trust_env=False)
        limits = httpx2.Limits(max_connections=10, max_keepalive_connections=5)
        super().__init__(verify=ssl_context, trust_env=False, limits=limits)
        # As in ssrf._GuardedTransport: the pool is the one place every connection is opened
        # from, and httpx2 has no public hook for its network backend.
        self._pool = httpcore2.AsyncConnectionPool(
            ssl_context=ssl_context,
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=GuardedNetworkBackend2(allowed_hosts),
        )

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        try:
            return await super().handle_async_request(request)
        except AddressRefused as exc:
            raise exc.for_url(str(request.url)) from None


def guarded_httpx2_client(
    allowed_hosts: Iterable[str],
    *,
    headers: Mapping[str, Any] | None = None,
    timeout: httpx2.Timeout | float,
    auth: httpx2.Auth | None = None,
) -> httpx2.AsyncClient:
    """An `httpx2.AsyncClient` whose every connection reaches only checked addresses; it
    follows no redirects and reads no proxy settings from the environment."""
    kwargs: dict[str, Any] = {
        "transport": _GuardedTransport2(allowed_hosts),
        "headers": dict(headers or {}),
        "timeout": timeout,
        "follow_redirects": False,
        "trust_env": False,
    }
    if auth is not None:
        kwargs["auth"] = auth
    return httpx2.AsyncClient(**kwargs)
