"""The text of a web page (or a Markdown file) as a `ParsedDocument` with heading paths.

Web pages are read in full by html_reader.py, not by a main-text extractor: on the pages
small businesses have, trafilatura's idea of boilerplate (card headings, footers, short
blocks) held the facts a receptionist is asked about, and a lost fact costs more than a
little noise. trafilatura still names the page (its metadata reader), and schema.org data
becomes text in structured_data.py.
"""

from __future__ import annotations

import codecs
import re
from typing import Any

import trafilatura
from lxml import etree
from lxml import html as lxml_html

from frontdesk.knowledge.documents import ParsedDocument, Section
from frontdesk.knowledge.html_reader import read_page
from frontdesk.knowledge.structured_data import structured_data_sections

__all__ = [
    "SectionBuilder",
    "normalize_inline",
    "extract_html",
    "markdown_title",
    "sections_from_markdown",
]

# Headings deeper than this are treated as bold text: they rarely name a topic a caller asks
# about, and deep paths make the context line of every chunk long.
MAX_HEADING_LEVEL = 4


class SectionBuilder:
    """Collects paragraphs under the current heading path as a document is read in order.

    Shared by the Markdown, HTML-fallback and DOCX readers so that they build heading paths
    the same way: a heading of level n closes every open heading of level n or deeper.
    """

    def __init__(self) -> None:
        self._path: list[tuple[int, str]] = []
        self._paragraphs: list[str] = []
        self._sections: list[Section] = []
        self._seen_headings: list[str] = []

    def heading(self, level: int, text: str) -> None:
        """Start a new section under `text`, a heading of `level` (1 is outermost)."""
        text = normalize_inline(text)
        if not text:
            return
        self._flush()
        while self._path and self._path[-1][0] >= level:
            self._path.pop()
        self._path.append((level, text))
        self._seen_headings.append(text)

    def paragraph(self, text: str) -> None:
        """Add a block of text (a paragraph, a list, a table row) to the current section."""
        text = text.strip()
        if text:
            self._paragraphs.append(text)

    def finish(self) -> list[Section]:
        """Return the sections; call once, after the last heading or paragraph."""
        self._flush()
        if not self._sections and self._seen_headings:
            # A page that is nothing but headings ("Closed for renovation") still says something.
            self._sections.append(Section(headings=[], text="\n\n".join(self._seen_headings)))
        return self._sections

    def _flush(self) -> None:
        if self._paragraphs:
            headings = [text for _, text in self._path]
            self._sections.append(Section(headings=headings, text="\n\n".join(self._paragraphs)))
            self._paragraphs = []


def normalize_inline(text: str) -> str:
    """Collapse every run of whitespace (non-breaking spaces included) into one space."""
    return re.sub(r"\s+", " ", text.replace("\u00a0", " ")).strip()


# --- Markdown -----------------------------------------------------------------------------

_ATX_HEADING = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
_FENCE = re.compile(r"^ {0,3}(```|~~~)")
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?\s*$")
_THEMATIC_BREAK = re.compile(r"^ {0,3}(?:(?:-\s*){3,}|(?:\*\s*){3,}|(?:_\s*){3,})$")
_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
_STRONG = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_EMPHASIS = re.compile(r"(?<![\w*])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![\w*])")
_HTML_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)
_FRONT_MATTER_TITLE = re.compile(r"^title:[ \t]*(.+?)[ \t]*$", re.MULTILINE)


def _clean_markdown_line(line: str) -> str:
    # Link targets and emphasis markers are noise to the embedder and to keyword search.
    line = _IMAGE.sub(r"\1", line)
    line = _LINK.sub(r"\1", line)
    line = _STRONG.sub(r"\2", line)
    line = _EMPHASIS.sub(r"\1", line)
    stripped = line.strip()
    if stripped.startswith("|") and stripped.endswith("|"):
        # Table rows read "cell | cell", the same shape the DOCX reader gives tables.
        cells = [cell.strip() for cell in stripped.strip("|").split("|")]
        return " | ".join(cell for cell in cells if cell)
    return line.rstrip()


def _split_front_matter(md: str) -> tuple[str, str]:
    match = _FRONT_MATTER.match(md)
    if not match:
        return "", md
    return match.group(1), md[match.end() :]


def markdown_title(md: str) -> str | None:
    """The title a Markdown file gives itself: front-matter `title:` or the first `# ` heading."""
    md = md.replace("\r\n", "\n")
    front, body = _split_front_matter(md)
    match = _FRONT_MATTER_TITLE.search(front)
    if match:
        title = match.group(1).strip().strip("'\"").strip()
        if title:
            return title
    in_fence = False
    for line in body.split("\n"):
        if _FENCE.match(line):
            in_fence = not in_fence
            continue
        heading = _ATX_HEADING.match(line)
        if not in_fence and heading and len(heading.group(1)) == 1 and heading.group(2):
            return normalize_inline(_clean_markdown_line(heading.group(2))) or None
    return None


def sections_from_markdown(md: str) -> list[Section]:
    """Split Markdown into sections: ATX headings `#`..`####` set the heading path.

    Front matter, table rules and thematic breaks are dropped; link targets and emphasis
    markers are removed; `#####` and deeper headings stay in the text as plain lines.
    """
    md = _HTML_COMMENT.sub("", md.replace("\r\n", "\n").replace("\r", "\n"))
    _, md = _split_front_matter(md)
    builder = SectionBuilder()
    block: list[str] = []
    in_fence = False

    def end_block() -> None:
        builder.paragraph("\n".join(block))
        block.clear()

    for line in md.split("\n"):
        if _FENCE.match(line):
            in_fence = not in_fence
            continue
        if in_fence:
            block.append(line.rstrip())
            continue
        heading = _ATX_HEADING.match(line)
        if heading:
            level, text = len(heading.group(1)), _clean_markdown_line(heading.group(2) or "")
            end_block()
            if level <= MAX_HEADING_LEVEL:
                builder.heading(level, text)
            else:
                builder.paragraph(text)
            continue
        if not line.strip():
            end_block()
            continue
        if _TABLE_RULE.match(line) or _THEMATIC_BREAK.match(line):
            continue
        cleaned = _clean_markdown_line(line)
        if cleaned.strip():
            block.append(cleaned)
    end_block()
    return builder.finish()


# --- HTML ---------------------------------------------------------------------------------


_META_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?\s*([\w-]+)", re.IGNORECASE)


def _encoding(data: bytes) -> str:
    """How to decode a page whose HTTP charset is no longer known: UTF-8 when it decodes as
    such (most of the web, and what a rendered page is saved as; legacy text almost never
    does by chance), else its `<meta charset>`, else Windows-1252 (what browsers assume for
    legacy Western pages)."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        return "utf-8"
    declared = _META_CHARSET.search(data[:4096])
    if declared:
        try:
            return codecs.lookup(declared.group(1).decode("ascii", "replace")).name
        except LookupError:
            pass
    return "cp1252"


def _load_tree(html: bytes | str) -> Any:
    if isinstance(html, str):
        # lxml refuses str input that carries an XML encoding declaration.
        html = html.encode("utf-8")
    if not html.strip():
        return None
    # huge_tree: libxml2 otherwise stops reading at 256 levels of nesting, and page builders
    # nest that deep.
    parser = lxml_html.HTMLParser(encoding=_encoding(html), huge_tree=True)
    try:
        return lxml_html.document_fromstring(html, parser=parser)
    except (etree.ParserError, ValueError, LookupError):
        return None


def _tree_title(tree: Any) -> str:
    for xpath in ("//head/title", "//title", "//h1"):
        for element in tree.xpath(xpath):
            text = normalize_inline(element.text_content())
            if text:
                return text
    return ""


def _metadata_title(html: bytes | str, url: str | None) -> str:
    # trafilatura's metadata reader weighs og:title, <title> and the first h1 and strips the
    # " | Site name" suffixes; its main-text extraction is no longer used (module docstring).
    try:
        metadata = trafilatura.extract_metadata(html, default_url=url)
    except Exception:  # noqa: BLE001 - metadata is a nicety; a failure must not lose the page
        return ""
    return normalize_inline(metadata.title or "") if metadata is not None else ""


def extract_html(html: bytes | str, url: str | None = None) -> ParsedDocument:
    """Read every visible word of a web page into sections with their heading paths.

    The page's own content lands in `sections`; its site-wide header and footer, and the
    business described by its schema.org data, in `site_sections` (see html_reader.py).
    JSON-LD facts become sentences. The title comes from the page's metadata (`og:title`,
    `<title>`) or its first `<h1>`. Never raises on malformed HTML: a page with no readable
    text gives an empty document.
    """
    tree = _load_tree(html)
    if tree is None:
        return ParsedDocument(title="", sections=[])
    structured = structured_data_sections(tree)
    page = read_page(tree)
    # trafilatura drops a " | Site name" suffix well, but on pages with an odd <title> it
    # picks a heading of the body instead; then the page's own <title> is the better name.
    own = _tree_title(tree)
    title = _metadata_title(html, url)
    if not title or (own and title.casefold() not in own.casefold()):
        title = own
    return ParsedDocument(
        title=title,
        sections=[*page.sections, *structured.page],
        site_sections=[*page.site_sections, *structured.site],
    )
