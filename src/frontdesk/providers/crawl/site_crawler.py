"""Polite, same-site fetching of one business's website.

The crawl job keeps its frontier (pending and done URLs, depth) in the database so a crashed
job can resume; this module supplies the parts that touch the network: URL normalization, the
same-site rule, robots.txt, sitemaps, and `fetch`, which turns any per-page problem into a
`FetchResult` with an error the owner can read instead of raising.

Every request goes through `guarded_async_client`, so each connection (each redirect hop
included) is refused when it would reach a non-public address. Redirects are followed here,
one hop at a time, so that each hop is also checked for same-site and robots.txt.
"""

from __future__ import annotations

import asyncio
import logging
import mimetypes
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field, replace
from http import HTTPStatus
from types import TracebackType
from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser

import httpx

from frontdesk.errors import UnsafeURL
from frontdesk.providers.crawl.robots_sitemap import (
    parse_sitemap,
    robots_allow_all,
    robots_disallow_all,
    robots_from_text,
)
from frontdesk.providers.crawl.site_urls import html_links, normalize_url, site_key
from frontdesk.providers.crawl.ssrf import AddressRefused, guarded_async_client

logger = logging.getLogger(__name__)

MAX_REDIRECTS = 5
# A sitemap index may list many sitemaps; past this many the site is not "small" any more.
MAX_SITEMAP_FILES = 50

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
PAGE_TYPES = HTML_TYPES | {"application/pdf", "text/plain", "text/markdown"}

_REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})


@dataclass(frozen=True)
class CrawlLimits:
    """How much and how fast to crawl one site.

    `max_pages` and `max_depth` are enforced by the caller, which owns the frontier; the rest
    apply to every request this module makes.
    """

    max_pages: int = 200
    max_depth: int = 4
    concurrency_per_host: int = 4
    delay_s: float = 0.2  # politeness: minimum gap between request *starts* to one host
    timeout_s: float = 15.0
    max_bytes: int = 10 * 1024 * 1024
    user_agent: str = "FrontdeskBot/0.1 (+https://github.com/frontdesk)"


@dataclass
class FetchResult:
    """What fetching one URL gave: a body and its links, or an error the owner can read."""

    url: str
    final_url: str
    ok: bool
    content_type: str
    body: bytes
    links: list[str] = field(default_factory=list)
    error: str | None = None
    status_code: int | None = None


@dataclass(frozen=True)
class BrowserResponse:
    """What a page being rendered gets for one of its requests (see `fetch_for_browser`)."""

    status: int
    content_type: str
    body: bytes
    location: str | None = None


@dataclass
class _Refused(FetchResult):
    """A failed result whose cause is the address check, not the site."""


@dataclass(frozen=True)
class _Redirect:
    location: str
    status_code: int


def _failure(
    url: str, error: str, *, status_code: int | None = None, content_type: str = ""
) -> FetchResult:
    return FetchResult(
        url=url,
        final_url=url,
        ok=False,
        content_type=content_type,
        body=b"",
        error=error,
        status_code=status_code,
    )


def _content_type(response: httpx.Response, url: str) -> str:
    header = response.headers.get("content-type", "")
    media_type = header.split(";", 1)[0].strip().lower()
    if media_type:
        return media_type
    # No header at all: judge by the file name, as a browser would for a download.
    guessed, _ = mimetypes.guess_type(urlsplit(url).path)
    return guessed or "application/octet-stream"


def _describe_size(n: int) -> str:
    if n >= 1024 * 1024:
        return f"{n / (1024 * 1024):.3g} MB"
    if n >= 1024:
        return f"{n / 1024:.3g} KB"
    return f"{n} bytes"


def _status_text(response: httpx.Response) -> str:
    phrase = response.reason_phrase
    if not phrase:
        try:
            phrase = HTTPStatus(response.status_code).phrase
        except ValueError:
            phrase = ""
    return f"HTTP {response.status_code} {phrase}".strip()


class _HostGate:
    """Per-host politeness: at most N requests in flight, and starts spaced by a delay."""

    def __init__(self, concurrency: int, delay_s: float) -> None:
        self._slots = asyncio.Semaphore(max(1, concurrency))
        self._start_lock = asyncio.Lock()
        self._delay_s = delay_s
        self._next_start = 0.0

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        async with self._slots:
            # The lock makes waiting requests take turns, so each start is at least delay_s
            # after the previous one even when several are queued at once.
            async with self._start_lock:
                loop = asyncio.get_running_loop()
                wait = self._next_start - loop.time()
                if wait > 0:
                    await asyncio.sleep(wait)
                self._next_start = loop.time() + self._delay_s
            yield


class SiteCrawler:
    """Fetches pages of one website politely; use as `async with SiteCrawler(...) as crawler`."""

    def __init__(self, start_url: str, limits: CrawlLimits, allowed_hosts: Iterable[str]) -> None:
        start = normalize_url(start_url)
        if start is None:
            raise UnsafeURL(f"{start_url!r} is not an http:// or https:// website address.")
        self.start_url = start
        self.limits = limits
        self._allowed_hosts = tuple(allowed_hosts)
        parts = urlsplit(start)
        self._origin = f"{parts.scheme}://{parts.netloc}"
        self._site = site_key(start)
        self._client: httpx.AsyncClient | None = None
        self._gates: dict[str, _HostGate] = {}
        self._robots: RobotFileParser | None = None
        self._robots_error: str | None = None
        self._robots_lock = asyncio.Lock()

    async def __aenter__(self) -> SiteCrawler:
        self._client = guarded_async_client(
            self._allowed_hosts, timeout=self.limits.timeout_s, user_agent=self.limits.user_agent
        )
        await self._client.__aenter__()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        client, self._client = self._client, None
        if client is not None:
            await client.__aexit__(exc_type, exc, tb)

    # -- URLs ---------------------------------------------------------------------------------

    def normalize(self, url: str, base: str | None = None) -> str | None:
        """The canonical absolute form of `url` (see `normalize_url`), or None if not http(s)."""
        return normalize_url(url, base)

    def is_same_site(self, url: str) -> bool:
        """True when `url` is on the start URL's host; "www." and the bare domain are one site."""
        return site_key(url) == self._site

    # -- robots.txt and sitemaps --------------------------------------------------------------

    async def load_robots(self) -> None:
        """Fetch and parse /robots.txt of the start URL's host.

        A missing file (any 4xx) allows everything. A server error or an unreachable site
        disallows everything, as RFC 9309 asks, and the reason is kept for the fetch errors.
        """
        result = await self._follow(f"{self._origin}/robots.txt", accept=None, obey_robots=False)
        if result.ok:
            self._robots = robots_from_text(result.body.decode("utf-8", errors="replace"))
            self._robots_error = None
        elif result.status_code is not None and 400 <= result.status_code < 500:
            self._robots = robots_allow_all()
            self._robots_error = None
        elif isinstance(result, _Refused):
            # No request to this host may be made at all, so robots.txt has nothing to guard;
            # letting pages through means each one reports the refusal in its own words.
            self._robots = robots_allow_all()
            self._robots_error = None
        else:
            self._robots = robots_disallow_all()
            self._robots_error = result.error
            logger.info("robots.txt of %s unavailable: %s", self._origin, result.error)

    async def _ensure_robots(self) -> None:
        async with self._robots_lock:
            if self._robots is None:
                await self.load_robots()

    def allowed_by_robots(self, url: str) -> bool:
        """Whether robots.txt lets our user agent fetch `url`; call after `load_robots`.

        `fetch` and `sitemap_urls` load robots.txt themselves on first use.
        """
        if self._robots is None:
            raise RuntimeError("robots.txt is not loaded yet; await load_robots() first")
        return self._robots.can_fetch(self.limits.user_agent, url)

    def _robots_refusal(self) -> str:
        if self._robots_error:
            return f"blocked because robots.txt could not be read ({self._robots_error})"
        return "blocked by robots.txt"

    async def sitemap_urls(self) -> list[str]:
        """Page URLs the site's sitemaps list: same-site, normalized, allowed by robots.txt.

        Sitemaps come from the `Sitemap:` lines of robots.txt, else /sitemap.xml; a sitemap
        index is followed one level deep. A missing or broken sitemap gives [].
        """
        await self._ensure_robots()
        assert self._robots is not None
        declared = [normalize_url(s) for s in self._robots.site_maps() or []]
        queue = [(s, 0) for s in declared if s is not None and self.is_same_site(s)]
        if not queue:
            queue = [(f"{self._origin}/sitemap.xml", 0)]

        pages: list[str] = []
        seen_pages: set[str] = set()
        read: set[str] = set()
        while queue and len(read) < MAX_SITEMAP_FILES:
            sitemap_url, depth = queue.pop(0)
            if sitemap_url in read:
                continue
            read.add(sitemap_url)
            # Sitemaps are not pages, so robots.txt does not gate them (it names them itself);
            # the pages they list are checked below.
            result = await self._follow(sitemap_url, accept=None, obey_robots=False)
            if not result.ok:
                logger.info("sitemap %s skipped: %s", sitemap_url, result.error)
                continue
            try:
                sitemap = parse_sitemap(result.body, max_bytes=self.limits.max_bytes)
            except (ValueError, OSError) as exc:
                logger.info("sitemap %s skipped: %s", sitemap_url, exc)
                continue
            for location in sitemap.locations:
                url = normalize_url(location, base=result.final_url)
                if url is None or not self.is_same_site(url):
                    continue
                if sitemap.is_index:
                    if depth == 0:
                        queue.append((url, 1))
                elif url not in seen_pages and self.allowed_by_robots(url):
                    seen_pages.add(url)
                    pages.append(url)
        return pages

    # -- fetching -----------------------------------------------------------------------------

    async def fetch(self, url: str) -> FetchResult:
        """Fetch one page of the site; every per-page problem comes back as `error`, never raised.

        Checks robots.txt before any request, follows up to five redirects (each hop must stay
        on the site and be allowed by robots.txt; each connection is address-checked), and
        accepts HTML, XHTML, PDF, plain text and Markdown up to `max_bytes`.
        """
        asked = normalize_url(url)
        if asked is None:
            return _failure(url, "not a web page address (only http and https links are crawled)")
        if not self.is_same_site(asked):
            return _failure(asked, f"on another site ({asked})")
        await self._ensure_robots()
        result = await self._follow(asked, accept=PAGE_TYPES, obey_robots=True)
        if result.ok and result.content_type in HTML_TYPES:
            result.links = self.page_links(result.body, result.final_url)
        return result

    def page_links(self, body: bytes, page_url: str) -> list[str]:
        """The links of an HTML page (e.g. one rendered in a browser) the crawl may follow."""
        return [
            link
            for link in html_links(body, page_url)
            if self.is_same_site(link) and self.allowed_by_robots(link)
        ]

    async def fetch_for_browser(self, url: str) -> BrowserResponse | None:
        """One request of a page rendered in a browser, made by this crawler instead.

        Only the site's own URLs are fetched, through the same address-checked client, size
        cap and politeness as pages, so a script cannot reach anything the crawler may not.
        A redirect is handed back unfollowed (the browser asks again for its target, and that
        request is checked in turn). None means refused or failed: the browser's request is
        aborted.
        """
        asked = normalize_url(url)
        if asked is None or not self.is_same_site(asked):
            return None
        outcome = await self._request(asked, accept=None)
        if isinstance(outcome, _Redirect):
            return BrowserResponse(outcome.status_code, "", b"", location=outcome.location)
        if isinstance(outcome, _Refused) or outcome.status_code is None:
            return None
        if not outcome.ok and outcome.error and outcome.error.startswith("too large"):
            return None
        return BrowserResponse(outcome.status_code, outcome.content_type, outcome.body)

    async def _follow(
        self, url: str, *, accept: frozenset[str] | None, obey_robots: bool
    ) -> FetchResult:
        current = url
        visited = {url}
        for _ in range(MAX_REDIRECTS + 1):
            if obey_robots and not self.allowed_by_robots(current):
                return replace(_failure(url, self._robots_refusal()), final_url=current)
            outcome = await self._request(current, accept=accept)
            if isinstance(outcome, FetchResult):
                return replace(outcome, url=url)
            target = normalize_url(outcome.location, base=current)
            if target is None:
                error = f"redirects to an address that is not a web page ({outcome.location})"
            elif not self.is_same_site(target):
                error = f"redirects to another site ({target})"
            elif target in visited:
                error = f"redirect loop ({target})"
            else:
                visited.add(target)
                current = target
                continue
            failure = _failure(url, error, status_code=outcome.status_code)
            return replace(failure, final_url=current)
        return replace(
            _failure(url, f"too many redirects (more than {MAX_REDIRECTS})"), final_url=current
        )

    def _gate(self, url: str) -> _HostGate:
        host = urlsplit(url).hostname or ""
        gate = self._gates.get(host)
        if gate is None:
            gate = _HostGate(self.limits.concurrency_per_host, self.limits.delay_s)
            self._gates[host] = gate
        return gate

    async def _request(self, url: str, *, accept: frozenset[str] | None) -> FetchResult | _Redirect:
        """One GET without following redirects; network problems become a failed result."""
        if self._client is None:
            raise RuntimeError("use `async with SiteCrawler(...)` before fetching")
        timeout = self.limits.timeout_s
        # httpx's timeout is per read; a server that trickles bytes could hold a request for
        # hours, so one request as a whole gets a generous overall deadline too.
        overall = max(60.0, 4 * timeout)
        try:
            # The deadline starts once the politeness gate lets the request through, so time
            # spent queueing behind other requests to the host does not count against it.
            async with (
                self._gate(url).slot(),
                asyncio.timeout(overall),
                self._client.stream("GET", url) as response,
            ):
                return await self._read(url, response, accept)
        except AddressRefused as exc:
            return _Refused(
                url=url, final_url=url, ok=False, content_type="", body=b"", error=str(exc.detail)
            )
        except httpx.TimeoutException:
            return _failure(url, f"timed out after {timeout:g} s")
        except TimeoutError:
            return _failure(url, f"took longer than {overall:g} s")
        except httpx.ConnectError as exc:
            host = urlsplit(url).netloc
            return _failure(url, f"could not connect to {host} ({exc or 'connection failed'})")
        except (httpx.HTTPError, httpx.InvalidURL) as exc:
            return _failure(url, f"the request failed ({exc or type(exc).__name__})")

    async def _read(
        self, url: str, response: httpx.Response, accept: frozenset[str] | None
    ) -> FetchResult | _Redirect:
        status = response.status_code
        if status in _REDIRECT_STATUSES:
            location = response.headers.get("location")
            if not location:
                return _failure(
                    url, f"{_status_text(response)} without a Location header", status_code=status
                )
            return _Redirect(location, status)
        if not 200 <= status < 300:
            return _failure(url, _status_text(response), status_code=status)
        content_type = _content_type(response, url)
        if accept is not None and content_type not in accept:
            # Decided from the headers alone: an image or a video is never downloaded.
            return _failure(
                url,
                f"unsupported content type {content_type}",
                status_code=status,
                content_type=content_type,
            )
        too_large = _failure(
            url,
            f"too large (over {_describe_size(self.limits.max_bytes)})",
            status_code=status,
            content_type=content_type,
        )
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.limits.max_bytes:
            return too_large
        body = bytearray()
        # Counted while streaming too: the length header can be absent (chunked) or wrong,
        # and a compressed body can be far larger once decoded.
        async for chunk in response.aiter_bytes():
            body += chunk
            if len(body) > self.limits.max_bytes:
                return too_large
        return FetchResult(
            url=url,
            final_url=url,
            ok=True,
            content_type=content_type,
            body=bytes(body),
            status_code=status,
        )
