"""A passage read as the pieces a receptionist would quote: its sentences and lines, each
with the label of the block it stands in.

Web pages state facts in blocks: a dish's name, its description and "$34" on three lines;
a person's name, their job title and their story; a plan's name and its price. Split into
sentences alone, "$34" and "Executive Chef" lose what they are about. Here a chunk becomes
pieces, each knowing its label ("Seared Duck Breast", "Maria Santos"), so the knowledge
note can quote "Seared Duck Breast: $34", and the search can compare a question with each
piece in its context rather than with the whole, long chunk.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, replace

from frontdesk.knowledge.stemming import ASKING, stem, terms
from frontdesk.knowledge.synonyms import concepts, implied, plain
from frontdesk.knowledge.text_chunks import HEADING_SEPARATOR

__all__ = ["FILLER", "Piece", "SENTENCE_END", "in_context", "own_heading", "pieces", "stems_of"]

# Split after sentence ends and at line breaks (price lists and hours are written as lines);
# not before a lower-case word, which goes on the sentence of "between 1 and 3 p.m. and
# cost $30" or "e.g. a crown"; not after an initial or a title ("311 W. Monroe St.",
# "Dr. Patel", "J. Okoye"), where a split leaves "We're at 311 W." for the model to say.
SENTENCE_END = re.compile(
    r"(?<=[.!?])(?<!\b[A-Z]\.)(?<!\b(?:Dr|Mr|Ms|Mt|Jr|Sr|St|No)\.)(?<!\b(?:Mrs|Ave|Ste)\.)"
    r"\s+(?![a-z])|\n+"
)

# Question words beyond the index's stopwords: they say how to ask, not what about.
FILLER = ASKING | frozenset(
    stem(w) or w
    for w in "about much many like want need get thing".split()  # noqa: SIM905
)
# A line that names what follows rather than saying something: a dish, a person, a job
# title, a section ("Seared Duck Breast", "Maria Santos", "Opening hours:"). Short, no
# commas (a description lists things), no sentence end. Digits only as part of a name
# ("5-Class Pass", '8" round', "Suite 2B"), never a value: a price, a time, a range, a
# duration or a phone number says something rather than naming it.
_LABEL_MAX_CHARS = 60
_LABEL_MAX_WORDS = 8
_LABEL_SHAPE = re.compile(r"^[^,.!?;…]+:?$")
_LABEL_VALUE = re.compile(
    r"[$£€¥₹%]|\d\s*[-–—:./]\s*\d|\d{3}|\d\s*(?:[ap]\.?m\b|min|hr|hour|day|week|month|year|"
    r"night|person|people|guest|kg|lb|km|mile)|^\W*\d+\W*$",
    re.IGNORECASE,
)
_LABEL_WORD = re.compile(r"[^\W\d_]{3,}")
# A line that opens with a price ("£95 per night", "from $1,450 — …", "90 € for 60 minutes").
_PRICE_FIRST = re.compile(
    r"^(?:from|only|just|starting at)?\s*(?:[$£€¥₹]\s?\d|\d[\d.,]*\s?(?:[$£€¥₹]|eur\b|euros?\b|"
    r"dollars\b|pounds\b))",
    re.IGNORECASE,
)
# A price written with its currency ("€12", "$1,450", "90 €"), and how long a line that
# states a card's price may be ("Most popular — €55/month", "from £135 per night").
_PRICED = re.compile(r"[$£€¥₹]\s?\d|\d\s?[$£€¥₹]")
_CARD_PRICE_MAX_CHARS = 40
_PARAGRAPH = re.compile(r"\n\s*\n")
_LABEL_JOIN = " — "
_LABEL_RUN = 2
_BARE_MAX_CHARS = 30
_VALUE_JOIN = " — "
# An FAQ answer shorter than this ("No.") takes the next sentence with it.
_ANSWER_MIN_CHARS = 24
_WORDS = re.compile(r"[^\W\d_]{2,}")
_CLOCK_WORDS = re.compile(r"(?<=\d)\s?[ap]\.?m\b\.?|\b(?:from|to|per|each)\b", re.IGNORECASE)


def stems_of(text: str) -> set[str]:
    # The keyword index's stemmer: "held"/"hold", "vaccinations"/"vaccination",
    # "cleaning"/"clean" meet; numbers stay whole; "head chef" meets "Executive Chef".
    return (concepts(terms(plain(text))) | implied(text)) - FILLER


def specific_stems_of(text: str) -> set[str]:
    """`stems_of` with a kind of a thing kept apart from the thing ("cockatiel", "birds"):
    what a denial names must be what the page names."""
    return (concepts(terms(plain(text)), kinds=False) | implied(text)) - FILLER


@dataclass(frozen=True)
class Piece:
    """One sentence or line of a chunk, with the label of the block it stands in."""

    rank: int
    position: int
    text: str
    label: str
    is_label: bool
    stems: frozenset[str]
    label_stems: frozenset[str]
    # An item of a list a sentence introduced: never said without that sentence.
    listed: bool = False

    def needs_label(self, wanted: set[str], names: bool = False) -> bool:
        """Whether its label holds a word of the question that the sentence lacks: "$34"
        says nothing about "how much is the duck?" without "Seared Duck Breast". When the
        caller asks who, the label is the answer ("Maria Santos" over "Executive Chef — Maria
        grew up…"), whatever words it shares."""
        if self.is_label or not self.label:
            return False
        if self.listed:
            return True
        if names and self.label_stems - self.stems:
            return True
        if _PRICE_FIRST.match(self.text):
            # "£95 per night" or "from $125 — …" alone is a price of nothing in particular.
            return True
        return bool((wanted & self.label_stems) - self.stems)


def _is_label(line: str) -> bool:
    return (
        2 < len(line) <= _LABEL_MAX_CHARS
        and len(line.split()) <= _LABEL_MAX_WORDS
        and _LABEL_SHAPE.match(line) is not None
        and _LABEL_WORD.search(line) is not None
        and not _LABEL_VALUE.search(line)
    )


def _is_bare(line: str) -> bool:
    """A value with no words of its own ("$34", "£9.50", "7:30 – 9:30"): it belongs to the
    line before it."""
    return len(line) <= _BARE_MAX_CHARS and not _WORDS.search(_CLOCK_WORDS.sub("", line))


def _body_lines(body: str) -> list[tuple[str, bool]]:
    """The body's lines, each bare value joined to the line before it, with whether the
    line is a label. A run of more than two label-shaped lines is a list (an address, a set
    of services), not a name and its role: only its first line labels what follows. Blank
    lines part paragraphs, which tell a pricing card from the next (`_card_labels`)."""
    lines: list[str] = []
    opens: list[bool] = []  # whether the line opens a paragraph
    for paragraph in _PARAGRAPH.split(body):
        own: list[str] = []
        joined: list[tuple[str, str] | None] = []  # (name, value) of a line joined so
        for raw in paragraph.split("\n"):
            line = raw.strip().lstrip("-•*· ").strip()
            if not line:
                continue
            if (own or lines) and _is_bare(line):
                if own:
                    joined[-1] = (own[-1], line) if joined[-1] is None else None
                    own[-1] = f"{own[-1]}{_VALUE_JOIN}{line}"
                else:
                    lines[-1] = f"{lines[-1]}{_VALUE_JOIN}{line}"
            else:
                own.append(line)
                joined.append(None)
        # A card's name and price on two lines ("Day Pass", "€12"), then what the pass
        # gives: the name stays a line of its own, to label the whole card. (Rows of a
        # table split over lines, "Dog vaccination" "$110" "Cat vaccination" "$95", pair
        # up more than once and stay joined.)
        head = joined[0] if joined else None
        if (
            head is not None
            and len(own) > 1
            and sum(j is not None for j in joined) == 1
            and _is_label(head[0])
            and _PRICED.search(head[1])
        ):
            own[0:1] = list(head)
        lines.extend(own)
        opens.extend(i == 0 for i in range(len(own)))
    shaped = [_is_label(line) for line in lines]
    labels = list(shaped)
    start = 0
    while start < len(lines):
        end = start
        while end < len(lines) and shaped[end]:
            end += 1
        if end - start > _LABEL_RUN:
            # After the value a card opens with ("£135 per night" under a room's name) the
            # run is what the card's heading offers: none of its lines is the subject.
            card = (
                start == 1
                and len(lines[0]) <= _LABEL_MAX_CHARS
                and _LABEL_VALUE.search(lines[0]) is not None
            )
            first = end if card else start
            labels[start:end] = [i == first for i in range(start, end)]
            if _paired(opens, start, end):
                # Cards of a name and a title each ("Luis Romero" / "Lead Technician,
                # Subaru & Toyota specialist", a paragraph apiece): each name labels its
                # own title, not the first name every line of the grid.
                labels[start:end] = opens[start:end]
        start = end + 1
    _card_labels(lines, opens, shaped, labels)
    return list(zip(lines, labels, strict=True))


def _paired(opens: list[bool], start: int, end: int) -> bool:
    """Whether the run of lines start…end is paragraphs of exactly two lines each (the
    last one's second line may be past the run: "Lead Technician, Subaru & Toyota
    specialist" has a comma no label has)."""
    if end < len(opens) and not opens[end]:
        end += 1  # the run's last paragraph goes on
    if not opens[start] or (end < len(opens) and not opens[end]) or (end - start) % 2:
        return False
    return all(opens[i] != opens[i + 1] for i in range(start, end - 1))


def _card_labels(
    lines: list[str], opens: list[bool], shaped: list[bool], labels: list[bool]
) -> None:
    """A paragraph that opens with a name (or a name and a badge) and then a price is a
    card of a pricing grid ("Full Access", "€55/month", "Unlimited classes", "Free
    induction"): the name labels every line of it, and the short lines after the price are
    what the plan offers, not names of their own. A body that opens with a price is the card
    of the chunk's own heading ("Student" over "€35/month", "Valid student card required")."""
    starts = [i for i, opened in enumerate(opens) if opened] + [len(lines)]
    for index, (start, end) in enumerate(itertools.pairwise(starts)):
        named = 0
        while named < _LABEL_RUN and start + named < end and shaped[start + named]:
            named += 1
        price = start + named
        if price >= end or not _is_card_price(lines[price]):
            continue
        if named == 0 and index > 0:
            continue  # a price opening a later paragraph: its name is not known here
        labels[start:end] = [i < price for i in range(start, end)]
        if named and end < len(lines) and shaped[end]:
            labels[end] = True  # the next card's name, or the next section's heading


def _is_card_price(line: str) -> bool:
    return len(line) <= _CARD_PRICE_MAX_CHARS and _PRICED.search(line) is not None


def own_heading(text: str) -> str:
    """A chunk's own heading: the last of its "title › heading" path ("" when it has none)."""
    head = text.partition("\n\n")[0] if "\n\n" in text else ""
    return head.split(HEADING_SEPARATOR.strip())[-1].strip()


def pieces(rank: int, text: str) -> list[Piece]:
    """The sentences of a chunk, each labelled with what it is about.

    A chunk reads "title › heading", a blank line, then its body. In the body a run of label
    lines opens a block ("Seared Duck Breast" then its description and "$34"; "Maria
    Santos", "Executive Chef" then her story) that lasts until the next label after other
    text; lines before the first label belong to the chunk's last heading.
    """
    body = text.partition("\n\n")[2] if "\n\n" in text else text
    label = own_heading(text)
    run: list[str] = []
    in_run = False
    found: list[Piece] = []
    # A sentence that introduces a list ("We serve Travis County, including:") is the label
    # of the short lines after it: "Pflugerville" alone says nothing of being served.
    intro: str | None = None
    outer = label
    for line, is_label in _body_lines(body):
        listed = intro is not None and _is_label(line)
        if listed:
            is_label, label = False, str(intro)
        elif intro is not None:
            intro, label = None, outer
        elif is_label:
            if not in_run:
                run = []
            run.append(line.rstrip(":").strip())
            label = _LABEL_JOIN.join(run)
        in_run = is_label
        if not is_label and intro is None and line.endswith(":"):
            intro, outer = line.rstrip(":").strip(), label
        label_stems = frozenset(stems_of(label))
        for sentence in SENTENCE_END.split(line):
            sentence = sentence.strip()
            if len(sentence) > 2:
                stems = frozenset(stems_of(sentence))
                found.append(
                    Piece(rank, len(found), sentence, label, is_label, stems, label_stems, listed)
                )
    return _with_answers(found)


def _with_answers(found: list[Piece]) -> list[Piece]:
    """An FAQ's question joined to the answer after it: the caller's question shares its
    words with "Do I need a doctor's referral?", not with "No. You don't need one in BC.",
    so alone the question would be the note and its answer left out."""
    joined: list[Piece] = []
    index = 0
    while index < len(found):
        piece = found[index]
        index += 1
        if piece.is_label or not piece.text.endswith("?"):
            joined.append(piece)
            continue
        text, stems = piece.text, set(piece.stems)
        # "No." or "Yes, we do." says little alone: the sentence after it says what.
        while index < len(found) and len(text) - len(piece.text) < _ANSWER_MIN_CHARS:
            answer = found[index]
            if answer.is_label or answer.text.endswith("?") or answer.label != piece.label:
                break
            text, stems = f"{text} {answer.text}", stems | answer.stems
            index += 1
        joined.append(replace(piece, text=text, stems=frozenset(stems)))
    return [replace(p, position=i) for i, p in enumerate(joined)]


def in_context(piece: Piece) -> str:
    """The piece as a reader meets it: led by its label ("Little Wren: £95 per night")."""
    return f"{piece.label}: {piece.text}" if piece.label and not piece.is_label else piece.text
