"""A price or a length of time asked for, answered by quoting the one line that states it.

Given a note holding "Cat vaccination (F3) — $95" and "Dog vaccination (C5) — $110", the
embedded 1.5B model answered "How much to vaccinate my cat?" with the dog's price about as
often as with the cat's, and a price list with NHS and private columns gave the private
price to an NHS patient. When exactly one line of the passages found holds every word the
caller asked about and a value of the kind asked for, that line is the answer: read out as
the business wrote it, nothing can be invented or swapped, and the turn costs no generation.
Lines that state different values (a check-up on the NHS and privately, when the caller
said neither) are the model's to choose between, with the note.

Measured on the answer corpus's 99 questions asking a price or how long (with the search's
top 3, as the agent has them): 34 answered this way, all 34 with the wanted value; the rest
went on to the model. Opening hours are left out: "How late are you open on weekdays?" met
one line, about when the reception is staffed, that was not the answer.
"""

from __future__ import annotations

import re

from frontdesk.knowledge.passage_pieces import Piece, own_heading, pieces, stems_of
from frontdesk.knowledge.text_chunks import HEADING_SEPARATOR
from frontdesk.runtime.knowledge_note import (
    DURATION_SHAPE,
    PRICE_ASKED,
    PRICE_SHAPE,
    THE_BUSINESS,
)

# "Is there a student discount?": a line that gives one ("Students get 15% off all passes").
# The word stays one of what is asked about (unlike "how much"): "New students — €35" is a
# price for students, not a discount.
_DISCOUNT_ASKED = re.compile(r"\b(?:discount(?:s|ed)?|concessions?)\b", re.IGNORECASE)
# (what the question asks, what the line that answers it holds).
_KINDS = (
    (PRICE_ASKED, PRICE_SHAPE),
    (
        re.compile(r"\bhow long\b|\bnotice\b|\bin advance\b|\bahead\b", re.IGNORECASE),
        DURATION_SHAPE,
    ),
    (_DISCOUNT_ASKED, PRICE_SHAPE),
)
# Verbs of asking whether the business has a thing at all ("Do you sell lemon bars? How
# much?"): the price list names the thing, never the selling.
_HAVING = stems_of("sell sells offer offers serve serves carry carries stock make makes do does")
# "What's the halibut going for these days?": when, said in passing, is not what is asked,
# nor the "going to" of "What's a crown going to set me back?".
_NOW = re.compile(
    r"\b(?:these days|nowadays|currently|right now|at the moment|at present|going to|gonna)\b",
    re.IGNORECASE,
)

_NUMBER = frozenset("0123456789.,")
# Headings that name a table's columns, not what it is about.
_TABLE_WORDS = stems_of(
    "size sizes price prices pricing rate rates fee fees cost costs option options"
)


def asks_quotable(question: str) -> bool:
    """Whether the question asks a kind of fact a quoted line can answer."""
    return any(words.search(question) for words, _ in _KINDS)


def quoted_answer(question: str, texts: list[str]) -> str | None:
    """The one line of `texts` (passages, best first) that answers the question, led by its
    label when the label holds a word asked about ("Seared Duck Breast: Cherry jus… — $34"),
    or None."""
    asked = [(words, shape) for words, shape in _KINDS if words.search(question)]
    if not asked:
        return None
    about = _about(question, [words for words, _ in asked if words is not _DISCOUNT_ASKED])
    if not about:
        return None  # "And how much is that?": what "that" is lies in an earlier turn
    shapes = [shape for _, shape in asked]
    # Lines that state the same values say the same thing (the price list and the owner's
    # services, a footer on two pages): the first, from the best passage, is said.
    found: dict[tuple[str, ...], str] = {}
    for rank, text in enumerate(texts):
        page = stems_of(own_heading(text))
        for piece in pieces(rank, text):
            # A table under a heading that only says what the columns are ("Sizes &
            # prices") is about the page's subject: its row '8" round — $65' on the
            # "Custom Cakes" page is the eight-inch cake's price. (Not any heading: a site's
            # title lists every service, a card's label says what its lines are about.)
            heading = page if piece.label_stems <= _TABLE_WORDS else set()
            if piece.is_label or not about <= piece.stems | piece.label_stems | heading:
                continue
            values = [_value(piece.text, m) for shape in shapes for m in shape.finditer(piece.text)]
            if all(shape.search(piece.text) for shape in shapes) and _in_its_clause(
                piece.text, about, shapes
            ):
                found.setdefault(tuple(sorted(values)), _said(piece, about, shapes))
    return next(iter(found.values())) if len(found) == 1 else None


def _about(question: str, asking: list[re.Pattern[str]]) -> set[str]:
    """The words of what the question asks about: not the business, not "do you sell", not
    "these days", nor the words that ask for the kind of fact ("how much")."""
    about = stems_of(_NOW.sub(" ", question)) - THE_BUSINESS - _HAVING
    for words in asking:
        about -= {s for m in words.finditer(question) for s in stems_of(m.group())}
    return about


# The parts of a question, and the parts that ask something other than a price ("…, and
# how long can I use it?"): their words are not what the price is of.
_CLAUSE = re.compile(r"[?.!;]\s*|,\s*(?=(?:and|but|or|also)\b)", re.IGNORECASE)
_OTHER_KIND = re.compile(r"\bhow long\b|\bwhen\b|\bwhat time\b|\bwhere\b|\bwho\b", re.I)
# A closest line shares at least this many of the question's words, and one more than any
# line stating another price: "My check engine light came on, what do you charge to find
# out?" has "Check engine light diagnostic: $129" (three words) over "A/C performance
# check: $89" (one).
_CLOSEST_MIN = 2
_CLOSEST_MARGIN = 1


def closest_price(question: str, texts: list[str]) -> str | None:
    """The price line of `texts` that shares clearly the most words with a price question
    when no line holds them all (quoted_answer), read out as the business wrote it; None
    when two lines with different prices come close.

    The caller's words often go beyond the price list's ("My toilet keeps running, how
    much to fix that?" of "Toilet Repair: from $125 — Running toilets, leaks at the base"),
    and the embedded model, given the rows, said the price of a neighbouring one about one
    time in three. Words of the line itself count whole; words only its label or heading
    has count half (unless with the line's they are all the question's words), since a
    section heading ("Cuts & Styling") is every row's. On the
    answer corpus's questions that no other answer in code took: 14 answered, all 14 with
    the wanted price, none of the questions the sites do not answer.
    """
    clauses = [
        c for c in _CLAUSE.split(question) if PRICE_ASKED.search(c) or not _OTHER_KIND.search(c)
    ]
    if not any(PRICE_ASKED.search(c) for c in clauses):
        return None
    asked = " ".join(clauses)
    about = _about(asked, [PRICE_ASKED])
    if len(about) < _CLOSEST_MIN:
        return None
    said = question.lower()
    best: dict[tuple[str, ...], tuple[float, Piece]] = {}
    for rank, text in enumerate(texts):
        page = stems_of(own_heading(text))
        for piece in pieces(rank, text):
            if piece.is_label or not PRICE_SHAPE.search(piece.text):
                continue
            values = tuple(sorted(_value(piece.text, m) for m in PRICE_SHAPE.finditer(piece.text)))
            if all(value in said for value in values):
                continue  # "free" of "Is the first meeting free?" is the caller's word
            own = about & (piece.stems - stems_of(" ".join(values)))
            heading = page if piece.label_stems <= _TABLE_WORDS else set()
            label = (about & (piece.label_stems | heading)) - own
            # Every word asked, the label's too, is as good a match as the line can be.
            score = len(about) if own | label == about else len(own) + len(label) / 2
            if score > best.get(values, (0.0, piece))[0]:
                best[values] = (score, piece)
    ranked = sorted(best.values(), key=lambda found: -found[0])
    if not ranked or ranked[0][0] < _CLOSEST_MIN:
        return None
    if len(ranked) > 1 and ranked[1][0] > ranked[0][0] - _CLOSEST_MARGIN:
        return None
    return _said(ranked[0][1], about, [PRICE_SHAPE])


# A line that lists several things with a value each, one clause each: "Free trials are 1
# hour, personal training sessions 1 hour, inductions 30 minutes".
_LIST_CLAUSE = re.compile(r"[,;]\s+")
_LIST_MIN_CLAUSES = 3
_DIGIT = re.compile(r"\d")
# Words that go with a value and say nothing of what it is for ("£12.50 per person").
_UNIT_WORDS = stems_of(
    "per person people each night hour minute day week month year session guest adult child"
)


def _in_its_clause(text: str, about: set[str], shapes: list[re.Pattern[str]]) -> bool:
    """Whether, in a line listing several things with a value each, the value asked for
    stands in a clause about what was asked, or in one that is only a value ("£12.50 per
    person"): the "Free" of "Free trials are 1 hour" is no price of "personal training
    sessions 1 hour" (asked "What's the price of a personal training session?")."""
    clauses = _LIST_CLAUSE.split(text)
    if len(clauses) < _LIST_MIN_CLAUSES or sum(bool(_DIGIT.search(c)) for c in clauses) < 2:
        return True  # a description ("Cherry jus, farro, charred endive — $34"), not a list
    return any(
        all(shape.search(clause) for shape in shapes)
        and (about & stems_of(clause) or not _words_of(clause) - _UNIT_WORDS)
        for clause in clauses
    )


def _words_of(text: str) -> set[str]:
    return {w for w in stems_of(text) if not w[0].isdigit()}


def _value(text: str, match: re.Match[str]) -> str:
    """The whole value a shape matched part of: "$102" of "$1", "90 €" of "0 €"."""
    start, end = match.span()
    while start > 0 and text[start - 1] in _NUMBER:
        start -= 1
    while end < len(text) and text[end] in _NUMBER:
        end += 1
    return text[start:end].rstrip(".,").lower()


def _said(piece: Piece, about: set[str], shapes: list[re.Pattern[str]]) -> str:
    """The line as said: an FAQ's answer without its question ("What is your cancellation
    policy? Please give us 24 hours' notice" is said from "Please"), a label without the
    page's section path ("Mains › Seared Duck Breast")."""
    text = piece.text.strip()
    _, asked, answer = text.rpartition("? ")
    if asked and all(shape.search(answer) for shape in shapes):
        text = answer
    if not text.endswith((".", "!", "?", "…")):
        text += "."
    label = piece.label.rpartition(HEADING_SEPARATOR.strip())[2].strip()
    return text if about <= piece.stems or not label else f"{label}: {text}"
