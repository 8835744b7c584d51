"""Connections that can only reach public addresses, so a crawl cannot be turned on the host.

An owner types a website address, and the crawler follows whatever links and redirects that
site serves. Without a guard, `http://169.254.169.254/` (cloud metadata), `http://localhost:6379/`
or a name that resolves to `10.0.0.5` would make Frontdesk fetch from inside its own network.

The guard sits in the network backend, below httpx: every TCP connection, on every redirect
hop, resolves the host once, refuses if any resolved address is not public, and then connects
to the checked IP literal. Connecting to the literal (instead of handing the name back to the
socket layer) is what makes DNS rebinding impossible: there is no second lookup whose answer
could differ from the one that was checked.

Hosts in the allow-list (`FRONTDESK_CRAWL_ALLOWED_HOSTS`) skip the address check. The list is
matched against the host as written in the URL, never against what it resolves to, so allowing
`127.0.0.1` does not also allow `localhost` or any other name pointing at loopback.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Awaitable, Callable, Iterable
from functools import partial
from typing import Any, TypeAlias, TypeVar
from urllib.parse import urlsplit

import anyio
import httpcore
import httpx

from frontdesk.errors import UnsafeURL
from frontdesk.providers.crawl.special_addresses import special_purpose

_Stream = TypeVar("_Stream")

IPAddress: TypeAlias = ipaddress.IPv4Address | ipaddress.IPv6Address

ALLOW_LIST_SETTING = "FRONTDESK_CRAWL_ALLOWED_HOSTS"

# Resolution happens in a worker thread; bound it so a dead resolver cannot stall a request.
_RESOLVE_TIMEOUT_S = 10.0

# IPv6 prefixes that carry an IPv4 address inside them; the embedded address decides.
_NAT64_WELL_KNOWN = ipaddress.IPv6Network("64:ff9b::/96")
_METADATA_ADDRESSES = {
    ipaddress.ip_address("169.254.169.254"),
    ipaddress.ip_address("fd00:ec2::254"),
}


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address stands for (mapped, 6to4, NAT64), if any."""
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip in _NAT64_WELL_KNOWN:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def is_public_address(ip: IPAddress) -> bool:
    """True only for globally routable unicast addresses.

    Judged by the explicit table in special_addresses.py, never by `ipaddress`'s own
    `is_global`/`is_private` flags, whose answers change with the interpreter's patch level
    (CVE-2024-4032). IPv6 forms that wrap an IPv4 address (`::ffff:127.0.0.1`, 6to4
    `2002:7f00:1::`, NAT64 `64:ff9b::7f00:1`) are judged by the address the packets would
    actually reach.
    """
    return _address_kind(ip) is None


def _address_kind(ip: IPAddress) -> str | None:
    """Words for why an address is refused, for the owner reading the error; None when it
    is public."""
    if ip in _METADATA_ADDRESSES:
        return "the cloud metadata address"
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = _embedded_ipv4(ip)
        if embedded is not None:
            inner = _address_kind(embedded)
            return None if inner is None else f"an IPv6 form of {embedded}, which is {inner}"
    return special_purpose(ip)


class AddressRefused(UnsafeURL):
    """The crawler refused to connect because the address is not on the public internet."""

    def __init__(
        self, host: str, address: IPAddress, *, port: int | None = None, url: str | None = None
    ) -> None:
        self.host = host
        self.address = address
        self.port = port
        self.url = url
        super().__init__(self._describe())

    def _describe(self) -> str:
        if self.url:
            target = self.url
        else:
            shown = f"[{self.host}]" if ":" in self.host else self.host
            target = f"{shown}:{self.port}" if self.port is not None else shown
        kind = _address_kind(self.address) or "not a public internet address"
        if _canonical_host(self.host) == str(self.address):
            reason = f"{self.address} is {kind}"
        else:
            reason = f"{self.host} resolves to {self.address}, which is {kind}"
        return (
            f"Refused to fetch {target}: {reason}. Frontdesk only crawls public websites; "
            f"add the host to {ALLOW_LIST_SETTING} if this is intended."
        )

    def __reduce__(self) -> tuple[Any, ...]:
        # Job queues pickle exceptions; the default would call __init__ with the message only.
        return (partial(AddressRefused, port=self.port, url=self.url), (self.host, self.address))

    def for_url(self, url: str) -> AddressRefused:
        """The same refusal, worded with the full URL the request was for."""
        return AddressRefused(self.host, self.address, port=self.port, url=url)


def _canonical_host(host: str) -> str:
    """Lowercase, without IPv6 brackets, IP literals in their one canonical spelling."""
    host = host.strip().lower().removeprefix("[").removesuffix("]").rstrip(".")
    try:
        return str(ipaddress.ip_address(host))
    except ValueError:
        return host


def allow_set(allowed_hosts: Iterable[str]) -> frozenset[str]:
    """The allow-list in the form `public_addresses` matches hosts against."""
    return frozenset(_canonical_host(h) for h in allowed_hosts if h.strip())


def _ip_literal(host: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(host.removeprefix("[").removesuffix("]"))
    except ValueError:
        return None


async def _resolve(host: str, port: int) -> list[IPAddress]:
    """Every address `host` resolves to, in resolver order, without duplicates.

    Raises `socket.gaierror` when the name does not resolve.
    """
    literal = _ip_literal(host)
    if literal is not None:
        return [literal]
    infos = await anyio.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    addresses: list[IPAddress] = []
    for _family, _type, _proto, _canon, sockaddr in infos:
        # An IPv6 scope ("%eth0") only appears on link-local addresses, which are refused.
        ip = ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0])
        if ip not in addresses:
            addresses.append(ip)
    return addresses


def _refuse_private(host: str, addresses: list[IPAddress], port: int | None) -> None:
    # One private answer is enough to refuse: a resolver that mixes public and private
    # answers is exactly what a rebinding attack looks like.
    for ip in addresses:
        if not is_public_address(ip):
            raise AddressRefused(host, ip, port=port)


async def public_addresses(
    host: str, port: int, allowed: frozenset[str], timeout: float | None
) -> list[IPAddress]:
    """The addresses to connect to, each one checked: what the guarded backends call before
    every TCP connection. `allowed` is `allow_set(...)` of the allow-list. Raises
    `AddressRefused`, `TimeoutError` (resolving took too long) or `OSError` (no such name)."""
    with anyio.fail_after(timeout):
        addresses = await _resolve(host, port)
    if _canonical_host(host) not in allowed:
        _refuse_private(host, addresses, port)
    return addresses


async def connect_checked(
    host: str,
    port: int,
    allowed: frozenset[str],
    timeout: float | None,
    connect: Callable[[str], Awaitable[_Stream]],
    *,
    timeout_error: Callable[[str], Exception],
    connect_error: type[Exception],
) -> _Stream:
    """Open a TCP connection the way every guarded backend does (httpcore's for httpx, and
    httpcore2's for the MCP SDK): resolve once, refuse any non-public answer, then `connect`
    to each checked address in turn (IPv6 first when the resolver says so, falling back to
    IPv4), always by IP literal so nothing is looked up again. The backend's own exception
    types are passed in, so its pool reacts to failures as it would to its own."""
    try:
        addresses = await public_addresses(host, port, allowed, timeout)
    except TimeoutError as exc:
        raise timeout_error(f"timed out resolving {host}") from exc
    except OSError as exc:
        raise connect_error(f"could not resolve host {host}") from exc
    last_error: Exception | None = None
    for ip in addresses:
        try:
            return await connect(str(ip))
        except connect_error as exc:
            last_error = exc
    raise last_error or connect_error(f"{host} has no addresses")


class GuardedNetworkBackend(httpcore.AsyncNetworkBackend):
    """An httpcore network backend that only opens TCP connections to public addresses."""

    def __init__(
        self,
        allowed_hosts: Iterable[str] = (),
        inner: httpcore.AsyncNetworkBackend | None = None,
    ) -> None:
        self._allowed = allow_set(allowed_hosts)
        self._inner = inner or httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
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
            timeout_error=httpcore.ConnectTimeout,
            connect_error=httpcore.ConnectError,
        )

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        # A local socket is by definition not a public website.
        raise httpcore.ConnectError("unix sockets are never used for crawling")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


class _GuardedTransport(httpx.AsyncHTTPTransport):
    """httpx's own transport, with every connection opened through `GuardedNetworkBackend`."""

    def __init__(self, allowed_hosts: Iterable[str], limits: httpx.Limits) -> None:
        # Loading the CA bundle is the slow part of building a client; do it once, share it.
        ssl_context = httpx.create_ssl_context()
        super().__init__(verify=ssl_context, limits=limits)
        # httpx has no public hook for the network backend, so the pool it built is replaced by
        # an identical one whose backend checks addresses. Replacing the whole transport would
        # lose httpx's request/response mapping and exception translation; the pool is the one
        # place every connection, including each redirect hop, is opened from.
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=ssl_context,
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=GuardedNetworkBackend(allowed_hosts),
        )

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        try:
            return await super().handle_async_request(request)
        except AddressRefused as exc:
            # The backend only knows host and port; the owner should see the URL.
            raise exc.for_url(str(request.url)) from None


def guarded_async_client(
    allowed_hosts: Iterable[str], *, timeout: float, user_agent: str
) -> httpx.AsyncClient:
    """An `httpx.AsyncClient` that refuses non-public addresses on every connection.

    Redirects are not followed (`follow_redirects=False`): the crawler follows them itself so
    each hop is checked for same-site and robots.txt as well. Environment proxies are ignored,
    since a proxy would make the connection-level address check meaningless.
    """
    limits = httpx.Limits(max_connections=20, max_keepalive_connections=10)
    return httpx.AsyncClient(
        transport=_GuardedTransport(allowed_hosts, limits),
        timeout=timeout,
        headers={"User-Agent": user_agent},
        follow_redirects=False,
        trust_env=False,
    )


async def check_url(url: str, allowed_hosts: Iterable[str]) -> None:
    """Validate a website address before anything is created for it.

    Raises `UnsafeURL` for a scheme other than http/https, a missing host or a host that does
    not resolve, and `AddressRefused` when the host resolves to a non-public address that the
    allow-list does not name. Connections are checked again when the crawl runs, so this is
    for an early, clear answer, not the only line of defence.
    """
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as exc:
        raise UnsafeURL(f"{url!r} is not a valid web address ({exc}).") from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        shown = f"{scheme}://" if scheme else "no scheme"
        raise UnsafeURL(
            f"Frontdesk can only crawl http:// and https:// addresses, and {url!r} uses {shown}."
        )
    host = parts.hostname
    if not host:
        raise UnsafeURL(f"{url!r} has no host name; enter an address like https://example.com/.")
    if _canonical_host(host) in allow_set(allowed_hosts):
        return
    if port is None:
        port = 443 if scheme == "https" else 80
    try:
        with anyio.fail_after(_RESOLVE_TIMEOUT_S):
            addresses = await _resolve(host, port)
    # UnicodeError: a host name that cannot be encoded for DNS (IDNA) at all.
    except (OSError, TimeoutError, UnicodeError):
        raise UnsafeURL(
            f"Could not resolve host {host} in {url}; check the spelling of the website address."
        ) from None
    try:
        _refuse_private(host, addresses, port)
    except AddressRefused as exc:
        raise exc.for_url(url) from None
