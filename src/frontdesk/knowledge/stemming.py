"""Words reduced to what they mean for matching: folded, stemmed, numbers and times kept.

Keyword search and the knowledge note compare a caller's words with a page's, and the two
rarely use the same form: "hold my table" and "tables are held", "book" and "bookings",
"cleaning" and "clean". Every word is case- and accent-folded, then reduced by the English
Snowball stemmer; the irregular forms Snowball cannot see ("held", "children", "teeth") are
mapped to their base word first. Numbers stay whole ("$34" is "34"; "eight" is "8"), and a
clock time gets one more term that joins the hour to its half of the day, so "9am", "9 am",
"9:00 a.m." and "9 AM" all meet on "9am".
"""

from __future__ import annotations

import functools
import re
import unicodedata

import snowballstemmer

__all__ = ["ASKING", "asked_terms", "fold", "stem", "terms"]

# Words a question is made of that say nothing about what is asked, and the pieces that
# contractions leave ("we're" is "we" and "re", "don't" is "don" and "t").
_STOPWORD_LIST = """
    a about am an and any are as at be been but by can could did do does for from had has
    have how i if in into is it its me my of on or our please pm so than that the their them
    then there these they this those to us was we were what when where which who whom why
    will with would you your yours being doing having he she him her his hers
    re ll ve don doesn didn isn aren wasn weren won couldn wouldn shouldn haven hasn
"""
STOPWORDS = frozenset(_STOPWORD_LIST.split())

# Irregular forms a suffix stemmer leaves apart from their base word: past tenses of the
# verbs a receptionist hears ("held", "paid", "left") and plurals without an "s".
_IRREGULAR = {
    "held": "hold",
    "kept": "keep",
    "paid": "pay",
    "took": "take",
    "taken": "take",
    "made": "make",
    "left": "leave",
    "sold": "sell",
    "bought": "buy",
    "brought": "bring",
    "went": "go",
    "gone": "go",
    "gave": "give",
    "given": "give",
    "came": "come",
    "ate": "eat",
    "eaten": "eat",
    "chose": "choose",
    "chosen": "choose",
    "spent": "spend",
    "sent": "send",
    "told": "tell",
    "found": "find",
    "met": "meet",
    "ran": "run",
    "children": "child",
    "people": "person",
    "persons": "person",
    "teeth": "tooth",
    "feet": "foot",
    "men": "man",
    "women": "woman",
    "mice": "mouse",
    "geese": "goose",
}

# Numbers callers say as words and pages write as digits ("an eight inch cake", "8″
# round"; "seven courses"), matched as digits. "one" is left a word: far more often "which
# one" than a number.
_NUMBER_WORDS = {
    word: str(value)
    for value, word in enumerate(
        (
            "zero", "", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
            "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
            "eighteen", "nineteen", "twenty",
        )
    )
    if word
} | {"thirty": "30", "forty": "40", "fifty": "50", "sixty": "60", "seventy": "70",
     "eighty": "80", "ninety": "90", "hundred": "100"}  # fmt: skip

_COMBINING = re.compile(r"[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
_POSSESSIVE = re.compile(r"['’]s\b")
# Letters and digits apart: "9am" is "9" and "am", "room12" is "room" and "12".
_PIECE = re.compile(r"\d+|[^\W\d_]+")
# An hour, optional minutes, then am/pm however written: "9am", "9 am", "9:30 a.m.", "9.30pm".
_CLOCK = re.compile(r"(?<![\d.:])(\d{1,2})(?:[:.](\d{2}))?\s?([ap])\.?\s?m\b\.?")
# A size in inches, however written ('8" round', "8″", "8-inch", "an eight inch cake"),
# is one term, "8inch": apart, the "8" would also meet "Serves 8–10" on the 6" cake's row.
_INCH_MARK = re.compile(r"(?<=\d)\s?(?:[\"″”]|′′)")  # (folding writes ″ as two primes)

_stemmer = snowballstemmer.stemmer("english")

# Words of asking, not of what is asked ("Do you guys do brunch?", "I was just wondering if
# you…", "My sister can't eat gluten": who it is for; "partner" stays, a law firm has them):
# how well a text matches a question is judged without them (`asked_terms`); left
# in, "guys", which no page says, would count as a word the site never mentions.
_ASKING_LIST = """
    guy guys folk folks hey hi hello please thank thanks just actually really wonder
    wondering curious anyone quick question ask asking tell know happen happens got
    anything something sister brother wife husband mum mom dad mother father friend
    anywhere somewhere anyone someone anybody somebody able
"""


def fold(text: str) -> str:
    """Lower case without accents: "Café" and "cafe" are one word to a caller."""
    text = text.casefold()
    if text.isascii():
        return text
    return _COMBINING.sub("", unicodedata.normalize("NFKD", text))


# Words whose stem is another word's: "wedding" stems to "wed", which the "Wed 10–8" of an
# opening-hours line is, so "we don't do weddings" seemed to rest on the hours.
_KEPT_WHOLE = {"wedding": "wedding", "weddings": "wedding"}


# Cached because indexing calls this once per word of every chunk; vocabularies are small.
@functools.lru_cache(maxsize=200_000)
def stem(word: str) -> str | None:
    """The matching form of one folded word or number; None for words that carry nothing
    (stopwords, single letters, a bare "00")."""
    word = _NUMBER_WORDS.get(word, word)
    if word.isdigit():
        # "00" of "$35.00" says nothing; "0" of "0 fees" might.
        return word if word.strip("0") or len(word) == 1 else None
    if word in STOPWORDS or len(word) == 1:
        return None
    if word in _KEPT_WHOLE:
        return _KEPT_WHOLE[word]
    return _stemmer.stemWord(_IRREGULAR.get(word, word))


def clock_terms(folded: str) -> list[str]:
    """ "9am" for every 9 o'clock in the morning however it is written ("9:30 a.m." too)."""
    return [f"{int(hour)}{half}m" for hour, _, half in _CLOCK.findall(folded) if int(hour) <= 12]


def terms(text: str) -> list[str]:
    """The matching terms of `text` in order, then its clock times: folded, possessives
    dropped, stopwords out, words stemmed, numbers kept as written digits."""
    folded = _INCH_MARK.sub(" inch ", _POSSESSIVE.sub("", fold(text)))
    found: list[str] = []
    for term in map(stem, _PIECE.findall(folded)):
        if term == "inch" and found and found[-1].isdigit():
            found[-1] += term
        elif term is not None:
            found.append(term)
    found.extend(clock_terms(folded))
    return found


ASKING = frozenset(t for w in _ASKING_LIST.split() if (t := stem(w)) is not None)


def asked_terms(question: str) -> list[str]:
    """The terms of a question without its words of asking (ASKING)."""
    return [t for t in terms(question) if t not in ASKING]
