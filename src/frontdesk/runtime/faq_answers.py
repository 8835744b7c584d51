"""A question the business's own FAQ asks, answered with the FAQ's own answer.

Small-business sites answer their callers' commonest questions in an FAQ ("Is there parking
nearby? There is pay & display parking on Kentish Town Road…"). Given exactly that pair in
its note, the embedded 1.5B model still answered "Is there anywhere to park near you?" with
"Yes, there is parking nearby" and the practice's address: the one fact asked for was lost
in the retelling. When the caller's question and one FAQ question of the passages found
say the same thing, the desk reads the FAQ's answer out as the business wrote it.

"The same thing" is strict both ways: every word the FAQ's question asks about is in the
caller's question (so "Is there parking for coaches?" is not answered by "Is there parking
nearby?"), and every word the caller asks about is in the FAQ's question or its answer (so
"Is there parking for a van?" is not answered either: the FAQ does not say). Forms of one
word meet as they do in search ("park"/"parking"), and so do a word and its longer form
("near"/"nearby"). Two FAQ answers that fit → the model, with the note.
"""

from __future__ import annotations

from frontdesk.knowledge.passage_pieces import Piece, pieces, stems_of
from frontdesk.runtime.knowledge_note import THE_BUSINESS

# Words that say how vaguely the caller asks, not what about ("Is there anywhere to park?").
_VAGUE = stems_of("anywhere somewhere anything something anyone someone there")
# A word and a longer form of it meet from this many letters on ("near"/"nearby").
_PREFIX_MIN = 4
# The answer read out: its sentences up to the next question, at most this many characters.
_ANSWER_MAX_CHARS = 320


def faq_answer(question: str, texts: list[str]) -> str | None:
    """The answer of the one FAQ of `texts` (passages, best first) that asks what the caller
    asks, or None."""
    asked = _about(question)
    if not asked:
        return None
    found: list[str] = []
    for rank, text in enumerate(texts):
        found_in = pieces(rank, text)
        for index, piece in enumerate(found_in):
            faq, mark, first = piece.text.partition("? ")
            if piece.is_label or not mark or not first:
                continue
            faq_about = _about(faq)
            if not faq_about or not _covers(asked, faq_about):
                continue
            answer = _answer(first, piece, found_in[index + 1 :])
            if _covers(faq_about | stems_of(answer), asked) and answer not in found:
                found.append(answer)
    return found[0] if len(found) == 1 else None


def _about(text: str) -> set[str]:
    return stems_of(text) - THE_BUSINESS - _VAGUE


def _covers(have: set[str], wanted: set[str]) -> bool:
    return all(any(_same_word(word, h) for h in have) for word in wanted)


def _same_word(a: str, b: str) -> bool:
    if a == b:
        return True
    short, long = sorted((a, b), key=len)
    return len(short) >= _PREFIX_MIN and long.startswith(short)


def _answer(first: str, piece: Piece, after: list[Piece]) -> str:
    """The FAQ's answer: its first sentences, then those after it under the same heading,
    up to the next question."""
    said = [first.strip()]
    for nxt in after:
        if nxt.is_label or nxt.label != piece.label or "?" in nxt.text:
            break
        if sum(map(len, said)) + len(nxt.text) > _ANSWER_MAX_CHARS:
            break
        said.append(nxt.text.strip())
    text = " ".join(said)
    return text if text.endswith((".", "!", "…")) else f"{text}."
