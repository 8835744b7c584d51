"""Proper names in a sentence: people, streets, products, places.

A name is a capitalised word that does not open a sentence and is not one of the words
English capitalises anyway (weekdays, months, "I", titles). Neighbouring capitalised
words are one name ("Weekend Brunch", "Oak Avenue", "Dr. Patel"). A name is supported when
the evidence holds it as a phrase; otherwise each of its words must be in the evidence,
except a street, which must be there whole: "Main" and "Street" from two different lines
do not make "Main Street" the business's address.
"""

from __future__ import annotations

import re

from frontdesk.runtime.claims import MONTHS, WEEKDAYS, Claim

_STREETS = {
    "st": "street", "street": "street", "ave": "avenue", "avenue": "avenue", "rd": "road",
    "road": "road", "blvd": "boulevard", "boulevard": "boulevard", "ln": "lane",
    "lane": "lane", "dr": "drive", "drive": "drive", "way": "way", "pl": "place",
    "place": "place", "sq": "square", "square": "square", "ct": "court", "court": "court",
    "terrace": "terrace", "crescent": "crescent", "close": "close", "pkwy": "parkway",
    "parkway": "parkway", "hwy": "highway", "highway": "highway",
}  # fmt: skip
# Words written with a capital that name nothing the business could have invented.
_ALWAYS_CAPITAL = frozenset(
    [*WEEKDAYS, *MONTHS, *(d[:3] for d in WEEKDAYS), *(m[:3] for m in MONTHS)]
    + "tues thur thurs sept i i'm i'll i've i'd ok okay mr mrs ms mx dr prof sir madam "  # noqa: SIM905
    "ma'am am pm hi hello hey thanks thank yes no sure great please sorry absolutely "
    "certainly perfect wonderful welcome goodbye bye of and the".split()
)
# Abbreviations whose period does not end a sentence (also used to cut a streamed reply).
ABBREVIATIONS = frozenset(
    "dr mr mrs ms mx st prof sr jr mt ft no vs etc e.g i.e approx ave rd blvd inc ltd co".split()  # noqa: SIM905
)
_WORD = re.compile(r"[A-Za-z][\w'’]*(?:-[A-Za-z][\w'’]*)*")
_OPENS = re.compile(r"[\"“‘(\[]\s*$|^\s*$|[-•*]\s+$|\n\s*$")
_ENDS = re.compile(r"(?P<word>[\w.]*)(?P<mark>[.!?:;])[\"”’)\]]*\s+$")


def normal_words(text: str) -> list[str]:
    """Lower-case words, possessives dropped, street abbreviations spelled out."""
    words = []
    for word in re.findall(r"[a-z0-9]+(?:['’][a-z]+)?", text.lower()):
        word = re.sub(r"['’]s$", "", word)
        words.append(_STREETS.get(word, word))
    return words


def _opens_sentence(before: str) -> bool:
    if _OPENS.search(before):
        return True
    end = _ENDS.search(before)
    if end is None:
        return False
    return end.group("mark") != "." or end.group("word").lower() not in ABBREVIATIONS


def name_claims(text: str, written: str) -> list[Claim]:
    """The proper names of one sentence: `text` has its other claims blanked out, `written`
    is the same sentence before that (its periods show where sentences open)."""
    runs: list[list[tuple[str, bool]]] = []  # each: (word, opens a sentence)
    last_end = -1
    for match in _WORD.finditer(text):
        word = match.group(0)
        if not word[0].isupper():
            last_end = -1
            continue
        between = text[last_end : match.start()] if last_end >= 0 else None
        opens = _opens_sentence(written[: match.start()])
        # One name runs across single spaces and title periods ("Dr. Patel"), not commas.
        if (
            between is not None
            and re.fullmatch(r"\.?\s", between)
            and not (between.startswith(".") and opens)
        ):
            runs[-1].append((word, opens))
        else:
            runs.append([(word, opens)])
        last_end = match.end()
    claims = []
    for run in runs:
        checked = [
            w for i, (w, opens) in enumerate(run)
            if not (i == 0 and opens) and _base(w) not in _ALWAYS_CAPITAL
        ]  # fmt: skip
        if not checked:
            continue
        phrase = " ".join(normal_words(" ".join(w for w, _ in run)))
        # The word opening the sentence may be an ordinary word ("Our Tasting Menu").
        short = " ".join(normal_words(" ".join(w for w, _ in run[1:]))) if run[0][1] else ""
        street = len(run) > 1 and run[-1][0].lower().rstrip(".") in _STREETS
        words = tuple(w for c in checked for w in normal_words(c))
        text_of = " ".join(w for w, _ in (run[1:] if run[0][1] else run))
        claims.append(Claim("name", text_of, (phrase, short, words, street)))
    return claims


def _base(word: str) -> str:
    word = re.sub(r"['’]s$", "", word.lower())
    return word[:-1] if word.endswith("s") and word[:-1] in _ALWAYS_CAPITAL else word
