"""The crawler's connections only reach public addresses, unless the allow-list names the host.

Real sockets throughout: a loopback website, the real resolver, real httpx. Requests to
addresses nothing listens on (10.0.0.1, 169.254.169.254) must fail with `AddressRefused`
straight away, which shows the check ran before any connection was tried.
"""

from __future__ import annotations

import ipaddress
import time
from collections.abc import Iterator

import httpx
import pytest

from frontdesk.errors import UnsafeURL
from frontdesk.providers.crawl.ssrf import (
    AddressRefused,
    check_url,
    guarded_async_client,
    is_public_address,
)
from tests.website.server import LoopbackSite, Route

pytestmark = pytest.mark.anyio

USER_AGENT = "FrontdeskBot/test"


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def site() -> Iterator[LoopbackSite]:
    with LoopbackSite(routes={"/": Route(200, {"Content-Type": "text/plain"}, b"hello")}) as s:
        yield s


@pytest.mark.parametrize(
    "address",
    [
        "8.8.8.8",
        "93.184.215.14",
        "2606:4700:4700::1111",
        "::ffff:8.8.8.8",
        "64:ff9b::808:808",  # NAT64 form of 8.8.8.8
    ],
)
def test_public_addresses_pass(address: str) -> None:
    assert is_public_address(ipaddress.ip_address(address))


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "127.1.2.3",
        "10.0.0.1",
        "172.16.5.4",
        "192.168.1.1",
        "169.254.169.254",  # cloud metadata
        "100.64.0.1",  # carrier-grade NAT
        "0.0.0.0",
        "224.0.0.1",
        "239.255.255.250",
        "240.0.0.1",
        "255.255.255.255",
        "192.0.2.10",  # documentation
        "198.18.0.1",  # benchmarking
        "::1",
        "::",
        "fe80::1",
        "fc00::1",
        "fec0::1",  # deprecated site-local
        "fd00:ec2::254",  # AWS metadata over IPv6
        "ff02::1",
        "ff0e::1",  # global-scope multicast still is not a web server
        "::ffff:127.0.0.1",
        "::ffff:169.254.169.254",
        "::ffff:10.0.0.1",
        "::127.0.0.1",
        "2002:7f00:1::1",  # 6to4 wrapping 127.0.0.1
        "2002:a9fe:a9fe::1",  # 6to4 wrapping 169.254.169.254
        "64:ff9b::7f00:1",  # NAT64 wrapping 127.0.0.1
        "64:ff9b::a00:1",  # NAT64 wrapping 10.0.0.1
        "64:ff9b:1::a00:1",  # local-use NAT64
        "2001:0:4136:e378:8000:63bf:3fff:fdd2",  # Teredo
        "2001:db8::1",
    ],
)
def test_non_public_addresses_are_refused(address: str) -> None:
    assert not is_public_address(ipaddress.ip_address(address))


@pytest.mark.parametrize(
    ("target", "words"),
    [
        ("127.0.0.1:{port}", "127.0.0.1 is a loopback address"),
        ("localhost:{port}", "localhost resolves to 127.0.0.1, which is a loopback address"),
        ("[::1]:{port}", "::1 is a loopback address"),
        ("0.0.0.0:{port}", "0.0.0.0 is the unspecified address"),
    ],
)
async def test_loopback_refused_without_allow_list(
    site: LoopbackSite, target: str, words: str
) -> None:
    url = f"http://{target.format(port=site.port)}/"
    async with guarded_async_client([], timeout=5, user_agent=USER_AGENT) as client:
        with pytest.raises(AddressRefused) as refused:
            await client.get(url)
    message = str(refused.value)
    assert message.startswith(f"Refused to fetch {url}: {words}")
    assert "FRONTDESK_CRAWL_ALLOWED_HOSTS" in message
    assert refused.value.status == 422
    assert site.requested_paths == []


@pytest.mark.parametrize(
    ("host", "words"),
    [
        ("10.0.0.1", "10.0.0.1 is a private network address"),
        ("169.254.169.254", "169.254.169.254 is the cloud metadata address"),
        ("100.100.100.200", "100.100.100.200 is a carrier-grade NAT address"),
        ("[fd00:ec2::254]", "fd00:ec2::254 is the cloud metadata address"),
    ],
)
async def test_private_addresses_refused_before_connecting(host: str, words: str) -> None:
    url = f"http://{host}/latest/meta-data/"
    started = time.monotonic()
    async with guarded_async_client([], timeout=5, user_agent=USER_AGENT) as client:
        with pytest.raises(AddressRefused, match=words):
            await client.get(url)
    # Nothing listens there, so a connection attempt would hang until the 5 s timeout or fail
    # with a connect error; an immediate AddressRefused means none was made.
    assert time.monotonic() - started < 1.0


async def test_allow_listed_host_is_fetched(site: LoopbackSite) -> None:
    async with guarded_async_client(["127.0.0.1"], timeout=5, user_agent=USER_AGENT) as client:
        response = await client.get(site.url("/"))
    assert response.status_code == 200
    assert response.text == "hello"
    assert site.requested_paths == ["/"]


async def test_allow_list_is_case_insensitive_and_matches_names(site: LoopbackSite) -> None:
    async with guarded_async_client(["LocalHost"], timeout=5, user_agent=USER_AGENT) as client:
        response = await client.get(f"http://localhost:{site.port}/")
    assert response.status_code == 200
    assert response.request.headers["user-agent"] == USER_AGENT


async def test_allow_list_names_the_host_not_its_addresses(site: LoopbackSite) -> None:
    # Allowing 127.0.0.1 must not allow every name that points at it.
    async with guarded_async_client(["127.0.0.1"], timeout=5, user_agent=USER_AGENT) as client:
        with pytest.raises(AddressRefused, match="localhost resolves to 127.0.0.1"):
            await client.get(f"http://localhost:{site.port}/")
    assert site.requested_paths == []


async def test_redirect_to_a_name_outside_the_allow_list_is_refused(site: LoopbackSite) -> None:
    rebound = f"http://localhost:{site.port}/"
    site.add_route("/go", Route(302, {"Location": rebound}))
    async with guarded_async_client(["127.0.0.1"], timeout=5, user_agent=USER_AGENT) as client:
        # The client never follows redirects on its own ...
        first = await client.get(site.url("/go"))
        assert first.status_code == 302
        # ... and when asked to, the second hop is checked at connect like the first.
        with pytest.raises(AddressRefused, match=f"Refused to fetch {rebound}"):
            await client.get(site.url("/go"), follow_redirects=True)
    assert site.requested_paths == ["/go", "/go"]


async def test_check_url_refuses_other_schemes() -> None:
    with pytest.raises(UnsafeURL, match=r"only crawl http:// and https://.*ftp://"):
        await check_url("ftp://files.example.com/menu.pdf", [])


async def test_check_url_needs_a_host() -> None:
    with pytest.raises(UnsafeURL, match="has no host name"):
        await check_url("https:///about", [])


async def test_check_url_reports_unresolvable_host() -> None:
    with pytest.raises(UnsafeURL, match="Could not resolve host no-such-clinic.invalid") as err:
        await check_url("https://no-such-clinic.invalid/", [])
    assert not isinstance(err.value, AddressRefused)


async def test_check_url_refuses_private_addresses() -> None:
    with pytest.raises(AddressRefused, match="Refused to fetch http://localhost:8000/"):
        await check_url("http://localhost:8000/", [])
    with pytest.raises(AddressRefused, match="169.254.169.254 is the cloud metadata address"):
        await check_url("http://169.254.169.254/latest/", ["localhost"])


async def test_check_url_accepts_public_and_allow_listed_addresses() -> None:
    # IP literals need no DNS, so these run offline.
    await check_url("https://8.8.8.8/", [])
    await check_url("http://127.0.0.1:8000/", ["127.0.0.1"])
    await check_url("http://[::1]:8000/", ["[::1]"])
    await check_url("http://LOCALHOST:8000/", ["localhost"])


def test_refusal_is_a_frontdesk_error_the_api_can_show() -> None:
    error = AddressRefused("metadata.internal", ipaddress.ip_address("169.254.169.254"), port=80)
    assert isinstance(error, UnsafeURL)
    assert error.name == "AddressRefused"
    assert "metadata.internal resolves to 169.254.169.254" in str(error.detail)


async def test_unresolvable_host_is_a_connect_error_not_a_crash() -> None:
    async with guarded_async_client([], timeout=5, user_agent=USER_AGENT) as client:
        with pytest.raises(httpx.ConnectError, match="could not resolve host"):
            await client.get("http://no-such-clinic.invalid/")
