"""'Can you fix my Nissan Leaf?': no, when the business's own line says it does not.

Sites say what they do not do as plainly as what they do ("At this time we do not work on
fully electric vehicles (Tesla, Nissan Leaf, Chevy Bolt, etc.)"), and callers ask about the
one make, brand or product they have. Given that line in its note, the embedded 1.5B model
answered "I don't know that"; a receptionist reads the line out. When the question names
something (words it capitalises past its start: makes, brands, models) and exactly one line
of the passages names all of it after a word of denial, the desk says so with the line.

A denial with an exception ("we don't do colour, except for root touch-ups") or a choice
("not on Sundays, only Saturdays") may be about something else than the thing named, and
stays with the model, as does anything not named.
"""

from __future__ import annotations

import re

from frontdesk.knowledge.passage_pieces import pieces, stems_of
from frontdesk.runtime.grounding import full_sentence
from frontdesk.runtime.knowledge_note import named_stems

# A yes-or-no question about what the business does for the caller.
_ASKS_SERVICE = re.compile(
    r"^\s*(?:can|could|do|does|will|would|are|is)\s+(?:you|y'all|your|the|they)\b",
    re.IGNORECASE,
)
_DENIAL = re.compile(
    r"\b(?:do not|does not|don['’]t|doesn['’]t|cannot|can['’]t|can not|no longer|never|not)\b",
    re.IGNORECASE,
)
_EXCEPTION = re.compile(r"\b(?:except|other than|apart from|but|only|unless)\b", re.IGNORECASE)


def not_offered_answer(question: str, texts: list[str]) -> str | None:
    """ "I'm afraid not. <the line>" when one line of `texts` denies what the question
    names; None otherwise."""
    if _ASKS_SERVICE.search(question) is None:
        return None
    named = named_stems(question)
    if not named:
        return None
    said: list[str] = []
    for rank, text in enumerate(texts):
        for piece in pieces(rank, text):
            if piece.is_label or not named <= piece.stems:
                continue
            denial = _DENIAL.search(piece.text)
            if denial is None or _EXCEPTION.search(piece.text):
                continue
            # The denial comes before the thing named: "we do not work on … Nissan Leaf".
            after = stems_of(piece.text[denial.end() :])
            if named <= after and piece.text not in said:
                said.append(piece.text)
    if len(said) != 1:
        return None
    return f"I'm afraid not. {full_sentence(said[0])}"
