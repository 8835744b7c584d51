"""SiteCrawler against the Juniper Lane website served on loopback: real sockets, no mocks.

The allow-list names 127.0.0.1, the one host these tests may reach; every other address is
refused exactly as it would be in production.
"""

from __future__ import annotations

import asyncio
import gzip
import time
from collections import Counter
from collections.abc import Iterator

import pytest

from frontdesk.errors import UnsafeURL
from frontdesk.providers.crawl.site_crawler import CrawlLimits, FetchResult, SiteCrawler
from tests.website.juniper_site import FACTS, SITEMAP_PATHS, juniper_site
from tests.website.server import LoopbackSite, Route

pytestmark = pytest.mark.anyio

ALLOWED = {"127.0.0.1"}


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def site() -> Iterator[LoopbackSite]:
    with juniper_site() as s:
        yield s


def crawler_for(site: LoopbackSite, **limits: object) -> SiteCrawler:
    """A crawler of `site` without politeness delays unless a test asks for them."""
    limits.setdefault("delay_s", 0.0)
    return SiteCrawler(site.url("/"), CrawlLimits(**limits), ALLOWED)  # type: ignore[arg-type]


def html_page(body: str) -> Route:
    return Route(200, {"Content-Type": "text/html; charset=utf-8"}, body.encode())


# -- URLs ---------------------------------------------------------------------------------------

OFFLINE = SiteCrawler("https://www.juniperlanevet.example/", CrawlLimits(), [])


@pytest.mark.parametrize(
    ("url", "base", "expected"),
    [
        ("HTTP://WWW.JuniperLaneVet.example", None, "http://www.juniperlanevet.example/"),
        (
            "https://juniperlanevet.example:443/faq.html",
            None,
            "https://juniperlanevet.example/faq.html",
        ),
        ("http://juniperlanevet.example:80/", None, "http://juniperlanevet.example/"),
        ("http://juniperlanevet.example:8080/a#top", None, "http://juniperlanevet.example:8080/a"),
        ("https://x.example/a/./b/../c?q=1&r=2#f", None, "https://x.example/a/c?q=1&r=2"),
        ("https://x.example/Services/", None, "https://x.example/Services/"),
        ("https://x.example/a b", None, "https://x.example/a%20b"),
        ("https://x.example/caf%C3%A9", None, "https://x.example/caf%C3%A9"),
        ("http://[::1]:80/x", None, "http://[::1]/x"),
        ("team.html", "https://x.example/about/index.html", "https://x.example/about/team.html"),
        ("../faq.html", "https://x.example/about/", "https://x.example/faq.html"),
        ("//cdn.x.example/p", "https://x.example/", "https://cdn.x.example/p"),
        ("#privacy", "https://x.example/visit/hours.html", "https://x.example/visit/hours.html"),
        ("?page=2", "https://x.example/news/", "https://x.example/news/?page=2"),
        ("  /faq.html\n", "https://x.example/", "https://x.example/faq.html"),
        ("mailto:hello@juniperlanevet.example", "https://x.example/", None),
        ("tel:+15550142398", "https://x.example/", None),
        ("javascript:void(0)", "https://x.example/", None),
        ("ftp://x.example/file.txt", None, None),
        ("data:text/html,hi", None, None),
        ("/relative/without/base", None, None),
        ("http://x.example:99999/", None, None),
    ],
)
def test_normalize(url: str, base: str | None, expected: str | None) -> None:
    assert OFFLINE.normalize(url, base) == expected
    if expected is not None:
        assert OFFLINE.normalize(expected) == expected  # normalizing twice changes nothing


@pytest.mark.parametrize(
    ("url", "same"),
    [
        ("https://www.juniperlanevet.example/faq.html", True),
        ("https://juniperlanevet.example/faq.html", True),
        ("http://JUNIPERLANEVET.example/", True),
        ("https://shop.juniperlanevet.example/", False),
        ("https://juniperlanevet.example.evil.example/", False),
        ("https://pixelpaws.example/", False),
        ("mailto:hello@juniperlanevet.example", False),
    ],
)
def test_is_same_site(url: str, same: bool) -> None:
    assert OFFLINE.is_same_site(url) is same


def test_start_url_must_be_a_web_address() -> None:
    with pytest.raises(UnsafeURL, match="not an http:// or https:// website address"):
        SiteCrawler("ftp://juniperlanevet.example/", CrawlLimits(), [])


# -- fetching pages -----------------------------------------------------------------------------


async def test_home_page_links_are_same_site_deduplicated_and_in_order(
    site: LoopbackSite,
) -> None:
    async with crawler_for(site) as crawler:
        result = await crawler.fetch(site.url("/"))

    assert result.ok, result.error
    assert (result.status_code, result.content_type) == (200, "text/html")
    assert b"Welcome to Juniper Lane Veterinary Clinic" in result.body
    # The logo, the nav, the body and the footer repeat "/" and the nav pages; each appears
    # once, where it first appeared. mailto:, javascript: and the web designer's site are out.
    assert result.links == [
        site.url(path)
        for path in [
            "/",
            "/about/",
            "/services/",
            "/visit/hours.html",
            "/visit/contact.html",
            "/faq.html",
            "/services/vaccinations.html",
            "/services/dental-care.html",
            "/services/surgery.html",
            "/services/grooming.html",
            "/old-services",
            "/policies/cancellation.html",
            "/files/price-list.pdf",
            "/about/team.html",
        ]
    ]


async def test_contact_page_links_leave_out_mailto_tel_and_other_sites(site: LoopbackSite) -> None:
    async with crawler_for(site) as crawler:
        result = await crawler.fetch(site.url("/visit/contact.html"))
    assert result.ok
    assert all(link.startswith(site.base_url + "/") for link in result.links)
    assert not any("#" in link or "pixelpaws" in link for link in result.links)
    assert len(result.links) == len(set(result.links))
    assert site.url("/policies/cancellation.html") in result.links


async def test_links_resolve_against_base_href(site: LoopbackSite) -> None:
    async with crawler_for(site) as crawler:
        result = await crawler.fetch(site.url("/services/"))
    assert result.ok
    # services/index.html has <base href="/services/"> and relative links.
    assert site.url("/services/grooming.html") in result.links
    assert site.url("/files/price-list.pdf") in result.links


async def test_robots_disallowed_page_is_never_requested(site: LoopbackSite) -> None:
    async with crawler_for(site) as crawler:
        about = await crawler.fetch(site.url("/about/"))
        rota = await crawler.fetch(site.url("/staff-only/rota.html"))

    # The about page links the rota, but the link is dropped because robots.txt disallows it.
    assert about.ok
    assert site.url("/careers.html") in about.links
    assert site.url("/staff-only/rota.html") not in about.links
    assert not rota.ok
    assert rota.error == "blocked by robots.txt"
    assert rota.body == b""
    assert not any(path.startswith("/staff-only/") for path in site.requested_paths)


async def test_redirect_is_followed_to_the_final_page(site: LoopbackSite) -> None:
    async with crawler_for(site) as crawler:
        result = await crawler.fetch(site.url("/old-services"))
    assert result.ok, result.error
    assert result.url == site.url("/old-services")
    assert result.final_url == site.url("/services/")
    assert site.url("/services/vaccinations.html") in result.links
    assert "/old-services" in site.requested_paths and "/services/" in site.requested_paths


async def test_folder_without_slash_redirects(site: LoopbackSite) -> None:
    async with crawler_for(site) as crawler:
        result = await crawler.fetch(site.url("/about"))
    assert result.ok
    assert result.final_url == site.url("/about/")


async def test_missing_page_reports_http_status(site: LoopbackSite) -> None:
    async with crawler_for(site) as crawler:
        result = await crawler.fetch(site.url("/careers.html"))
    assert not result.ok
    assert result.error == "HTTP 404 Not Found"
    assert result.status_code == 404
    assert result.body == b""
    assert result.links == []


async def test_pdf_is_fetched_as_pdf(site: LoopbackSite) -> None:
    async with crawler_for(site) as crawler:
        result = await crawler.fetch(site.url("/files/price-list.pdf"))
    assert result.ok, result.error
    assert result.content_type == "application/pdf"
    assert result.body.startswith(b"%PDF-")
    assert result.links == []


@pytest.mark.parametrize(
    ("content_type", "expected"),
    [
        ("text/plain; charset=utf-8", "text/plain"),
        ("text/markdown", "text/markdown"),
        ("application/xhtml+xml", "application/xhtml+xml"),
        ("TEXT/HTML; charset=ISO-8859-1", "text/html"),
    ],
)
async def test_text_types_are_accepted(
    site: LoopbackSite, content_type: str, expected: str
) -> None:
    site.add_route("/doc", Route(200, {"Content-Type": content_type}, b"Opening hours"))
    async with crawler_for(site) as crawler:
        result = await crawler.fetch(site.url("/doc"))
    assert result.ok, result.error
    assert result.content_type == expected
    assert result.body == b"Opening hours"


async def test_unsupported_type_is_not_downloaded(site: LoopbackSite) -> None:
    site.add_route("/logo.png", Route(200, {"Content-Type": "image/png"}, b"\x89PNG" + b"0" * 4096))
    async with crawler_for(site) as crawler:
        result = await crawler.fetch(site.url("/logo.png"))
    assert not result.ok
    assert result.error == "unsupported content type image/png"
    assert (result.status_code, result.body) == (200, b"")


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
async def test_size_cap(site: LoopbackSite, chunked: bool) -> None:
    # Without Content-Length the cap is enforced while streaming.
    headers = {"Content-Type": "text/html"}
    if chunked:
        headers["Transfer-Encoding"] = "chunked"
    site.add_route("/big.html", Route(200, headers, b"<p>" + b"woof " * 20_000 + b"</p>"))
    async with crawler_for(site, max_bytes=8 * 1024) as crawler:
        result = await crawler.fetch(site.url("/big.html"))
        small = await crawler.fetch(site.url("/faq.html"))
    assert not result.ok
    assert result.error == "too large (over 8 KB)"
    assert result.body == b""
    assert small.ok


async def test_default_size_cap_is_described_in_megabytes(site: LoopbackSite) -> None:
    body = b"x" * (10 * 1024 * 1024 + 1)
    site.add_route("/huge.txt", Route(200, {"Content-Type": "text/plain"}, body))
    async with crawler_for(site) as crawler:
        result = await crawler.fetch(site.url("/huge.txt"))
    assert result.error == "too large (over 10 MB)"


async def test_slow_page_times_out(site: LoopbackSite) -> None:
    site.add_route("/slow.html", Route(200, {"Content-Type": "text/html"}, b"late", delay_s=1.0))
    async with crawler_for(site, timeout_s=0.2) as crawler:
        result = await crawler.fetch(site.url("/slow.html"))
    assert not result.ok
    assert result.error == "timed out after 0.2 s"


async def test_unreachable_site_gives_an_error_not_an_exception() -> None:
    with LoopbackSite() as gone:
        url = gone.url("/")
    # Nothing listens on that port any more. robots.txt cannot be read, which RFC 9309 says
    # means "crawl nothing", and the error says why.
    async with SiteCrawler(url, CrawlLimits(delay_s=0), ALLOWED) as crawler:
        result = await crawler.fetch(url)
    assert not result.ok
    assert result.error is not None
    assert result.error.startswith(
        "blocked because robots.txt could not be read (could not connect"
    )


async def test_server_error_on_robots_blocks_the_site() -> None:
    routes = {
        "/robots.txt": Route(503, {"Content-Type": "text/plain"}, b"busy"),
        "/": html_page("<p>hello</p>"),
    }
    with LoopbackSite(routes=routes) as busy:
        async with SiteCrawler(busy.url("/"), CrawlLimits(delay_s=0), ALLOWED) as crawler:
            result = await crawler.fetch(busy.url("/"))
        assert result.error == (
            "blocked because robots.txt could not be read (HTTP 503 Service Unavailable)"
        )
        assert busy.requested_paths == ["/robots.txt"]


async def test_missing_robots_allows_everything() -> None:
    with LoopbackSite(routes={"/": html_page('<a href="/a">a</a>')}) as bare:
        async with SiteCrawler(bare.url("/"), CrawlLimits(delay_s=0), ALLOWED) as crawler:
            await crawler.load_robots()
            assert crawler.allowed_by_robots(bare.url("/anything"))
            result = await crawler.fetch(bare.url("/"))
            assert await crawler.sitemap_urls() == []
        assert result.ok
        assert result.links == [bare.url("/a")]


async def test_fetch_refuses_other_sites_and_non_web_links(site: LoopbackSite) -> None:
    async with crawler_for(site) as crawler:
        other = await crawler.fetch("https://pixelpaws.example/")
        mail = await crawler.fetch("mailto:hello@juniperlanevet.example")
    assert other.error == "on another site (https://pixelpaws.example/)"
    assert mail.error is not None and "not a web page address" in mail.error
    assert site.requested_paths == []


# -- redirects that must not be followed --------------------------------------------------------


async def test_redirect_to_another_host_is_refused(site: LoopbackSite) -> None:
    # localhost is the same machine, but neither the same site nor on the allow-list.
    rebound = f"http://localhost:{site.port}/"
    site.add_route("/book", Route(302, {"Location": rebound}))
    site.add_route("/designer", Route(301, {"Location": "https://pixelpaws.example/"}))
    async with crawler_for(site) as crawler:
        book = await crawler.fetch(site.url("/book"))
        designer = await crawler.fetch(site.url("/designer"))
    assert book.error == f"redirects to another site ({rebound})"
    assert book.status_code == 302
    assert book.final_url == site.url("/book")
    assert designer.error == "redirects to another site (https://pixelpaws.example/)"
    assert site.requested_paths == ["/robots.txt", "/book", "/designer"]


async def test_refused_address_is_reported_by_fetch(site: LoopbackSite) -> None:
    # The start host itself is refused (localhost is not on the allow-list): no request is
    # made, and each page says why in the owner's words.
    start = f"http://localhost:{site.port}/"
    async with SiteCrawler(start, CrawlLimits(delay_s=0), ALLOWED) as crawler:
        result = await crawler.fetch(start + "faq.html")
    assert not result.ok
    assert result.error is not None
    assert result.error.startswith(
        f"Refused to fetch {start}faq.html: localhost resolves to 127.0.0.1, "
        "which is a loopback address."
    )
    assert site.requested_paths == []


async def test_redirect_into_disallowed_area_is_blocked(site: LoopbackSite) -> None:
    site.add_route("/staff", Route(302, {"Location": "/staff-only/rota.html"}))
    async with crawler_for(site) as crawler:
        result = await crawler.fetch(site.url("/staff"))
    assert result.error == "blocked by robots.txt"
    assert result.final_url == site.url("/staff-only/rota.html")
    assert "/staff-only/rota.html" not in site.requested_paths


async def test_redirect_loops_and_chains_end(site: LoopbackSite) -> None:
    site.add_route("/loop-a", Route(302, {"Location": "/loop-b"}))
    site.add_route("/loop-b", Route(302, {"Location": "/loop-a"}))
    for n in range(7):
        site.add_route(f"/hop{n}", Route(301, {"Location": f"/hop{n + 1}"}))
    site.add_route("/hop7", html_page("<p>too far</p>"))
    site.add_route("/nowhere", Route(302, {}))
    async with crawler_for(site) as crawler:
        loop = await crawler.fetch(site.url("/loop-a"))
        chain = await crawler.fetch(site.url("/hop0"))
        nowhere = await crawler.fetch(site.url("/nowhere"))
    assert loop.error == f"redirect loop ({site.url('/loop-a')})"
    assert chain.error == "too many redirects (more than 5)"
    assert "/hop6" not in site.requested_paths
    assert nowhere.error == "HTTP 302 Found without a Location header"


# -- sitemaps -----------------------------------------------------------------------------------


async def test_sitemap_lists_the_page_no_link_reaches(site: LoopbackSite) -> None:
    async with crawler_for(site) as crawler:
        urls = await crawler.sitemap_urls()
    assert urls == [site.url(path) for path in SITEMAP_PATHS]
    assert site.url("/news/winter-hours.html") in urls


async def test_sitemap_index_is_followed_one_level(site: LoopbackSite) -> None:
    base = site.base_url

    def urlset(*locs: str) -> bytes:
        entries = "".join(f"<url><loc>{loc}</loc></url>" for loc in locs)
        return (
            '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            f"{entries}</urlset>"
        ).encode()

    def index(*locs: str) -> bytes:
        entries = "".join(f"<sitemap><loc>{loc}</loc></sitemap>" for loc in locs)
        return (
            '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            f"{entries}</sitemapindex>"
        ).encode()

    xml = {"Content-Type": "application/xml"}
    robots = f"User-agent: *\nDisallow: /staff-only/\nSitemap: {base}/sitemap_index.xml\n"
    site.add_route("/robots.txt", Route(200, {"Content-Type": "text/plain"}, robots.encode()))
    site.add_route(
        "/sitemap_index.xml",
        Route(
            200,
            xml,
            index(
                f"{base}/sitemaps/pages.xml",
                f"{base}/sitemaps/news.xml.gz",
                f"{base}/sitemaps/nested-index.xml",
                "https://pixelpaws.example/sitemap.xml",
            ),
        ),
    )
    site.add_route(
        "/sitemaps/pages.xml",
        Route(
            200,
            xml,
            urlset(
                f"{base}/faq.html",
                f"{base}/faq.html#payment",  # the same page again
                f"{base}/staff-only/rota.html",  # disallowed by robots.txt
                "https://pixelpaws.example/portfolio",  # another site
            ),
        ),
    )
    site.add_route(
        "/sitemaps/news.xml.gz",
        Route(
            200,
            {"Content-Type": "application/gzip"},
            gzip.compress(urlset(f"{base}/news/winter-hours.html")),
        ),
    )
    site.add_route(
        "/sitemaps/nested-index.xml",
        Route(200, xml, index(f"{base}/sitemaps/too-deep.xml")),
    )
    site.add_route("/sitemaps/too-deep.xml", Route(200, xml, urlset(f"{base}/too-deep.html")))

    async with crawler_for(site) as crawler:
        urls = await crawler.sitemap_urls()

    assert urls == [site.url("/faq.html"), site.url("/news/winter-hours.html")]
    assert "/sitemaps/too-deep.xml" not in site.requested_paths


async def test_broken_sitemap_gives_no_urls(site: LoopbackSite) -> None:
    site.add_route("/sitemap.xml", html_page("<html><body>Not a sitemap</body></html>"))
    async with crawler_for(site) as crawler:
        assert await crawler.sitemap_urls() == []


# -- politeness ---------------------------------------------------------------------------------


async def test_requests_to_one_host_are_spaced_by_the_delay(site: LoopbackSite) -> None:
    pages = ["/faq.html", "/visit/hours.html", "/visit/contact.html", "/about/team.html"]
    async with crawler_for(site, delay_s=0.2, concurrency_per_host=4) as crawler:
        await crawler.load_robots()
        results = await asyncio.gather(*(crawler.fetch(site.url(p)) for p in pages))
    assert all(r.ok for r in results)
    starts = [r.at for r in site.requests]
    assert len(starts) == 1 + len(pages)  # robots.txt, then the pages
    gaps = [later - earlier for earlier, later in zip(starts, starts[1:], strict=False)]
    # The gate spaces request starts by 0.2 s; a little slack for when the server sees them.
    assert min(gaps) >= 0.15, gaps


async def test_concurrency_per_host_limits_requests_in_flight(site: LoopbackSite) -> None:
    for n in range(3):
        site.add_route(
            f"/slow{n}.html", Route(200, {"Content-Type": "text/html"}, b"", delay_s=0.3)
        )

    async def fetch_all(concurrency: int) -> float:
        async with crawler_for(site, concurrency_per_host=concurrency) as crawler:
            await crawler.load_robots()
            started = time.monotonic()
            await asyncio.gather(*(crawler.fetch(site.url(f"/slow{n}.html")) for n in range(3)))
            return time.monotonic() - started

    assert await fetch_all(1) >= 0.85  # one at a time: three waits in a row
    assert await fetch_all(3) < 0.6  # all three at once


# -- the whole site, the way the crawl job uses these parts ------------------------------------


async def crawl_site(crawler: SiteCrawler, start: str) -> dict[str, FetchResult]:
    """Breadth-first crawl up to max_depth and max_pages, seeded with the sitemap."""
    results: dict[str, FetchResult] = {}
    seeds = dict.fromkeys([start, *await crawler.sitemap_urls()])
    frontier = [(url, 0) for url in seeds]
    queued = set(seeds)
    while frontier and len(results) < crawler.limits.max_pages:
        batch, frontier = frontier, []
        fetched = await asyncio.gather(*(crawler.fetch(url) for url, _ in batch))
        for (url, depth), result in zip(batch, fetched, strict=True):
            results[url] = result
            if depth >= crawler.limits.max_depth:
                continue
            for link in result.links:
                if link not in queued:
                    queued.add(link)
                    frontier.append((link, depth + 1))
    return results


async def test_whole_site_crawl(site: LoopbackSite) -> None:
    async with crawler_for(site) as crawler:
        results = await crawl_site(crawler, site.url("/"))

    ok_pages = {r.final_url for r in results.values() if r.ok}
    assert ok_pages == {site.url(path) for path in SITEMAP_PATHS} | {
        site.url("/files/price-list.pdf")
    }
    errors = {url: r.error for url, r in results.items() if not r.ok}
    assert errors == {site.url("/careers.html"): "HTTP 404 Not Found"}
    assert results[site.url("/old-services")].final_url == site.url("/services/")

    bodies = b"".join(r.body for r in results.values())
    assert str(FACTS["rota_secret"]).encode() not in bodies
    assert str(FACTS["winter_closed"]).encode() in bodies
    assert not any(path.startswith("/staff-only/") for path in site.requested_paths)
    # Each page is requested once, except /services/, also reached through /old-services.
    requested = Counter(site.requested_paths)
    assert requested["/robots.txt"] == requested["/sitemap.xml"] == 1
    assert {path for path, n in requested.items() if n > 1} == {"/services/"}
