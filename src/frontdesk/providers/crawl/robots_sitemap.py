"""Reading robots.txt and sitemaps: the parts of a polite crawl that involve no network.

The crawler fetches the files; these functions turn their bytes into answers. Kept apart from
`site_crawler.py` so each can be read on its own.
"""

from __future__ import annotations

import gzip
import io
from dataclasses import dataclass, field
from urllib.robotparser import RobotFileParser

from lxml import etree

# The sitemap protocol caps one file at 50,000 URLs; more is a broken or hostile sitemap.
MAX_SITEMAP_URLS = 50_000


def robots_from_text(text: str) -> RobotFileParser:
    """A parser for a robots.txt body that was fetched successfully."""
    parser = RobotFileParser()
    parser.parse(text.splitlines())
    return parser


def robots_allow_all() -> RobotFileParser:
    """What a missing robots.txt (404, 410, any 4xx) means: everything may be crawled."""
    return robots_from_text("")


def robots_disallow_all() -> RobotFileParser:
    """What an unreachable robots.txt (5xx, network error) means under RFC 9309: crawl nothing."""
    return robots_from_text("User-agent: *\nDisallow: /\n")


@dataclass
class Sitemap:
    """One parsed sitemap file: page URLs, or (for a sitemap index) more sitemaps to read."""

    is_index: bool = False
    locations: list[str] = field(default_factory=list)


def _local_name(tag: object) -> str:
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def _maybe_gunzip(body: bytes, max_bytes: int) -> bytes:
    # Sitemaps are often served as .xml.gz. Read at most max_bytes + 1 so a small compressed
    # file cannot expand into gigabytes in memory.
    if not body.startswith(b"\x1f\x8b"):
        return body
    with gzip.GzipFile(fileobj=io.BytesIO(body)) as unzipped:
        data = unzipped.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise ValueError("compressed sitemap expands past the size limit")
    return data


def parse_sitemap(body: bytes, *, max_bytes: int) -> Sitemap:
    """Parse an XML sitemap or sitemap index (optionally gzipped), or a plain-text URL list.

    Raises `ValueError` when the body is none of these.
    """
    data = _maybe_gunzip(body, max_bytes)
    stripped = data.lstrip()
    if not stripped.startswith(b"<"):
        # The protocol also allows a text file with one URL per line.
        lines = data.decode("utf-8", errors="replace").splitlines()
        urls = [line.strip() for line in lines if line.strip().startswith(("http://", "https://"))]
        return Sitemap(is_index=False, locations=urls[:MAX_SITEMAP_URLS])

    # Sitemaps come from the site being crawled: no entity expansion, no network lookups.
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = etree.fromstring(stripped, parser=parser)
    except etree.XMLSyntaxError as exc:
        raise ValueError(f"not a valid sitemap: {exc}") from exc
    kind = _local_name(root.tag)
    if kind not in ("urlset", "sitemapindex"):
        raise ValueError(f"not a sitemap (root element <{kind}>)")
    child = "sitemap" if kind == "sitemapindex" else "url"
    locations: list[str] = []
    for entry in root:
        if _local_name(entry.tag) != child:
            continue
        for loc in entry:
            if _local_name(loc.tag) == "loc" and loc.text and loc.text.strip():
                locations.append(loc.text.strip())
        if len(locations) >= MAX_SITEMAP_URLS:
            break
    return Sitemap(is_index=kind == "sitemapindex", locations=locations)
