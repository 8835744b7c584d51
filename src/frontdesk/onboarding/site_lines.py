"""A site's knowledge chunks as lines: the unit the onboarding readers work on.

Chunks start with a context line ("Page title › Heading") and a blank line; the body keeps
list items, table rows ("cell | cell") and footer blocks on lines of their own. Addresses,
hours and price lists are written line by line on real sites, so the readers see lines with
the heading they sit under and the page they came from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_SPACE = re.compile(r"[ \t\u00a0\u2009\u202f]+")


@dataclass(frozen=True)
class Line:
    text: str
    source: str  # the page URL or file name
    heading: str  # the chunk's context line ("Menu › Mains"), "" when it has none
    index: int  # position within its chunk: neighbours are index ± 1


def clean(text: str) -> str:
    return _SPACE.sub(" ", text).strip().lstrip("-•*·▪◦– ").strip()


def lines_of(chunks: list[tuple[str, str]]) -> list[list[Line]]:
    """Each chunk as its list of non-empty lines (the context line left out)."""
    out: list[list[Line]] = []
    for text, source in chunks:
        heading, body = "", text
        if "\n\n" in text:
            first, rest = text.split("\n\n", 1)
            if "\n" not in first:  # a one-line context line, not a paragraph
                heading, body = first.strip(), rest
        lines = [clean(raw) for raw in body.split("\n")]
        out.append([Line(t, source, heading, i) for i, t in enumerate(t for t in lines if t)])
    return out


def occurs_in(value: str, chunks: list[tuple[str, str]]) -> bool:
    """Whether `value` is written in the source text (spacing and case aside): what a model
    proposes is kept only when the site really says it."""
    wanted = _fold(value)
    return bool(wanted) and any(wanted in _fold(text) for text, _ in chunks)


def _fold(text: str) -> str:
    text = re.sub(r"[\u2010-\u2015\u2212]", "-", text.lower())
    return _SPACE.sub(" ", re.sub(r"\s+", " ", text)).strip()
