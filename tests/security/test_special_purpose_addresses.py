"""Special-purpose addresses the interpreter calls public, and /metrics reached by rebinding.

Attack 1: an owner (or a site the crawler follows) names an address in a special-purpose
block that Python 3.11.7's `ipaddress` tables wrongly call global (CVE-2024-4032:
192.0.0.8–192.0.0.169, 192.0.0.172–255), or one of the other IANA special-purpose blocks
(benchmarking, reserved, CGNAT, documentation, NAT64 local use). The guard must refuse them
from its own table, both when an address is saved (`check_url`) and on every connection (the
guarded client), also when a name resolves to one of them.

Attack 2: a web page at evil.example re-points its name at 127.0.0.1 (DNS rebinding) and
reads http://evil.example:PORT/metrics from the victim's browser. The socket comes from
loopback, but the Host header names the attacker's site: the page must refuse it.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator

import anyio
import httpx
import pytest

from frontdesk.errors import UnsafeURL
from frontdesk.providers.crawl.ssrf import AddressRefused, check_url, guarded_async_client
from frontdesk.resources import Resources
from tests.live_server import serving

SPECIAL = [
    "192.0.0.8",
    "192.0.0.100",
    "192.0.0.170",
    "192.0.0.200",
    "192.0.0.255",
    "198.18.0.1",
    "198.19.255.254",
    "240.0.0.1",
    "255.255.255.255",
    "100.64.0.1",
    "192.88.99.1",
    "[2001:db8::1]",
    "[64:ff9b:1::1]",
    "[2001:2::1]",
    "[3fff::1]",
    "[::ffff:192.0.0.170]",
    "[64:ff9b::c000:aa]",
    "[2002:c000:aa::1]",
]
# A name the attacker controls, answering with one of those addresses.
REBOUND_NAME = "special.probe.test"


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(autouse=True)
def fake_dns(monkeypatch: pytest.MonkeyPatch) -> None:
    """The resolver the guard calls answers REBOUND_NAME with 192.0.0.170."""
    real = anyio.getaddrinfo

    async def getaddrinfo(host, port, *args, **kwargs):  # type: ignore[no-untyped-def]
        name = host.decode() if isinstance(host, bytes) else str(host)
        if name.lower() != REBOUND_NAME:
            return await real(host, port, *args, **kwargs)
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("192.0.0.170", port or 0))]

    monkeypatch.setattr(anyio, "getaddrinfo", getaddrinfo)


def _urls() -> list[str]:
    return [f"http://{host}/" for host in SPECIAL] + [f"http://{REBOUND_NAME}/"]


@pytest.mark.anyio
async def test_check_url_refuses_special_purpose_addresses() -> None:
    escaped = []
    for url in _urls():
        try:
            await check_url(url, [])
        except UnsafeURL as exc:
            assert exc.status == 422 and "public" in str(exc.detail), url
        else:
            escaped.append(url)
    assert escaped == []
    await check_url("http://93.184.215.14/", [])  # a public address still passes


@pytest.mark.anyio
async def test_the_guarded_client_refuses_special_purpose_addresses() -> None:
    escaped = []
    async with guarded_async_client([], timeout=1, user_agent="probe") as client:
        for url in _urls():
            try:
                await client.get(url)
            except AddressRefused:
                continue  # refused before any connection was opened
            except httpx.HTTPError as exc:
                escaped.append(f"{url}: tried to connect ({exc!r})")
            else:
                escaped.append(f"{url}: answered")
    assert escaped == []


@pytest.fixture
def server(resources: Resources) -> Iterator[str]:
    with serving(resources) as base:
        yield base


def test_metrics_refuse_a_loopback_client_that_asks_by_another_name(server: str) -> None:
    rebound = httpx.get(f"{server}/metrics", headers={"Host": "evil.example"})
    assert rebound.status_code == 401
    assert rebound.json()["error"] == "Unauthorized"
    assert "FRONTDESK_METRICS_TOKEN" in rebound.json()["detail"]
    assert "frontdesk_http_requests_total" not in rebound.text
    # The same scrape by a loopback name is Prometheus beside the server: it still works.
    port = server.rsplit(":", 1)[1]
    for host in (f"127.0.0.1:{port}", f"localhost:{port}", "localhost"):
        local = httpx.get(f"{server}/metrics", headers={"Host": host})
        assert local.status_code == 200, host
