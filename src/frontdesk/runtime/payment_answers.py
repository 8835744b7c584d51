"""'Can I pay with Afterpay?': yes, when the business's payments line names it.

Sites list how they take payment on one line ("Payment accepted: Cash, EFTPOS, Credit Card,
Afterpay", from schema.org's paymentAccepted or a footer), and callers ask about one way
of paying. Given that very line in its note, the embedded 1.5B model answered "I don't
have that in front of me". When the way the caller names is on a line about paying, the
desk says yes with the line as written. A way of paying the line does not name stays with
the model (the line may not be the whole story, and "we don't take it" is no fact on file),
as does a line with an exception in it ("all major cards except Amex").
"""

from __future__ import annotations

import re

from frontdesk.knowledge.passage_pieces import in_context, pieces, stems_of
from frontdesk.runtime.grounding import full_sentence

_ASKS_PAYING = re.compile(
    r"^\s*(?:can|could|do|does|will|is|are|may)\b.*(?:\bpay(?:ing)?\s+(?:with|by|using|via|in|on)"
    r"\b|\b(?:take|accept)\b)",
    re.IGNORECASE,
)
# Words of asking to pay: what is left names the way of paying ("Afterpay", "Apple Pay").
_ASKING = stems_of(
    "can could do does will is are may i we you pay paying payment with by using via in on "
    "take accept it ok okay possible there still"
)
_ABOUT_PAYING = stems_of("pay payment payments accept accepted")
_EXCEPTION = re.compile(
    r"\b(?:except|excluding|but not|not|no|don't|do not|cannot|can't|only)\b", re.IGNORECASE
)


def payment_answer(question: str, texts: list[str]) -> str | None:
    """ "Yes. <the payments line>" when a line about paying names the way asked; else None."""
    if _ASKS_PAYING.search(question) is None:
        return None
    way = stems_of(question) - _ASKING
    if not way:
        return None
    for rank, text in enumerate(texts):
        for piece in pieces(rank, text):
            if piece.is_label or not (piece.stems | piece.label_stems) & _ABOUT_PAYING:
                continue
            if way <= piece.stems and not _EXCEPTION.search(piece.text):
                # The line names its own subject ("Payment accepted: …") or needs its label's.
                said = piece.text if piece.stems & _ABOUT_PAYING else in_context(piece)
                return f"Yes. {full_sentence(said)}"
    return None
