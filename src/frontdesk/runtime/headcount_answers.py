"""'A cake for about 45 people — what size?': the smallest thing on file big enough.

Bakeries list cakes by how many they serve ("Half sheet — Serves: 48 — Price: $160"),
restaurants their private rooms by seats ("Our private room seats up to 24 guests"), guest
houses their rooms by who they sleep. Callers give a number of people, not a size: asked
for a cake for 45, the embedded 1.5B model read the first row ("you should get a 6") and
agreed to a private dinner for twenty without naming the room. When the passages hold
rows of capacities about what was asked, the desk says the smallest one that takes the
number, as the business wrote it.

The number is the caller's ("for about 45 people", "twenty of us"); a request with a day
or a time is a booking, which the desk's own steps take. No row big enough, rows that tie,
or nothing about what was asked: the model answers, with its note.
"""

from __future__ import annotations

import re

from frontdesk.knowledge.passage_pieces import in_context, own_heading, pieces, stems_of
from frontdesk.runtime.caller_words import party_size_in
from frontdesk.runtime.grounding import full_sentence
from frontdesk.runtime.knowledge_note import THE_BUSINESS

# "Serves: 8–10", "seats up to 24", "sleeps 4", "up to 12 guests".
_CAPACITY = re.compile(
    r"\b(?:serves|seats|sleeps|feeds|accommodates|holds)\s*:?\s*(?:up to\s+)?(\d{1,3})"
    r"(?:\s*[-–]\s*(\d{1,3}))?\b|\bup to\s+(\d{1,3})\s+(?:guests|people|persons|diners)\b",
    re.IGNORECASE,
)
# A booking's day or time: the desk's booking steps take those.
_WHEN = re.compile(
    r"\b(?:mon|tues|wednes|thurs|fri|satur|sun)days?\b|\b(?:today|tonight|tomorrow)\b|"
    r"\d\s?(?:[ap]\.?m\b)|\b\d{1,2}:\d{2}\b",
    re.IGNORECASE,
)
# Words of a question that say how many, not what about.
_COUNTING = stems_of(
    "people persons guests adults diners us group party about around roughly some "
    "approximately need want get should size big enough much cost price how many"
)


def headcount_answer(question: str, texts: list[str]) -> str | None:
    """The line of the smallest capacity in `texts` that takes the caller's number of
    people, about what the question asks; None otherwise."""
    size = party_size_in(question)
    if size is None or _WHEN.search(question):
        return None
    about = {s for s in stems_of(question) - _COUNTING - THE_BUSINESS if not s.isdigit()}
    if not about:
        return None
    fits: dict[str, int] = {}  # line as said → the most it takes
    for rank, text in enumerate(texts):
        heading = stems_of(own_heading(text))
        for piece in pieces(rank, text):
            if piece.is_label or not about & (piece.stems | piece.label_stems | heading):
                continue
            most = _most(piece.text)
            if most is not None and most >= size:
                fits.setdefault(in_context(piece), most)
    if not fits:
        return None
    smallest = min(fits.values())
    lines = [line for line, most in fits.items() if most == smallest]
    if len(lines) != 1:
        return None
    return f"For {size} people: {full_sentence(lines[0])}"


def _most(line: str) -> int | None:
    """The most people a line says it takes, or None when it states no capacity."""
    found = _CAPACITY.search(line)
    if found is None:
        return None
    return int(found.group(2) or found.group(1) or found.group(3))
