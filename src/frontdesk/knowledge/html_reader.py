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
from frontdesk.knowledge.html_flow import (
    BLOCK_TAGS,
    BREAK,
    HEADING_TAGS,
    MAX_DEPTH,
    SPACE,
    inline_parts,
    inline_text,
    is_nav,
    is_skipped,
    join_parts,
    leaf_text,
    only_links,
    pair_prices,
    signature,
    table_lines,
    tag_of,
    tidy,
)

__all__ = ["PageText", "read_page"]

_CHROME_ROLES = frozenset({"banner", "contentinfo"})
# Class and id names site builders give the site-wide header and footer (WordPress themes,
# Elementor, Wix, Squarespace, Webflow). A Bootstrap `card-footer` or `modal-header` is part
# of its card, so only these whole tokens count.
_CHROME_TOKEN = re.compile(
    r"(?:(?:site|main|global|wp|elementor-location)[-_]?header"
    r"|(?:site|page|main|global|wp|elementor-location)[-_]?footer)"
    r"(?:[-_]?(?:wrapper|wrap|container|inner|area|section))?|footer|header|colophon|masthead",
    re.IGNORECASE,
)
# A small block that talks about cookies and nothing else is a consent banner, whatever its
# class names (a banner shown by a script keeps none).
_COOKIE_TEXT = re.compile(
    r"\b(?:we|this (?:web)?site|our (?:web)?site)\s+(?:use|uses|is using)\s+cookies\b", re.I
)
_COOKIE_TEXT_MAX_CHARS = 600
# A short paragraph all in bold ("<p><strong>Opening hours</strong></p>") is a heading
# written without a heading tag; it sits below every real heading.
_BOLD_LEVEL = 7
_BOLD_MAX_CHARS = 80
_COOKIE_HINT = re.compile(r"cookie|consent|gdpr|onetrust|cmplz|cc-window|iubenda", re.I)
# A cookie banner is a small thing; a wrapper that merely carries such a class is not.
_COOKIE_MAX_CHARS = 3000
# A container with no heading and no table inside, and at most this much text, is one
# paragraph: a card, a menu item, an address block.
_LEAF_MAX_CHARS = 500
_SECTIONING = frozenset({"section", "article", "aside", "main", "li", "details"})
_LEGAL = re.compile(r"^\W*(?:©|\(c\)|copyright\b)", re.IGNORECASE)


@dataclass
class PageText:
    """A page read in full: its own sections and those of its header and footer."""

    sections: list[Section] = field(default_factory=list)
    site_sections: list[Section] = field(default_factory=list)


def _tokens(element: Any) -> list[str]:
    return f"{element.get('id') or ''} {element.get('class') or ''}".split()


def _inside(element: Any, tags: Iterable[str]) -> bool:
    wanted = set(tags)
    return any(tag_of(parent) in wanted for parent in element.iterancestors())


def _is_chrome(element: Any) -> bool:
    """The site's own header or footer, not an article's, a section's or a card's.

    As for the `banner` and `contentinfo` landmarks, a `<header>` or `<footer>` counts only
    outside `<article>`, `<aside>`, `<main>`, `<nav>` and `<section>`; a class or id that
    site builders use (`site-footer`, `SITE_HEADER`, `elementor-location-footer`) counts on
    a container near the top of the page, where a site's footer sits.
    """
    tag = tag_of(element)
    if tag in ("body", "html", "main", "article"):
        return False
    role = (element.get("role") or "").lower()
    if role in _CHROME_ROLES:
        return True
    if tag != "footer" and next(element.iter("h1"), None) is not None:
        return False  # a page's own title banner ("Dinner Menu" over the menu), not the site's
    if tag in ("header", "footer"):
        return not _inside(element, ("article", "aside", "main", "nav", "section"))
    if tag not in ("div", "section", "aside"):
        return False
    if not any(_CHROME_TOKEN.fullmatch(token) for token in _tokens(element)):
        return False
    depth = sum(1 for _ in element.iterancestors())
    return depth <= 6 and not _inside(element, ("main", "article"))


def _has_twin(element: Any) -> bool:
    """Whether a sibling has the same tag and classes, or most of them: `element` is one of
    a repeated set. A pricing grid's featured plan ("Most popular") carries colour and ring
    classes its siblings lack, and is still one of the plans."""
    parent = element.getparent()
    if parent is None:
        return False
    tag, own = signature(element)
    classes = set(own.split())
    for index, sibling in enumerate(parent):
        if index > 200:
            break
        if sibling is element:
            continue
        other_tag, other = signature(sibling)
        if other_tag != tag:
            continue
        if other == own:
            return True
        theirs = set(other.split())
        # Half the smaller set in common: "card" and "card featured" are twins, as are
        # "col-md-6 text-center" and "col-md-6 bg-dark"; "row" and "container" are not.
        shared = len(classes & theirs)
        if shared and shared * 2 >= min(len(classes), len(theirs)):
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
        text = SPACE.sub(" ", text).strip()
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

    def reset(self) -> None:
        """Close every heading."""
        self._flush()
        self._path.clear()

    def owns(self, owner: Any) -> bool:
        return any(heading_owner is owner for _, _, heading_owner in self._path)

    def paragraph(self, text: str) -> None:
        text = tidy(text)
        if self._site_wide:
            text = "\n".join(
                line for line in text.split("\n") if not (len(line) < 200 and _LEGAL.match(line))
            )
        paired = pair_prices(self._paragraphs[-1], text) if self._paragraphs else None
        if paired is not None:
            self._paragraphs[-1] = paired
        elif text:
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


class _Reader:
    def __init__(self, body: Any) -> None:
        self.body = body
        self.main = _Outline()
        self.site = _Outline(site_wide=True)
        self._lengths: dict[Any, int] = {}
        self._with_heading: set[Any] = set()
        self._with_table: set[Any] = set()
        self._with_terms: set[Any] = set()  # holding a <summary> or <dt>
        self._headings: dict[Any, int] = {}  # how many headings an element holds
        self._measure(body, 0)

    def _measure(self, element: Any, depth: int) -> int:
        """Visible text length of every element, and which contain headings or tables."""
        if is_skipped(element) or depth > MAX_DEPTH:
            self._lengths[element] = 0
            return 0
        total = len((element.text or "").strip())
        for child in element:
            total += self._measure(child, depth + 1) + len((child.tail or "").strip())
        self._lengths[element] = total
        tag = tag_of(element)
        role = (element.get("role") or "").lower()
        if tag in HEADING_TAGS or role == "heading":
            self._mark(element, self._with_heading)
            for parent in element.iterancestors():
                self._headings[parent] = self._headings.get(parent, 0) + 1
        elif tag in ("summary", "dt"):
            self._mark(element, self._with_heading)
            self._mark(element, self._with_terms)
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
            if tag_of(child) in _SECTIONING and self._lengths.get(child, 0) - own >= 20:
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
        if depth > MAX_DEPTH:
            out.paragraph(element.text_content())
            return
        tag = tag_of(element)
        if is_nav(element) or self._is_cookie_banner(element):
            return
        if out is self.main and _is_chrome(element):
            # Each header or footer block starts its own outline: the footer's "Hours" is
            # not under the header's headings.
            self.site.reset()
            self._walk(element, self.site, depth)
            self.site.reset()
            return
        if tag in HEADING_TAGS or (element.get("role") or "").lower() == "heading":
            level = HEADING_TAGS.get(tag or "") or _aria_level(element)
            out.heading(level, inline_text(element), self._owner(element))
            return
        if tag == "table":
            for line in table_lines(element):
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
        if tag == "p" and _bold_heading(element):
            out.heading(_BOLD_LEVEL, inline_text(element), None)
            return
        if element is not self.body and self._is_leaf(element):
            if self._lengths.get(element, 0) <= _COOKIE_TEXT_MAX_CHARS and _COOKIE_TEXT.search(
                element.text_content()
            ):
                return
            if out is self.site and only_links(element):
                return  # a footer's sitemap or social links: navigation, not knowledge
            if out is self.main or not any(tag_of(c) in BLOCK_TAGS for c in element):
                out.paragraph(leaf_text(element))
                return
            # A header or footer is read part by part, so that its menus can be left out.
        # In a header or footer the parts are read one by one, so that a column of links
        # can be told from a column of facts.
        heading = self._card_heading(element) if out is self.main else None
        if heading is not None:
            # A card: its heading, then everything else in it as one paragraph.
            level = HEADING_TAGS.get(tag_of(heading) or "") or _aria_level(heading)
            out.heading(level, inline_text(heading), self._owner(heading))
            out.paragraph(leaf_text(element, skip=heading))
        else:
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
                out.paragraph(join_parts(run))
            run.clear()
            plain = False

        if element.text:
            run.append(element.text)
            plain = plain or bool(element.text.strip())
        for child in element:
            if not is_skipped(child):
                tag = tag_of(child)
                if tag == "br":
                    run.append(BREAK)
                elif tag in BLOCK_TAGS or child in self._with_heading or child in self._with_table:
                    end_run()
                    self._walk(child, out, depth + 1)
                else:
                    inline_parts(child, run, depth + 1)
                    plain = plain or not only_links(child)
            if child.tail:
                run.append(child.tail)
                plain = plain or bool(child.tail.strip())
        end_run()

    def _card_heading(self, element: Any) -> Any:
        """The one heading of a card: a small container, one of a repeated set (a grid, a
        menu section), with no table or accordion in it."""
        if (
            self._headings.get(element, 0) != 1
            or not _has_twin(element)
            or tag_of(element) in ("body", "main", "article")
            or element in self._with_table
            or element in self._with_terms
            or self._lengths.get(element, 0) > _LEAF_MAX_CHARS
        ):
            return None
        heading = None
        for child in element.iterdescendants():
            tag = tag_of(child)
            if tag in ("header", "footer", "nav") or _is_chrome(child):
                return None  # a landmark inside is read on its own
            if heading is None and (
                tag in HEADING_TAGS or (child.get("role") or "").lower() == "heading"
            ):
                heading = child
        return heading

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
            tag = tag_of(child)
            if tag == "dt":
                end_term()
                term, definitions = child, []
            elif tag == "dd":
                definitions.append(leaf_text(child) if self._is_leaf(child) else inline_text(child))
        end_term()

    def _details(self, element: Any, out: _Outline, depth: int) -> None:
        """An accordion panel: its summary heads its (collapsed, but reachable) content."""
        summary = next((c for c in element if tag_of(c) == "summary"), None)
        if summary is not None:
            out.heading(min(out.depth + 1, 6), inline_text(summary), element)
        for child in element:
            if child is summary or is_skipped(child):
                continue
            if tag_of(child) in BLOCK_TAGS or child in self._with_heading:
                self._walk(child, out, depth + 1)
            else:
                out.paragraph(inline_text(child))
            if child.tail and child.tail.strip():
                out.paragraph(child.tail)
        if element.text and element.text.strip():
            out.paragraph(element.text)
        out.close(element)

    def _is_cookie_banner(self, element: Any) -> bool:
        if tag_of(element) in ("body", "html", "main"):
            return False
        if not any(_COOKIE_HINT.search(token) for token in _tokens(element)):
            return False
        return self._lengths.get(element, 0) <= _COOKIE_MAX_CHARS


def _bold_heading(element: Any) -> bool:
    text = SPACE.sub(" ", element.text_content()).strip()
    if not 3 <= len(text) <= _BOLD_MAX_CHARS or text.endswith((".", "!", "?")):
        return False
    if any(tag_of(e) == "a" for e in element.iter()):
        return False
    bold = "".join(e.text_content() for e in element if tag_of(e) in ("strong", "b"))
    return SPACE.sub(" ", bold).strip() == text


def _aria_level(element: Any) -> int:
    try:
        return max(1, min(6, int(element.get("aria-level") or 2)))
    except ValueError:
        return 2


def _flatten_divs(element: Any) -> Iterator[Any]:
    """Children of a `<dl>`, looking through the `<div>` wrappers HTML allows around pairs."""
    for child in element:
        if tag_of(child) == "div":
            yield from _flatten_divs(child)
        elif not is_skipped(child):
            yield child


def read_page(tree: Any) -> PageText:
    """Read the `<body>` of a parsed page (an lxml HTML document) in full."""
    body = tree.find("body")
    if body is None:
        body = tree
    return _Reader(body).read()
