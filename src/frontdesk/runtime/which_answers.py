"""'Which room has the roll-top bath?': the one card of a grid whose lines say so, by name.

Sites list rooms, plans, classes and treatments as cards: a name, then a few lines of what
it has ("Honeysuckle / £135 per night / Roll-top bath and separate shower"). Asked which
one has a thing, the embedded 1.5B model, given two such cards in its note, named the other
one. When exactly one card of the passages found has a line holding every word the caller
asked about, the desk names that card, with the line.

The card's name is its label (or, for a card that is a chunk of its own, the chunk's
heading); a label that shares a word with the question names a topic ("Bathrooms") or the
section ("Our Rooms"), not the card, and is passed over. What the caller calls the cards
("room", "plan", "class") must be a word of the passage, so a section that is not the grid
asked about does not answer.
"""

from __future__ import annotations

import re

from frontdesk.knowledge.passage_pieces import pieces, stems_of
from frontdesk.knowledge.text_chunks import HEADING_SEPARATOR
from frontdesk.runtime.knowledge_note import THE_BUSINESS

# "Which room has…", "Which of your plans includes…", "What class is good for…".
_ASKS_WHICH = re.compile(
    r"\b(?:which(?:\s+of\s+(?:your|the))?|what)\s+(?P<kind>[a-z]+)\s+(?:has|have|comes?|"
    r"includes?|is|are|does|do|gets?|allows?|takes?|offers?|lets?)\b",
    re.IGNORECASE,
)
# Verbs of having: the question's, not the card's words.
_HAVING = stems_of("has have come comes with include includes get gets allow allows offer")
_NAME_MAX_WORDS = 5


def which_answer(question: str, texts: list[str]) -> str | None:
    """ "That would be Honeysuckle: Roll-top bath and separate shower." or None."""
    asked = _ASKS_WHICH.search(question)
    if asked is None:
        return None
    kind = stems_of(asked["kind"])
    about = stems_of(question) - kind - THE_BUSINESS - _HAVING
    if not kind or not about:
        return None
    found: dict[str, str] = {}
    for rank, text in enumerate(texts):
        if not kind <= stems_of(text):
            continue  # not the grid of the kind asked about
        for piece in pieces(rank, text):
            if piece.is_label or not piece.label or not about & piece.stems:
                continue
            if not about <= piece.stems | piece.label_stems:
                continue
            name = _card_name(piece.label, kind, about)
            if name is not None:
                found.setdefault(name, piece.text.strip().rstrip("."))
    if len(found) != 1:
        return None
    name, line = next(iter(found.items()))
    return f"That would be {name}: {line}."


def _card_name(label: str, kind: set[str], about: set[str]) -> str | None:
    """The card's name of its label: of a run of labels ("Our Rooms — Orchard", "Maria
    Santos — Pastry Chef") the last part that names neither the kind of card nor what was
    asked about."""
    own = label.rpartition(HEADING_SEPARATOR.strip())[2]
    parts = [p.strip() for p in own.split(" — ") if p.strip()]
    names = [p for p in parts if not stems_of(p) & (kind | about)]
    if not names or len(names[-1].split()) > _NAME_MAX_WORDS or len(names) < len(parts) - 1:
        return None
    return names[-1]
