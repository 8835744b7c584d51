"""The shape every source of knowledge is reduced to before chunking.

A crawled HTML page, a PDF, a DOCX, a Markdown file and pasted text all become a
`ParsedDocument`: a title and a list of sections, each with the headings above it. Keeping the
heading path lets the chunker write "title › heading › text" into every chunk, which is what
lets a short chunk about "Prices" still be found by a question about the business's prices.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(slots=True)
class Section:
    """A run of text under one heading path (outermost heading first; may be empty)."""

    headings: list[str]
    text: str


@dataclass(slots=True)
class ParsedDocument:
    """What a parser or the HTML extractor produced from one page or file.

    `site_sections` holds what a web page shares with the rest of its site (its header and
    footer, the business's structured data): a crawl stores those once per site, and a
    document read on its own folds them back in with `standalone()`.
    """

    title: str
    sections: list[Section] = field(default_factory=list)
    site_sections: list[Section] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n\n".join(s.text for s in self.sections if s.text.strip())

    def is_empty(self) -> bool:
        return not any(s.text.strip() for s in (*self.sections, *self.site_sections))

    def standalone(self) -> ParsedDocument:
        """The document with its site-wide sections after its own, for reading it alone."""
        return ParsedDocument(self.title, [*self.sections, *self.site_sections])
