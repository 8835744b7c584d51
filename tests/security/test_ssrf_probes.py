"""SSRF probes: every way we know of to spell an address inside the host's own network.

Each probe is tried against every layer that guards outgoing requests: `check_url` (the early
answer when an owner saves an address), the guarded HTTP client (every connection, every
redirect hop), the crawler's redirect handling, and the real API for website sources,
webhooks, MCP servers and CalDAV connections. Loopback probes aim at a real loopback site
that records each request, so "refused" also means "never reached". Names are made to
resolve to private addresses by patching the resolver the guard calls (`anyio.getaddrinfo`),
never the guard itself. The allow-list used by the tests names 127.0.0.1: every other
spelling of loopback must still be refused.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit

import anyio
import httpx
import pytest
from fastapi.testclient import TestClient

from frontdesk.errors import UnsafeURL
from frontdesk.providers.crawl.site_crawler import CrawlLimits, SiteCrawler
from frontdesk.providers.crawl.ssrf import AddressRefused, check_url, guarded_async_client
from frontdesk.resources import Resources
from tests.factories import make_signed_in_client
from tests.website.server import LoopbackSite, Route

ALLOWED = ["127.0.0.1"]  # what the test settings allow, as a developer's setup would

# Names that resolve (in these tests) to addresses that must be refused.
FAKE_DNS = {
    "intranet.probe.test": ["10.2.3.4"],
    "db.probe.test": ["172.20.0.5"],
    "router.probe.test": ["192.168.0.1"],
    "cgnat.probe.test": ["100.64.1.1"],
    "metadata.probe.test": ["169.254.169.254"],
    "loopback.probe.test": ["127.0.0.1"],
    "rebind.probe.test": ["93.184.215.14", "127.0.0.1"],  # one private answer is enough
    "six.probe.test": ["::1"],
    "mapped.probe.test": ["::ffff:10.0.0.1"],
    "linklocal6.probe.test": ["fe80::1"],
}


@dataclass(frozen=True)
class Probe:
    label: str
    url: str  # "{port}" is the loopback site's port
    with_allow_list: bool = True  # also refused when the allow-list names 127.0.0.1


PROBES = [
    # loopback, in every spelling a resolver or URL parser accepts
    Probe("loopback literal", "http://127.0.0.1:{port}/secret", with_allow_list=False),
    Probe("loopback short form", "http://127.1:{port}/secret"),
    Probe("loopback decimal", "http://2130706433:{port}/secret"),
    Probe("loopback hex", "http://0x7f.0.0.1:{port}/secret"),
    Probe("loopback octal", "http://0177.0.0.1:{port}/secret"),
    Probe("loopback 127.0.0.2", "http://127.0.0.2:{port}/secret"),
    Probe("localhost", "http://localhost:{port}/secret"),
    Probe("localhost trailing dot", "http://localhost.:{port}/secret"),
    Probe("localhost upper case", "http://LOCALHOST:{port}/secret"),
    # private ranges
    Probe("10/8", "http://10.0.0.1/"),
    Probe("172.16/12 low", "http://172.16.0.1/"),
    Probe("172.16/12 high", "http://172.31.255.254/"),
    Probe("192.168/16", "http://192.168.1.1/"),
    Probe("100.64/10 CGNAT", "http://100.64.0.1/"),
    # link-local and cloud metadata
    Probe("metadata", "http://169.254.169.254/latest/meta-data/"),
    Probe("metadata decimal", "http://2852039166/latest/meta-data/"),
    Probe("metadata IPv6", "http://[fd00:ec2::254]/latest/meta-data/"),
    Probe("IPv6 link-local", "http://[fe80::1]/"),
    # unspecified
    Probe("0.0.0.0", "http://0.0.0.0:{port}/secret"),
    Probe("::", "http://[::]:{port}/secret"),
    # IPv6 forms of loopback and private addresses
    Probe("IPv6 loopback", "http://[::1]:{port}/secret"),
    Probe("IPv4-mapped dotted", "http://[::ffff:127.0.0.1]:{port}/secret"),
    Probe("IPv4-mapped hex", "http://[::ffff:7f00:1]:{port}/secret"),
    Probe("IPv4-mapped private", "http://[::ffff:10.0.0.1]/"),
    Probe("NAT64 loopback", "http://[64:ff9b::7f00:1]:{port}/secret"),
    Probe("NAT64 metadata", "http://[64:ff9b::a9fe:a9fe]/"),
    Probe("6to4 loopback", "http://[2002:7f00:1::]:{port}/secret"),
    Probe("6to4 private", "http://[2002:a00:1::]/"),
    Probe("IPv6 unique local", "http://[fd12:3456::1]/"),
    # names that resolve to what must be refused
    *(
        Probe(f"name -> {ips[-1]}", f"http://{name}:{{port}}/secret")
        for name, ips in FAKE_DNS.items()
    ),
    # userinfo tricks: the host is what follows the @
    Probe("userinfo", "http://example.com@127.0.0.1:{port}/secret", with_allow_list=False),
    Probe("userinfo with port", "http://example.com:80@127.1:{port}/secret"),
    Probe("userinfo metadata", "http://example.com@169.254.169.254/"),
    # other schemes
    Probe("file", "file:///etc/passwd"),
    Probe("gopher", "gopher://127.0.0.1:{port}/_GET%20/secret"),
    Probe("ftp", "ftp://127.0.0.1:{port}/secret"),
    Probe("dict", "dict://127.0.0.1:6379/info"),
]


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def site() -> Iterator[LoopbackSite]:
    with LoopbackSite(routes={"/": Route(200, {"Content-Type": "text/html"}, b"<p>hi</p>")}) as s:
        yield s


@pytest.fixture(autouse=True)
def fake_dns(monkeypatch: pytest.MonkeyPatch) -> None:
    """The resolver the guard calls answers FAKE_DNS names; other names resolve as usual."""
    real = anyio.getaddrinfo

    async def getaddrinfo(host, port, *args, **kwargs):  # type: ignore[no-untyped-def]
        name = host.decode() if isinstance(host, bytes) else str(host)
        answers = FAKE_DNS.get(name.lower().rstrip("."))
        if answers is None:
            return await real(host, port, *args, **kwargs)
        return [
            (
                socket.AF_INET6 if ":" in ip else socket.AF_INET,
                socket.SOCK_STREAM,
                6,
                "",
                (ip, port or 0, 0, 0) if ":" in ip else (ip, port or 0),
            )
            for ip in answers
        ]

    monkeypatch.setattr(anyio, "getaddrinfo", getaddrinfo)


def _cases(site: LoopbackSite) -> list[tuple[Probe, list[str]]]:
    """Each probe with the allow-lists it must be refused under."""
    return [
        (p, ([[], ALLOWED] if p.with_allow_list else [[]]))  # type: ignore[misc]
        for p in PROBES
    ]


def _refused_before_connecting(exc: Exception) -> bool:
    """The guard refused the address, or httpx refused the URL itself (a scheme it does not
    speak, an IPv4 spelling it will not parse), or the name does not resolve here at all:
    in each case no connection was opened."""
    if isinstance(exc, AddressRefused | httpx.UnsupportedProtocol | httpx.InvalidURL):
        return True
    text = str(exc)
    return text.startswith("could not resolve host") or text.startswith("Invalid URL in location")


def _url(probe: Probe, site: LoopbackSite) -> str:
    return probe.url.replace("{port}", str(site.port))


def _report(layer: str, tried: int, escaped: list[str]) -> None:
    print(f"\nSSRF {layer}: {tried} probes, {tried - len(escaped)} refused")
    assert escaped == [], "\n".join(escaped)


@pytest.mark.anyio
async def test_check_url_refuses_every_probe(site: LoopbackSite) -> None:
    tried, escaped = 0, []
    for probe, allow_lists in _cases(site):
        for allowed in allow_lists:
            tried += 1
            try:
                await check_url(_url(probe, site), allowed)
            except UnsafeURL as exc:
                assert exc.status == 422 and str(exc.detail), probe
            else:
                escaped.append(f"{probe.label} ({_url(probe, site)}) allowed={allowed}")
    _report("check_url", tried, escaped)
    # The guard is not simply refusing everything: a public address and the allow-listed
    # loopback literal pass.
    await check_url("http://93.184.215.14/", [])
    await check_url(site.url("/"), ALLOWED)


@pytest.mark.anyio
async def test_the_guarded_client_never_connects_to_a_probe(site: LoopbackSite) -> None:
    tried, escaped = 0, []
    for probe, allow_lists in _cases(site):
        for allowed in allow_lists:
            tried += 1
            async with guarded_async_client(allowed, timeout=3, user_agent="probe") as client:
                try:
                    response = await client.get(_url(probe, site))
                except (AddressRefused, httpx.HTTPError, httpx.InvalidURL) as exc:
                    if not _refused_before_connecting(exc):
                        escaped.append(f"{probe.label}: tried to connect ({exc!r})")
                else:
                    escaped.append(f"{probe.label}: answered {response.status_code}")
    assert site.requested_paths == []
    _report("guarded client", tried, escaped)
    async with guarded_async_client(ALLOWED, timeout=3, user_agent="probe") as client:
        assert (await client.get(site.url("/"))).status_code == 200  # the control reaches it
    assert site.requested_paths == ["/"]


@pytest.mark.anyio
async def test_a_redirect_to_any_probe_is_refused_on_the_hop(site: LoopbackSite) -> None:
    """The loopback site is allowed; each of its redirects points at a probe. The crawler
    refuses the hop, and so does the guarded client when it follows redirects itself."""
    redirects = [p for p in PROBES if p.with_allow_list]
    for i, probe in enumerate(redirects):
        site.add_route(f"/go/{i}", Route(302, {"Location": _url(probe, site)}))
    tried, escaped = 0, []
    limits = CrawlLimits(delay_s=0.0, timeout_s=3.0)
    async with SiteCrawler(site.url("/"), limits, ALLOWED) as crawler:
        for i, probe in enumerate(redirects):
            tried += 1
            result = await crawler.fetch(site.url(f"/go/{i}"))
            if result.ok or not result.error:
                escaped.append(f"crawler followed {probe.label}: {result.final_url}")
    async with guarded_async_client(ALLOWED, timeout=3, user_agent="probe") as client:
        for i, probe in enumerate(redirects):
            tried += 1
            try:
                response = await client.get(site.url(f"/go/{i}"), follow_redirects=True)
            except (AddressRefused, httpx.HTTPError, httpx.InvalidURL) as exc:
                if not _refused_before_connecting(exc):
                    escaped.append(f"client tried {probe.label} ({exc!r})")
            else:
                escaped.append(f"client followed {probe.label}: {response.status_code}")
    assert "/secret" not in [path.split("?")[0] for path in site.requested_paths]
    _report("redirect hops", tried, escaped)
    # Control: a redirect within the allowed site is followed.
    site.add_route("/go/home", Route(302, {"Location": site.url("/")}))
    async with SiteCrawler(site.url("/"), limits, ALLOWED) as crawler:
        followed = await crawler.fetch(site.url("/go/home"))
    assert followed.ok and followed.final_url == site.url("/")


# What a refusal says, in the words of each feature (crawler, webhooks, MCP, CalDAV).
REFUSAL_WORDS = (
    "not a public internet address",
    "Refused",
    "does not send webhooks",
    "http:// or https://",
    "https:// (or http://)",
    "not a web address",
    "credentials",
    "Could not resolve host",
    "Could not find the host",
)


def _resolves_here(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    if host.lower().rstrip(".") in FAKE_DNS:
        return False
    try:
        socket.getaddrinfo(host, None)
    except OSError:
        return False
    return True


def _refused_by_api(
    response: httpx.Response, label: str, escaped: list[str], *, also: tuple[str, ...] = ()
) -> None:
    detail = str(response.json().get("detail", "")) if response.status_code == 422 else ""
    if not any(words in detail for words in REFUSAL_WORDS + also):
        escaped.append(f"{label}: {response.status_code} {response.text[:200]}")


def test_the_api_refuses_every_probe_as_a_website_webhook_mcp_server_or_calendar(
    app_client: TestClient, resources: Resources, site: LoopbackSite
) -> None:
    """422 with a message, and nothing created: website sources (new agent, added source),
    webhook endpoints, MCP servers over HTTP and CalDAV servers."""
    client, _ = make_signed_in_client(app_client, resources)
    agent = client.post("/api/agents", data={"name": "Probe Vet", "text": "We see cats."}).json()
    base = f"/api/agents/{agent['id']}"
    # The test settings allow 127.0.0.1 for the crawler only; outbound hosts allow nothing.
    crawl_probes = [p for p in PROBES if p.with_allow_list]
    tried, escaped = 0, []
    for probe in crawl_probes:
        url = _url(probe, site)
        created = client.post(
            "/api/agents", data={"name": f"Probe {probe.label}", "website_url": url}
        )
        _refused_by_api(created, f"new agent {probe.label}", escaped)
        added = client.post(f"{base}/knowledge/sources", json={"kind": "website", "url": url})
        _refused_by_api(added, f"website source {probe.label}", escaped)
        tried += 2
    for probe in PROBES:
        url = _url(probe, site)
        hook = client.post("/api/webhooks", json={"url": url, "events": ["lead.created"]})
        _refused_by_api(hook, f"webhook {probe.label}", escaped)
        mcp = client.post(
            f"{base}/mcp-servers", json={"name": "Probe", "transport": "http", "url": url}
        )
        _refused_by_api(mcp, f"MCP server {probe.label}", escaped)
        caldav = client.post(
            f"{base}/calendar-connection/discover",
            json={"server_url": url, "username": "probe", "password": "probe"},
        )
        # CalDAV resolves names with its HTTP client's own resolver (not the one patched
        # here): a name that does not exist for it (the made-up ones; "localhost." on some
        # machines) is "nothing answered", and nothing was reached either.
        also = ("Could not reach the calendar server",) if not _resolves_here(url) else ()
        _refused_by_api(caldav, f"CalDAV {probe.label}", escaped, also=also)
        tried += 3
    assert site.requested_paths == []
    literal = client.post(
        f"{base}/mcp-servers",
        json={"name": "Probe", "transport": "http", "url": "http://[64:ff9b::7f00:1]/mcp"},
    ).json()["detail"]
    assert literal.startswith("Refused http://[64:ff9b::7f00:1]/mcp: 64:ff9b::7f00:1 is not a")
    assert [a["name"] for a in client.get("/api/agents").json()] == ["Probe Vet"]
    assert client.get("/api/webhooks").json() == []
    assert client.get(f"{base}/mcp-servers").json() == []
    _report("API", tried, escaped)
