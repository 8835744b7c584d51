"""URLs of one website: one spelling per page, the same-site rule, and links found in HTML.

No network here; `site_crawler.py` uses these to decide what to fetch next.
"""

from __future__ import annotations

import re
from urllib.parse import quote, urljoin, urlsplit, urlunsplit

import lxml.html
from lxml import etree

_DEFAULT_PORTS = {"http": 80, "https": 443}
# Characters left as they are when re-quoting; "%" keeps existing escapes intact, so quoting
# an already-normalized URL changes nothing.
_PATH_SAFE = "/:@!$&'()*+,;=%~"
_QUERY_SAFE = _PATH_SAFE + "?"
# Browsers drop tabs and newlines inside URLs; hand-written HTML has them.
_URL_WHITESPACE = re.compile(r"[\t\r\n]")


def _remove_dot_segments(path: str) -> str:
    """Resolve "." and ".." in an absolute path (RFC 3986 section 5.2.4)."""
    if "." not in path:
        return path
    segments = path.split("/")[1:]
    kept: list[str] = []
    for segment in segments:
        if segment == "..":
            if kept:
                kept.pop()
        elif segment != ".":
            kept.append(segment)
    if segments and segments[-1] in (".", ".."):
        kept.append("")  # "/a/b/.." names the folder "/a/", trailing slash included
    return "/" + "/".join(kept)


def normalize_url(url: str, base: str | None = None) -> str | None:
    """One spelling per page, so the frontier never holds the same page twice.

    Absolute; scheme and host lowercase; default port dropped; fragment dropped; "." and ".."
    resolved; empty path becomes "/"; the query is kept. None for anything that is not an
    http(s) URL (mailto:, tel:, javascript:, ftp:, no host, a bad port).
    """
    url = _URL_WHITESPACE.sub("", url.strip())
    if base is not None:
        url = urljoin(base, url)
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    host = parts.hostname
    if scheme not in _DEFAULT_PORTS or not host:
        return None
    if ":" in host:
        host = f"[{host}]"
    netloc = host if port is None or port == _DEFAULT_PORTS[scheme] else f"{host}:{port}"
    path = quote(_remove_dot_segments(parts.path) or "/", safe=_PATH_SAFE)
    query = quote(parts.query, safe=_QUERY_SAFE)
    return urlunsplit((scheme, netloc, path, query, ""))


def site_key(url: str) -> str | None:
    """What two URLs must share to be on one site: the host, without a leading "www."."""
    normalized = normalize_url(url)
    host = urlsplit(normalized).hostname if normalized else None
    if not host:
        return None
    return host.rstrip(".").removeprefix("www.")


def html_links(body: bytes, page_url: str) -> list[str]:
    """Every `<a href>` of an HTML page as a normalized absolute URL, in page order, once each.

    Relative links resolve against `<base href>` when the page has one, else `page_url`.
    Links that are not http(s) (mailto:, tel:, javascript:) are left out; which of the rest
    to follow is the caller's decision.
    """
    try:
        document = lxml.html.document_fromstring(body)
    except (etree.ParserError, ValueError):
        return []  # empty or unparseable: a page without links, not a failed fetch
    base = page_url
    for element in document.iter("base"):
        href = element.get("href")
        if href and href.strip():
            base = urljoin(page_url, href.strip())
            break
    links: list[str] = []
    seen: set[str] = set()
    for anchor in document.iter("a"):
        href = anchor.get("href")
        link = normalize_url(href, base=base) if href else None
        if link is not None and link not in seen:
            seen.add(link)
            links.append(link)
    return links
