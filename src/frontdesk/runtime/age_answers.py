"""'Can my 15-year-old join?': the age limit the business's pages state, read out.

Gyms, clinics, studios and guest houses state who they take ("We see patients aged 12 and
up", "Members must be 16 or over; 16 and 17 year olds need a parent to sign"), and callers
ask about one person ("Can you see my eight-year-old daughter?"). Given that line in its
note, the embedded 1.5B model answered "I don't know" or with a rule about something else
(the gym's consent form, without the age). The caller's words share nothing with the line
but the age, so the quoted answers that match words (quoted_answers, faq_answers) never
take it; the age limit itself is what is asked.

The limit said is the first one the passages found state (best passage first), with the
lines of the same block that state one too ("Members must be 16 or over. 16 and 17 year
olds need…"): another block's limit (a kids' class, a different room) is for something
else, and with two blocks in the best passage stating one, the model chooses, with the note.
Lines about group sizes ("Groups of 8+ must call") state no age.
"""

from __future__ import annotations

import re

from frontdesk.knowledge.passage_pieces import Piece, pieces
from frontdesk.runtime.grounding import full_sentence
from frontdesk.runtime.knowledge_note import AGE_ASKED, AGE_SHAPE

# "Parties of 8+", "10+ guests": a number of people, not an age.
_HEADCOUNT = re.compile(
    r"\b(?:group|party|parties|people|persons|guests|diners|covers|seats|pax)\b", re.IGNORECASE
)
_MAX_LINES = 2


def age_answer(question: str, texts: list[str]) -> str | None:
    """The age limit the best passage stating one gives, as written, or None."""
    if not AGE_ASKED.search(question):
        return None
    for rank, text in enumerate(texts):
        limits = [p for p in pieces(rank, text) if _states_age(p)]
        if not limits:
            continue
        blocks = {p.label for p in limits}
        if len(blocks) > 1:
            return None
        return " ".join(_sentence(p.text) for p in limits[:_MAX_LINES])
    return None


def _states_age(piece: Piece) -> bool:
    return (
        not piece.is_label
        and AGE_SHAPE.search(piece.text) is not None
        and not _HEADCOUNT.search(piece.text)
    )


def _sentence(text: str) -> str:
    """An FAQ's answer without its question ("Do you treat children? We see patients aged
    12 and up." is said from "We"), ending as a sentence."""
    asked, mark, answer = text.strip().rpartition("? ")
    if mark and AGE_SHAPE.search(answer):
        text = answer
    return full_sentence(text)
