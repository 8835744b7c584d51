"""Pages that build their content with JavaScript, read through headless Chromium.

Some sites (React, Vue and site-builder exports) send an empty `<div id="root">` and a
script; the words only exist once the script runs. When a fetched page carries little text
but scripts, the crawl renders it in Debian's Chromium (driven by Playwright, never a
downloaded browser) and reads the rendered DOM instead.

A page's scripts must not become a way around the crawler's address guard, so the browser
makes no request of its own: every request is routed to `SiteCrawler.fetch_for_browser`,
which fetches only the site's own URLs through the address-checked client (anything else is
aborted), and WebSockets, downloads and service workers are refused. A render gets
`RENDER_TIMEOUT_S` in all and at most `MAX_RENDER_BYTES` of responses.

Without Chromium, the page is read as it is and the source carries `BROWSER_NEEDED`, a
note that tells the owner how to install one.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import re
from pathlib import Path
from types import TracebackType
from typing import Any

from lxml import etree
from lxml import html as lxml_html

from frontdesk.providers.crawl.site_crawler import SiteCrawler
from frontdesk.providers.crawl.site_urls import normalize_url

log = logging.getLogger(__name__)

__all__ = [
    "BROWSER_NEEDED",
    "MAX_RENDER_BYTES",
    "RENDER_TIMEOUT_S",
    "PageRenderer",
    "find_chromium",
    "needs_browser",
    "script_targets",
]

RENDER_TIMEOUT_S = 15.0
MAX_RENDER_BYTES = 20 * 1024 * 1024
# After the load event, how long to wait for the page's own requests (its data) to settle.
_SETTLE_S = 4.0
BROWSER_NEEDED = (
    "This page builds (part of) its content with JavaScript, and Frontdesk found no Chromium "
    "to run it, so only the text in its HTML was read. Install Chromium on the server "
    "(Debian/Ubuntu: apt-get install chromium) or set FRONTDESK_CHROMIUM to its path, then "
    "re-crawl the website."
)
# Less visible text than this, with scripts, is a shell that a script fills in.
_SHELL_MAX_CHARS = 200
_SCRIPT_MIN_CHARS = 200
_SPACE = re.compile(r"\s+")


def find_chromium(setting: str) -> str | None:
    """The Chromium binary to render with: the setting's path (FRONTDESK_CHROMIUM), when it
    is an executable file; None when there is none ("" turns rendering off)."""
    if not setting.strip():
        return None
    path = Path(setting.strip())
    return str(path) if path.is_file() and os.access(path, os.X_OK) else None


def needs_browser(body: bytes) -> bool:
    """Whether an HTML page is a script-filled shell: little visible text, but scripts."""
    try:
        tree = lxml_html.document_fromstring(body)
    except (etree.ParserError, ValueError):
        return False
    scripts = [
        s
        for s in tree.iter("script")
        if (s.get("type") or "text/javascript").split(";")[0].strip().lower()
        in ("text/javascript", "module", "application/javascript", "")
    ]
    if not scripts:
        return False
    inline = sum(len(s.text or "") for s in scripts)
    if not any(s.get("src") for s in scripts) and inline < _SCRIPT_MIN_CHARS:
        return False
    body_element = tree.find("body")
    if body_element is None:
        return True
    hidden = ("script", "style", "noscript", "template", "svg")
    text = "".join(
        (e.text or "") + (e.tail or "")
        if e.tag not in hidden and isinstance(e.tag, str)
        else (e.tail or "")
        for e in body_element.iter()
    )
    return len(_SPACE.sub("", text)) < _SHELL_MAX_CHARS


_CONTAINERS = frozenset(
    {"div", "section", "main", "article", "aside", "ul", "ol", "table", "tbody", "dl", "p"}
)
# Empty placeholders that scripts fill with something other than the business's words.
_NOT_CONTENT = re.compile(
    r"map|captcha|fb-root|gtm|analytics|cookie|consent|pixel|chat|intercom|hubspot|"
    r"(?:^|[-_])ads?(?:$|[-_])|tracking|modal|overlay|toast|portal",
    re.IGNORECASE,
)
_MAX_SCRIPTS_CHECKED = 8


def _filled_by(ident: str, script: str) -> bool:
    """Whether script text refers to the element id `ident` (getElementById, a selector)."""
    return re.search(r"[\"'#]" + re.escape(ident) + r"[\"'\s\]),.:>]", script) is not None


def script_targets(body: bytes, page_url: str) -> tuple[list[str], list[str], str]:
    """What a page's scripts could be writing into: the ids of its empty content containers,
    the site's own script URLs, and its inline script text.

    A page can have plenty of text and still leave today's specials or the team to a script
    that fills an empty `<section id=…>`; `needs_browser` alone would not notice.
    """
    try:
        tree = lxml_html.document_fromstring(body)
    except (etree.ParserError, ValueError):
        return [], [], ""
    empty = [
        e.get("id")
        for e in tree.iter()
        if isinstance(e.tag, str)
        and e.tag in _CONTAINERS
        and e.get("id")
        and not _NOT_CONTENT.search(e.get("id") or "")
        and not e.text_content().strip()
        and not any(isinstance(c.tag, str) and c.tag not in ("br",) for c in e)
    ]
    if not empty:
        return [], [], ""
    sources, inline = [], []
    for script in tree.iter("script"):
        kind = (script.get("type") or "text/javascript").split(";")[0].strip().lower()
        if kind not in ("text/javascript", "module", "application/javascript", ""):
            continue
        if script.get("src"):
            url = normalize_url(script.get("src") or "", base=page_url)
            if url is not None:
                sources.append(url)
        else:
            inline.append(script.text or "")
    return [i for i in empty if i], sources[:_MAX_SCRIPTS_CHECKED], "\n".join(inline)


class PageRenderer:
    """Renders pages of one crawl in one headless Chromium, started on first use.

    Use as `async with PageRenderer(crawler, chromium_path) as renderer`; `available` says
    whether a browser can be used at all.
    """

    def __init__(self, crawler: SiteCrawler, chromium: str | None) -> None:
        self._crawler = crawler
        self._chromium = chromium
        self._playwright: Any = None
        self._browser: Any = None
        self._lock = asyncio.Lock()
        self._broken: str | None = None
        self._scripts: dict[str, str] = {}

    @property
    def available(self) -> bool:
        return self._chromium is not None and self._broken is None

    async def needs_render(self, url: str, body: bytes) -> bool:
        """Whether the page is a script-filled shell, or a script of the site's own fills
        one of its empty content containers (the site's scripts are fetched to see, each
        once per crawl)."""
        if needs_browser(body):
            return True
        ids, sources, inline = script_targets(body, url)
        if not ids:
            return False
        if any(_filled_by(i, inline) for i in ids):
            return True
        for source in sources:
            if source not in self._scripts:
                response = await self._crawler.fetch_for_browser(source)
                text = ""
                if response is not None and response.status == 200:
                    text = response.body[:2_000_000].decode("utf-8", "replace")
                self._scripts[source] = text
            if any(_filled_by(i, self._scripts[source]) for i in ids):
                return True
        return False

    async def __aenter__(self) -> PageRenderer:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        browser, playwright = self._browser, self._playwright
        self._browser = self._playwright = None
        if browser is not None:
            try:
                await browser.close()
            except Exception:  # noqa: BLE001 - a browser that died is closed already
                log.debug("closing Chromium failed", exc_info=True)
        if playwright is not None:
            await playwright.stop()

    async def _launch(self) -> Any:
        async with self._lock:
            if self._browser is None:
                from playwright.async_api import async_playwright

                self._playwright = await async_playwright().start()
                self._browser = await self._playwright.chromium.launch(
                    executable_path=self._chromium,
                    headless=True,
                    # Containers forbid the namespaces Chromium's sandbox needs; the page can
                    # reach nothing but the site itself anyway (module docstring).
                    args=["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"],
                )
            return self._browser

    async def render(self, url: str, body: bytes) -> tuple[bytes | None, str | None]:
        """The page's HTML after its scripts ran, or (None, why) when it could not be had.

        `body` is what the crawler already fetched for `url`; the browser gets it instead
        of fetching the page a second time.
        """
        if not self.available:
            return None, BROWSER_NEEDED
        try:
            browser = await self._launch()
        except Exception as exc:  # noqa: BLE001 - a broken install must not fail the crawl
            self._broken = f"Chromium at {self._chromium} could not be started ({exc})"
            log.warning("%s", self._broken)
            return None, f"{BROWSER_NEEDED} ({self._broken})"
        context = await browser.new_context(
            accept_downloads=False,
            service_workers="block",
            user_agent=self._crawler.limits.user_agent,
        )
        received = 0
        page_url = normalize_url(url)

        async def handle(route: Any) -> None:
            nonlocal received
            request = route.request
            try:
                if request.method not in ("GET", "HEAD"):
                    await route.abort("blockedbyclient")
                    return
                if request.is_navigation_request() and normalize_url(request.url) == page_url:
                    await route.fulfill(status=200, content_type="text/html", body=body)
                    return
                response = await self._crawler.fetch_for_browser(request.url)
                if response is None or received + len(response.body) > MAX_RENDER_BYTES:
                    await route.abort("blockedbyclient")
                    return
                received += len(response.body)
                headers = {"location": response.location} if response.location else {}
                if response.content_type:
                    headers["content-type"] = response.content_type
                await route.fulfill(status=response.status, headers=headers, body=response.body)
            except Exception:  # noqa: BLE001 - a page closing mid-request aborts its routes
                log.debug("routing %s failed", request.url, exc_info=True)

        try:
            await context.route("**/*", handle)
            await context.route_web_socket("**/*", lambda socket: socket.close())
            page = await context.new_page()
            async with asyncio.timeout(RENDER_TIMEOUT_S):
                await page.goto(url, wait_until="load")
                # A page that keeps polling never goes idle; it is read as it is by then.
                with contextlib.suppress(Exception):
                    await page.wait_for_load_state("networkidle", timeout=_SETTLE_S * 1000)
                html = await page.content()
        except TimeoutError:
            return None, f"the page did not finish rendering within {RENDER_TIMEOUT_S:g} s"
        except Exception as exc:  # noqa: BLE001 - any browser failure is this page's alone
            return None, f"the page could not be rendered in Chromium ({exc})"
        finally:
            try:
                await context.close()
            except Exception:  # noqa: BLE001
                log.debug("closing a browser context failed", exc_info=True)
        return html.encode("utf-8"), None
