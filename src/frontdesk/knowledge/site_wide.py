"""What a website says on every page, kept once per site.

The header, the footer and the contact block (hours, address, phone) repeat on every page of
a small business's site. Dropping them loses the facts callers ask about most; indexing them
with every page fills retrieval with copies that crowd out the page that answers. So a crawl
keeps them once:

* the page's header and footer (`ParsedDocument.site_sections`, see html_reader.py) and the
  business's schema.org data become "Site-wide information" chunks whose ids come from their
  content. Every page that carries the same footer upserts the same ids, so the footer is
  stored once, whichever page was read first; a crawl that resumes after a crash writes the
  same ids again instead of duplicates, and a re-crawl's new generation replaces them with
  the rest of the source.
* paragraphs of the page's own content that another page of the crawl already had (a
  contact block written into every page body) are left out of the later pages.
"""

from __future__ import annotations

import hashlib

from frontdesk.knowledge.documents import ParsedDocument, Section
from frontdesk.knowledge.text_chunks import Chunk, chunk_document

__all__ = ["SITE_WIDE_TITLE", "RepeatFilter", "site_chunks"]

SITE_WIDE_TITLE = "Site-wide information"
# A paragraph this long is the same text wherever it appears; a shorter one ("Closed",
# "$12") only repeats when the heading above it is the same too.
_SELF_CONTAINED_CHARS = 40


def _digest(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:24]


def site_chunks(sections: list[Section], *, source_id: str, generation: int) -> list[Chunk]:
    """Chunks of a page's site-wide sections, with ids that depend only on their content."""
    title = SITE_WIDE_TITLE
    chunks: list[Chunk] = []
    for section in sections:
        if not section.text.strip():
            continue
        key = _digest(*section.headings, section.text)
        doc = ParsedDocument(title=title, sections=[section])
        chunks += chunk_document(doc, namespace=f"{source_id}:{generation}:site:{key}")
    return chunks


class RepeatFilter:
    """Remembers the paragraphs of the pages read so far in one crawl."""

    def __init__(self) -> None:
        self._first_seen: dict[str, str] = {}

    def _key(self, headings: list[str], paragraph: str) -> str:
        if len(paragraph) >= _SELF_CONTAINED_CHARS:
            return _digest(paragraph)
        return _digest(headings[-1] if headings else "", paragraph)

    def without_repeats(self, doc: ParsedDocument, url: str) -> ParsedDocument:
        """`doc` without the paragraphs another page of the site already had."""
        sections = []
        for section in doc.sections:
            kept = []
            for paragraph in section.text.split("\n\n"):
                key = self._key(section.headings, paragraph.strip())
                if self._first_seen.setdefault(key, url) == url:
                    kept.append(paragraph)
            if kept:
                sections.append(Section(headings=section.headings, text="\n\n".join(kept)))
        return ParsedDocument(doc.title, sections, doc.site_sections)
