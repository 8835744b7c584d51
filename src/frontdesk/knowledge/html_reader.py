"""Every word a visitor can reach on a web page, with what belongs together kept together.

Small-business sites put their facts in shapes that main-text extractors throw away: a team
grid whose names are card headings, a menu whose dish, description and price sit in three
sibling `<span>`s, prices in a table, answers in a collapsed accordion, hours and address in
the footer. This reader walks the whole DOM instead of guessing the main text:

* Headings (h1–h6, `role="heading"`, `<summary>`, `<dt>`) set the heading path, and a
  heading belongs to the container it heads: once the card (or section) it sits in ends, the
  path returns to the enclosing heading, so text after a card grid is not filed under the
  last card.
* A small container with no heading inside it (a menu item, a card body, an address block)
  becomes one paragraph: its parts joined on one line, or one line per repeated child, so
  the chunker never cuts a dish from its price.
* Table rows become lines that carry their column headers; list items stay lines of one
  paragraph under the heading above the list.
* Content hidden by CSS (accordions, tabs, `hidden`, `aria-hidden`) is read, since a visitor
  reaches it with one click. Scripts, styles, templates, SVG, `<noscript>` duplicates, form
  controls (a `<select>` of 200 countries), navigation menus and cookie banners are not.
* The page's header and footer (by element, landmark role or the class names site builders
  give them) are returned apart, as `site_sections`: ingestion stores what repeats on every
  page once per site instead of once per page.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from frontdesk.knowledge.documents import Section

__all__ = ["PageText", "read_page"]

_SKIP_TAGS = frozenset(
    {
        "head",
        "script",
        "style",
        "template",
        "noscript",
        "svg",
        "math",
        "iframe",
        "object",
        "embed",
        "canvas",
        "select",
        "datalist",
        "option",
        "optgroup",
        "input",
        "textarea",
        "img",
        "picture",
        "video",
        "audio",
        "source",
        "track",
        "map",
        "link",
        "meta",
        "base",
        "label",
    }
)
_HEADING_TAGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
# Elements a browser lays out as blocks: between two of them a line ends.
_BLOCK_TAGS = frozenset(
    {
        "address",
        "article",
        "aside",
        "blockquote",
        "body",
        "center",
        "dd",
        "details",
        "dialog",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "form",
        "header",
        "hgroup",
        "hr",
        "li",
        "main",
        "menu",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "summary",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "tr",
        "ul",
        *_HEADING_TAGS,
    }
)
_LIST_TAGS = frozenset({"ul", "ol", "menu"})
_NAV_ROLES = frozenset({"navigation", "search", "menubar", "menu"})
_CHROME_ROLES = frozenset({"banner", "contentinfo"})
# Class and id names site builders give the site-wide header and footer (WordPress themes,
# Elementor, Wix, Squarespace, Webflow). A Bootstrap `card-footer` or `modal-header` is part
# of its card, so only these whole tokens count.
_CHROME_TOKEN = re.compile(
    r"(?:site|page|main|global|wp|elementor-location|footer|header)[-_]?(?:footer|header)"
    r"(?:[-_]?(?:wrapper|wrap|container|inner|area|section))?|footer|header|colophon|masthead",
    re.IGNORECASE,
)
_COOKIE_HINT = re.compile(r"cookie|consent|gdpr|onetrust|cmplz|cc-window|iubenda", re.I)
# A cookie banner is a small thing; a wrapper that merely carries such a class is not.
_COOKIE_MAX_CHARS = 3000
# A container with no heading and no table inside, and at most this much text, is one
# paragraph: a card, a menu item, an address block.
_LEAF_MAX_CHARS = 500
_SECTIONING = frozenset({"section", "article", "aside", "main", "li", "details"})
_MAX_DEPTH = 250
_SPACE = re.compile(r"[ \t\r\f\v\u00a0\u2000-\u200b\u202f\u205f\u3000]+")
_TERMINAL = re.compile(r"[.!?:;,]$")
_LEGAL = re.compile(r"^\W*(?:©|\(c\)|copyright\b)", re.IGNORECASE)


@dataclass
class PageText:
    """A page read in full: its own sections and those of its header and footer."""

    sections: list[Section] = field(default_factory=list)
    site_sections: list[Section] = field(default_factory=list)


def _tag(element: Any) -> str | None:
    tag = element.tag
    if not isinstance(tag, str):
        return None  # a comment or processing instruction
    return tag.rsplit("}", 1)[-1].lower()


def _tokens(element: Any) -> list[str]:
    return f"{element.get('id') or ''} {element.get('class') or ''}".split()


def _is_skipped(element: Any) -> bool:
    tag = _tag(element)
    if tag is None or tag in _SKIP_TAGS:
        return True
    if tag == "button" and (element.get("type") or "").lower() == "submit":
        return True  # "Send", "Subscribe": the label of a form's action, never a fact
    return _is_nav(element)


def _is_nav(element: Any) -> bool:
    return _tag(element) == "nav" or (element.get("role") or "").lower() in _NAV_ROLES


def _inside(element: Any, tags: Iterable[str]) -> bool:
    wanted = set(tags)
    return any(_tag(parent) in wanted for parent in element.iterancestors())


def _is_chrome(element: Any) -> bool:
    """The site's own header or footer, not an article's, a section's or a card's.

    As for the `banner` and `contentinfo` landmarks, a `<header>` or `<footer>` counts only
    outside `<article>`, `<aside>`, `<main>`, `<nav>` and `<section>`; a class or id that
    site builders use (`site-footer`, `SITE_HEADER`, `elementor-location-footer`) counts on
    a container near the top of the page, where a site's footer sits.
    """
    tag = _tag(element)
    if tag in ("body", "html", "main", "article"):
        return False
    role = (element.get("role") or "").lower()
    if role in _CHROME_ROLES:
        return True
    if tag in ("header", "footer"):
        return not _inside(element, ("article", "aside", "main", "nav", "section"))
    if tag not in ("div", "section", "aside"):
        return False
    if not any(_CHROME_TOKEN.fullmatch(token) for token in _tokens(element)):
        return False
    depth = sum(1 for _ in element.iterancestors())
    return depth <= 6 and not _inside(element, ("main", "article"))


def _has_twin(element: Any) -> bool:
    """Whether a sibling has the same tag and classes: `element` is one of a repeated set."""
    parent = element.getparent()
    if parent is None:
        return False
    signature = _signature(element)
    for index, sibling in enumerate(parent):
        if index > 200:
            break
        if sibling is not element and _signature(sibling) == signature:
            return True
    return False


class _Outline:
    """Paragraphs under a heading path whose headings close with the container they head."""

    def __init__(self, *, site_wide: bool = False) -> None:
        # A site's header and footer lose their copyright lines: never a fact a caller needs.
        self._site_wide = site_wide
        self._path: list[tuple[int, str, Any]] = []
        self._paragraphs: list[str] = []
        self.sections: list[Section] = []
        self._headings_only: list[str] = []

    @property
    def depth(self) -> int:
        return self._path[-1][0] if self._path else 1

    def heading(self, level: int, text: str, owner: Any) -> None:
        text = _SPACE.sub(" ", text).strip()
        if not text:
            return
        self._flush()
        while self._path and self._path[-1][0] >= level:
            self._path.pop()
        self._path.append((level, text, owner))
        self._headings_only.append(text)

    def close(self, owner: Any) -> None:
        """The container `owner` ended: headings it owns (and any below them) close too."""
        for index, (_, _, heading_owner) in enumerate(self._path):
            if heading_owner is owner:
                self._flush()
                del self._path[index:]
                return

    def owns(self, owner: Any) -> bool:
        return any(heading_owner is owner for _, _, heading_owner in self._path)

    def paragraph(self, text: str) -> None:
        text = _tidy(text)
        if self._site_wide:
            text = "\n".join(
                line for line in text.split("\n") if not (len(line) < 200 and _LEGAL.match(line))
            )
        if text:
            self._paragraphs.append(text)

    def finish(self) -> list[Section]:
        self._flush()
        if not self.sections and self._headings_only:
            # A page that is nothing but headings ("Closed for renovation") still says something.
            self.sections.append(Section(headings=[], text="\n\n".join(self._headings_only)))
        return self.sections

    def _flush(self) -> None:
        if self._paragraphs:
            headings = [text for _, text, _ in self._path]
            self.sections.append(Section(headings=headings, text="\n\n".join(self._paragraphs)))
            self._paragraphs = []


def _tidy(text: str) -> str:
    lines = [_SPACE.sub(" ", line).strip() for line in text.split("\n")]
    return "\n".join(line for line in lines if line)


# --- text of one element ---------------------------------------------------------------------

_SOFT_GAP = "\x00"  # between two sibling elements with nothing between them
# A line break the layout makes (a <br>, a block's edge); source newlines are only spaces.
_BREAK = "\x01"


def _inline_parts(element: Any, parts: list[str], depth: int = 0) -> None:
    """The element's text as a browser would flow it, blocks as line breaks."""
    if depth > _MAX_DEPTH:
        parts.append(element.text_content())
        return
    tag = _tag(element)
    if tag == "br":
        parts.append(_BREAK)
        return
    block = tag in _BLOCK_TAGS
    if block:
        parts.append(_BREAK)
    if element.text:
        parts.append(element.text)
    children = [c for c in element if not _is_skipped(c) or c.tail]
    for index, child in enumerate(children):
        if not _is_skipped(child):
            _inline_parts(child, parts, depth + 1)
        if child.tail:
            parts.append(child.tail)
        elif index + 1 < len(children) and _tag(child) in ("span", "a", "strong", "b", "em"):
            parts.append(_SOFT_GAP)
    if tag in ("td", "th"):
        parts.append(" ")
    if block:
        parts.append(_BREAK)


def _join_parts(parts: list[str]) -> str:
    text = "".join(parts)

    # Wix and friends put "Duck" and "$34" in adjacent spans that CSS lays out apart; a
    # browser's copied text would run them together, which reads as one word.
    def gap(match: re.Match[str]) -> str:
        before, after = match.group(1), match.group(2)
        return (
            f"{before} {after}"
            if before.isalnum() and (after.isalnum() or after in "$€£¥₹")
            else before + after
        )

    text = re.sub(r"(.)\x00+(.)", gap, text, flags=re.DOTALL)
    text = re.sub(r"\s+", " ", text.replace(_SOFT_GAP, ""))
    return text.replace(_BREAK, "\n")


def inline_text(element: Any) -> str:
    """All visible text of `element` on one line (a heading, a table cell)."""
    parts: list[str] = []
    _inline_parts(element, parts)
    return _SPACE.sub(" ", _join_parts(parts).replace("\n", " ")).strip()


def _signature(element: Any) -> tuple[str | None, str]:
    return _tag(element), " ".join(sorted((element.get("class") or "").split()))


def _leaf_text(element: Any, depth: int = 0) -> str:
    """A small container as one paragraph.

    Parts that differ in kind (a name, a description, a price) are joined on one line with
    " — "; repeated parts of one kind (several paragraphs, list items, hours lines) are
    lines of the paragraph.
    """
    if depth > _MAX_DEPTH:
        return _SPACE.sub(" ", element.text_content()).strip()
    segments: list[str] = []
    run: list[str] = []
    blocks: list[Any] = []

    def end_run() -> None:
        text = _tidy(_join_parts(run))
        if text:
            segments.append(text)
        run.clear()

    if element.text:
        run.append(element.text)
    for child in element:
        if not _is_skipped(child):
            tag = _tag(child)
            if tag == "br":
                run.append(_BREAK)
            elif tag in _BLOCK_TAGS:
                end_run()
                blocks.append(child)
                text = _leaf_text(child, depth + 1)
                if text:
                    segments.append(text)
            else:
                _inline_parts(child, run, depth + 1)
        if child.tail:
            run.append(child.tail)
        elif not _is_skipped(child) and _tag(child) not in _BLOCK_TAGS:
            run.append(_SOFT_GAP)
    end_run()
    if not segments:
        return ""
    tag = _tag(element)
    repeated = len(blocks) >= 2 and len({_signature(b) for b in blocks}) == 1
    if tag in _LIST_TAGS or tag in ("dl", "address", "pre") or repeated:
        return "\n".join(segments)
    if any("\n" in segment for segment in segments):
        return "\n".join(segments)
    joined = segments[0]
    for segment in segments[1:]:
        joined += " " if _TERMINAL.search(joined) else " — "
        joined += segment
    return joined


# --- the walk --------------------------------------------------------------------------------


class _Reader:
    def __init__(self, body: Any) -> None:
        self.body = body
        self.main = _Outline()
        self.site = _Outline(site_wide=True)
        self._lengths: dict[Any, int] = {}
        self._with_heading: set[Any] = set()
        self._with_table: set[Any] = set()
        self._measure(body, 0)

    def _measure(self, element: Any, depth: int) -> int:
        """Visible text length of every element, and which contain headings or tables."""
        if _is_skipped(element) or depth > _MAX_DEPTH:
            self._lengths[element] = 0
            return 0
        total = len((element.text or "").strip())
        for child in element:
            total += self._measure(child, depth + 1) + len((child.tail or "").strip())
        self._lengths[element] = total
        tag = _tag(element)
        role = (element.get("role") or "").lower()
        if tag in _HEADING_TAGS or tag in ("summary", "dt") or role == "heading":
            self._mark(element, self._with_heading)
        elif tag == "table":
            self._mark(element, self._with_table)
        return total

    @staticmethod
    def _mark(element: Any, found: set[Any]) -> None:
        for parent in element.iterancestors():
            if parent in found:
                return
            found.add(parent)

    def _owner(self, heading: Any) -> Any:
        """The container a heading heads, whose end closes it; None when only the next
        heading of its level does.

        That is the repeated item it sits in (a card of a grid, a list item, a menu entry)
        when the item holds more than the heading, else the nearest `<section>`-like element
        with other text. A wrapper around the heading alone (page builders wrap every
        widget) or around the heading and a tagline heads nothing: the text after it still
        belongs to the heading.
        """
        own = self._lengths.get(heading, 0)
        child, parent = heading.getparent(), None
        if child is None:
            return None
        parent = child.getparent()
        while child is not self.body and parent is not None:
            if self._lengths.get(child, 0) > own and _has_twin(child):
                return child
            if _tag(child) in _SECTIONING and self._lengths.get(child, 0) - own >= 20:
                return child
            child, parent = parent, parent.getparent()
        return None

    def read(self) -> PageText:
        self._walk(self.body, self.main, 0)
        return PageText(self.main.finish(), self.site.finish())

    def _is_leaf(self, element: Any) -> bool:
        return (
            element not in self._with_heading
            and element not in self._with_table
            and self._lengths.get(element, 0) <= _LEAF_MAX_CHARS
        )

    def _walk(self, element: Any, out: _Outline, depth: int) -> None:
        if depth > _MAX_DEPTH:
            out.paragraph(element.text_content())
            return
        tag = _tag(element)
        if _is_nav(element) or self._is_cookie_banner(element):
            return
        if out is self.main and _is_chrome(element):
            self._walk(element, self.site, depth)
            return
        if tag in _HEADING_TAGS or (element.get("role") or "").lower() == "heading":
            level = _HEADING_TAGS.get(tag or "") or _aria_level(element)
            out.heading(level, inline_text(element), self._owner(element))
            return
        if tag == "table":
            for line in _table_lines(element):
                out.paragraph(line)
            return
        if tag == "dl":
            self._definitions(element, out)
            return
        if tag == "details":
            self._details(element, out, depth)
            return
        if tag == "pre":
            out.paragraph(element.text_content())
            return
        if element is not self.body and self._is_leaf(element):
            if out is self.site and _only_links(element):
                return  # a footer's sitemap or social links: navigation, not knowledge
            out.paragraph(_leaf_text(element))
            return
        self._children(element, out, depth)
        if out.owns(element):
            out.close(element)

    def _children(self, element: Any, out: _Outline, depth: int) -> None:
        run: list[str] = []
        plain = False  # whether the run holds text other than links

        def end_run() -> None:
            nonlocal plain
            # In a header or footer, a run of nothing but links is a menu.
            if plain or out is not self.site:
                out.paragraph(_join_parts(run))
            run.clear()
            plain = False

        if element.text:
            run.append(element.text)
            plain = plain or bool(element.text.strip())
        for child in element:
            if not _is_skipped(child):
                tag = _tag(child)
                if tag == "br":
                    run.append(_BREAK)
                elif tag in _BLOCK_TAGS or child in self._with_heading or child in self._with_table:
                    end_run()
                    self._walk(child, out, depth + 1)
                else:
                    _inline_parts(child, run, depth + 1)
                    plain = plain or not _only_links(child)
            if child.tail:
                run.append(child.tail)
                plain = plain or bool(child.tail.strip())
        end_run()

    def _definitions(self, element: Any, out: _Outline) -> None:
        """Each term with its definitions: a heading over text when long, else one line."""
        term: Any = None
        definitions: list[str] = []

        def end_term() -> None:
            if term is not None or definitions:
                title = inline_text(term) if term is not None else ""
                body = "\n".join(definitions)
                if title and len(body) > 200:
                    out.heading(out.depth + 1, title, element)
                    out.paragraph(body)
                    out.close(element)
                else:
                    out.paragraph(f"{title} — {body}" if title and body else title or body)

        for child in _flatten_divs(element):
            tag = _tag(child)
            if tag == "dt":
                end_term()
                term, definitions = child, []
            elif tag == "dd":
                definitions.append(
                    _leaf_text(child) if self._is_leaf(child) else inline_text(child)
                )
        end_term()

    def _details(self, element: Any, out: _Outline, depth: int) -> None:
        """An accordion panel: its summary heads its (collapsed, but reachable) content."""
        summary = next((c for c in element if _tag(c) == "summary"), None)
        if summary is not None:
            out.heading(min(out.depth + 1, 6), inline_text(summary), element)
        for child in element:
            if child is summary or _is_skipped(child):
                continue
            if _tag(child) in _BLOCK_TAGS or child in self._with_heading:
                self._walk(child, out, depth + 1)
            else:
                out.paragraph(inline_text(child))
            if child.tail and child.tail.strip():
                out.paragraph(child.tail)
        if element.text and element.text.strip():
            out.paragraph(element.text)
        out.close(element)

    def _is_cookie_banner(self, element: Any) -> bool:
        if _tag(element) in ("body", "html", "main"):
            return False
        if not any(_COOKIE_HINT.search(token) for token in _tokens(element)):
            return False
        return self._lengths.get(element, 0) <= _COOKIE_MAX_CHARS


def _aria_level(element: Any) -> int:
    try:
        return max(1, min(6, int(element.get("aria-level") or 2)))
    except ValueError:
        return 2


def _flatten_divs(element: Any) -> Iterator[Any]:
    """Children of a `<dl>`, looking through the `<div>` wrappers HTML allows around pairs."""
    for child in element:
        if _tag(child) == "div":
            yield from _flatten_divs(child)
        elif not _is_skipped(child):
            yield child


def _only_links(element: Any) -> bool:
    """Whether all the text of `element` is link text (a menu of links, social icons)."""
    total = len(_SPACE.sub("", element.text_content()))
    if total == 0:
        return True
    linked = sum(len(_SPACE.sub("", a.text_content())) for a in element.iter("a"))
    return linked >= total


def _table_lines(table: Any) -> list[str]:
    """One line per data row: "label — Header: value — Header: value"."""
    rows: list[list[tuple[str, bool]]] = []
    for row in table.iter("tr"):
        # A table nested in a cell is read as that cell's text.
        if next((a for a in row.iterancestors("table")), None) is not table:
            continue
        cells: list[tuple[str, bool]] = []
        for cell in row:
            tag = _tag(cell)
            if tag not in ("td", "th"):
                continue
            try:
                span = max(1, min(20, int(cell.get("colspan") or 1)))
            except ValueError:
                span = 1
            text = inline_text(cell)
            cells.extend([(text, tag == "th")] * span)
        if any(text for text, _ in cells):
            rows.append(cells)
    if not rows:
        return []
    headers: list[str] = []
    first = rows[0]
    in_thead = any(_tag(p) == "thead" for p in next(table.iter("tr")).iterancestors())
    if in_thead or (len(first) > 1 and all(is_th for _, is_th in first)):
        headers = [text for text, _ in first]
        rows = rows[1:]
    caption = next((inline_text(c) for c in table.iter("caption")), "")
    lines = [caption] if caption else []
    for cells in rows:
        parts: list[str] = []
        for index, (text, _) in enumerate(cells):
            if not text:
                continue
            header = headers[index] if index < len(headers) else ""
            if index == 0 or not header or header == text:
                parts.append(text)
            else:
                parts.append(f"{header}: {text}")
        if parts:
            lines.append(" — ".join(parts))
    if not lines and headers:
        lines.append(" — ".join(h for h in headers if h))
    return ["\n".join(lines)] if lines else []


def read_page(tree: Any) -> PageText:
    """Read the `<body>` of a parsed page (an lxml HTML document) in full."""
    body = tree.find("body")
    if body is None:
        body = tree
    return _Reader(body).read()
