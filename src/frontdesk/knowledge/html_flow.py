"""How a browser flows the text of an element: what is skipped, where lines end, and how the
parts of a small container (a card, a menu item, a table row) are joined.

The walk over a whole page, headings and the site's header and footer are in
html_reader.py; this module knows only one element at a time.
"""

from __future__ import annotations

import re
from typing import Any

__all__ = [
    "BLOCK_TAGS",
    "HEADING_TAGS",
    "LIST_TAGS",
    "MAX_DEPTH",
    "SPACE",
    "inline_parts",
    "inline_text",
    "is_nav",
    "is_skipped",
    "join_parts",
    "leaf_text",
    "only_links",
    "pair_prices",
    "signature",
    "table_lines",
    "tag_of",
    "tidy",
]

SKIP_TAGS = frozenset(
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
HEADING_TAGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
# Elements a browser lays out as blocks: between two of them a line ends.
BLOCK_TAGS = frozenset(
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
        *HEADING_TAGS,
    }
)
LIST_TAGS = frozenset({"ul", "ol", "menu"})
NAV_ROLES = frozenset({"navigation", "search", "menubar", "menu"})
MAX_DEPTH = 250
SPACE = re.compile(r"[ \t\r\f\v\u00a0\u2000-\u200b\u202f\u205f\u3000]+")
TERMINAL = re.compile(r"[.!?:;,]$")
_ANY_SPACE = re.compile(r"\s+")
_SKIP_LINK = re.compile(r"\s*skip\b", re.IGNORECASE)


def tag_of(element: Any) -> str | None:
    tag = element.tag
    if not isinstance(tag, str):
        return None  # a comment or processing instruction
    return tag.rsplit("}", 1)[-1].lower()


def is_skipped(element: Any) -> bool:
    tag = tag_of(element)
    if tag is None or tag in SKIP_TAGS:
        return True
    if tag == "button" and (element.get("type") or "").lower() == "submit":
        return True  # "Send", "Subscribe": the label of a form's action, never a fact
    href = element.get("href") or ""
    if tag == "a" and href.startswith("#") and _SKIP_LINK.match(element.text_content()):
        return True  # "Skip to content", for screen readers
    return is_nav(element)


def is_nav(element: Any) -> bool:
    return tag_of(element) == "nav" or (element.get("role") or "").lower() in NAV_ROLES


def tidy(text: str) -> str:
    lines = [SPACE.sub(" ", line).strip() for line in text.split("\n")]
    return "\n".join(line for line in lines if line)


# --- text of one element ---------------------------------------------------------------------

SOFT_GAP = "\x00"  # between two sibling elements with nothing between them
# A line break the layout makes (a <br>, a block's edge); source newlines are only spaces.
BREAK = "\x01"


def inline_parts(element: Any, parts: list[str], depth: int = 0) -> None:
    """The element's text as a browser would flow it, blocks as line breaks."""
    if depth > MAX_DEPTH:
        parts.append(element.text_content())
        return
    tag = tag_of(element)
    if tag == "br":
        parts.append(BREAK)
        return
    block = tag in BLOCK_TAGS
    if block:
        parts.append(BREAK)
    if element.text:
        parts.append(element.text)
    children = [c for c in element if not is_skipped(c) or c.tail]
    for index, child in enumerate(children):
        if not is_skipped(child):
            inline_parts(child, parts, depth + 1)
        if child.tail:
            parts.append(child.tail)
        elif index + 1 < len(children) and tag_of(child) in ("span", "a", "strong", "b", "em"):
            parts.append(SOFT_GAP)
    if tag in ("td", "th"):
        parts.append(" ")
    if block:
        parts.append(BREAK)


def join_parts(parts: list[str]) -> str:
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
    text = re.sub(r"\s+", " ", text.replace(SOFT_GAP, ""))
    return text.replace(BREAK, "\n")


def inline_text(element: Any) -> str:
    """All visible text of `element` on one line (a heading, a table cell)."""
    parts: list[str] = []
    inline_parts(element, parts)
    return SPACE.sub(" ", join_parts(parts).replace("\n", " ")).strip()


def signature(element: Any) -> tuple[str | None, str]:
    return tag_of(element), " ".join(sorted((element.get("class") or "").split()))


_PRICE = re.compile(
    r"(?:from|ab|à partir de|dès|desde|vanaf)?\s*"
    r"(?:(?:[$€£¥₹]|[A-Z]{3}\s?)\s?\d[\d,.]*|\d[\d,.]*\s?(?:[€£$]|kr|CHF|zł|Kč|Ft|lei|EUR|USD|GBP))"
    r"(?:\s*[-–]\s*[$€£¥₹]?\s?\d[\d,.]*\s?[€£$]?)?(?:\s*(?:/|per|each|pp)\s*[\w. ]{0,12})?",
    re.IGNORECASE,
)


def _is_price(line: str) -> bool:
    return len(line) <= 32 and _PRICE.fullmatch(line.strip()) is not None


def pair_prices(names: str, prices: str) -> str | None:
    """Names and, in the next box, their prices: one "name — price" line each, or None.

    Site builders put a price list's names in one text box and its prices in another beside
    it (the boxes are placed side by side by CSS, never by the markup), so the lines of two
    consecutive boxes pair up when the second holds only prices, as many as the first has
    lines.
    """
    price_lines = prices.split("\n")
    name_lines = names.split("\n")
    if len(price_lines) != len(name_lines) or not all(_is_price(p) for p in price_lines):
        return None
    if any(_is_price(n) or not n.strip() for n in name_lines):
        return None
    return "\n".join(f"{n} — {p}" for n, p in zip(name_lines, price_lines, strict=True))


def leaf_text(element: Any, depth: int = 0, *, skip: Any = None) -> str:
    """A small container as one paragraph (without the element `skip`, e.g. its heading).

    Parts that differ in kind (a name, a description, a price) are joined on one line with
    " — "; repeated parts of one kind (several paragraphs, list items, hours lines) are
    lines of the paragraph.
    """
    if depth > MAX_DEPTH:
        return SPACE.sub(" ", element.text_content()).strip()
    segments: list[str] = []
    run: list[str] = []
    blocks: list[Any] = []

    def add(text: str) -> None:
        paired = pair_prices(segments[-1], text) if segments else None
        if paired is not None:
            segments[-1] = paired
        elif text:
            segments.append(text)

    def end_run() -> None:
        add(tidy(join_parts(run)))
        run.clear()

    if element.text:
        run.append(element.text)
    for child in element:
        if child is skip:
            end_run()
        elif not is_skipped(child):
            tag = tag_of(child)
            if tag == "br":
                run.append(BREAK)
            elif tag in BLOCK_TAGS:
                end_run()
                blocks.append(child)
                add(leaf_text(child, depth + 1, skip=skip))
            else:
                inline_parts(child, run, depth + 1)
        if child.tail:
            run.append(child.tail)
        elif not is_skipped(child) and tag_of(child) not in BLOCK_TAGS:
            run.append(SOFT_GAP)
    end_run()
    if not segments:
        return ""
    tag = tag_of(element)
    repeated = len(blocks) >= 2 and len({signature(b) for b in blocks}) == 1
    if tag in LIST_TAGS or tag in ("dl", "address", "pre") or repeated:
        return "\n".join(segments)
    if any("\n" in segment for segment in segments):
        return "\n".join(segments)
    joined = segments[0]
    for segment in segments[1:]:
        joined += " " if TERMINAL.search(joined) else " — "
        joined += segment
    return joined


# --- the walk --------------------------------------------------------------------------------


def only_links(element: Any) -> bool:
    """Whether all the text of `element` is the text of links to pages (a menu of links,
    social icons)."""
    total = len(_ANY_SPACE.sub("", element.text_content()))
    if total == 0:
        return True
    # A phone number or email address is a fact even when it is a link.
    linked = sum(
        len(_ANY_SPACE.sub("", a.text_content()))
        for a in element.iter("a")
        if not (a.get("href") or "").lower().startswith(("tel:", "mailto:"))
    )
    return linked >= total


def table_lines(table: Any) -> list[str]:
    """One line per data row: "label — Header: value — Header: value"."""
    rows: list[list[tuple[str, bool]]] = []
    for row in table.iter("tr"):
        # A table nested in a cell is read as that cell's text.
        if next((a for a in row.iterancestors("table")), None) is not table:
            continue
        cells: list[tuple[str, bool]] = []
        for cell in row:
            tag = tag_of(cell)
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
    in_thead = any(tag_of(p) == "thead" for p in next(table.iter("tr")).iterancestors())
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
