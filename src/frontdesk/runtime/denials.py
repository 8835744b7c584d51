"""A "no" is a claim too: the business does not do what no text it gave mentions.

Asked "Do you do house calls?" of a vet whose pages never mention them, a small model
answers "No, we don't do house calls", as sure as if the site said so. The claim checks
(claims.py) look for numbers, times and names; a denial has none. So a denial is checked
for its object: what it says the business does not do ("house calls") must appear in what
the receptionist was shown this turn (the owner's facts and instructions, the knowledge
note, tool results), not only in the caller's question. When a word of it appears in none
of them, the "no" was made up, and the caller hears the honest sentence instead.

The object only needs to be mentioned, not denied: "No, you don't need an appointment for
an oil change" rests on "Walk-ins are welcome for oil changes", which names each thing.
"""

from __future__ import annotations

import re

from frontdesk.knowledge.passage_pieces import specific_stems_of, stems_of
from frontdesk.knowledge.stemming import stem
from frontdesk.runtime.knowledge_note import PRICE_SHAPE

# The business denying something, and what, to the end of the clause: "we don't [do house
# calls]", "there is no [parking]", "our studio isn't [available for rent]". Only the
# business as subject: "I can't see a free time" is the desk speaking, not a denial.
_DENIAL = re.compile(
    r"\b(?:we(?:'re| are)?|there|our \w+)\s+(?:do not|don'?t|does not|doesn'?t|can ?not|can'?t|"
    r"won'?t|will not|is not|isn'?t|are not|aren'?t|have no|has no|'s no|is no|are no|"
    r"no longer|never|not)\s+([^,.;!?]+)",
    re.IGNORECASE,
)
# A thing refused entry, by its own name: "Cockatiels are not allowed in the clinic",
# "Dogs aren't permitted". What is refused is the subject, up to three words before it.
_NOT_ALLOWED = re.compile(
    r"\b((?:[A-Za-z-]+\s+){0,2}[A-Za-z-]+)\s+(?:are|is)(?:\s+not|n't)\s+"
    r"(?:allowed|permitted|accepted|welcome)\b",
    re.IGNORECASE,
)
# Saying one does not know is no denial.
_ADMITS = re.compile(
    r"\b(?:know|sure|have that|have any information|information on|find)\b", re.IGNORECASE
)
# Words of offering, the business speaking of itself, words of degree and time that say
# how much of a thing is denied, not which ("longer than 15 minutes", "any more"), and the
# yes itself: none is what is denied or affirmed.
_OFFERING_WORDS = (
    "do does offer offers provide provides sell sells have has make makes take takes "
    "accept accepts allow allows any anything currently really usually at all here we "
    "us our you your it that this there longer shorter more less fewer than other else "
    "anymore today tonight now yet still also too very much many extra same different "
    "right usual normally unfortunately able possible available yes yeah yep absolutely "
    "definitely certainly sure course indeed"
)
OFFERING = frozenset(stem(w) or w for w in _OFFERING_WORDS.split())
_PRICE_WORDS = frozenset(stems_of("price cost fee charge rate"))


def denied(sentence: str, business_name: str = "") -> set[str]:
    """The stems of what `sentence` says the business does not do or have (empty when it
    denies nothing, or only says it does not know)."""
    if _ADMITS.search(sentence):
        return set()
    found: set[str] = set()
    for match in _DENIAL.finditer(sentence):
        found |= specific_stems_of(match.group(1))
    for match in _NOT_ALLOWED.finditer(sentence):
        found |= specific_stems_of(match.group(1))
    return found - OFFERING - specific_stems_of(business_name)


def unfounded_denial(sentence: str, seen: set[str], business_name: str = "") -> bool:
    """Whether `sentence` denies something none of the `seen` words (`seen_in`) names."""
    wanted = denied(sentence, business_name)
    return bool(wanted - seen)


def echoes_unshown(sentence: str, question: str, seen: set[str], business_name: str = "") -> bool:
    """Whether `sentence` only turns the caller's question into a statement ("Is the dining
    room wheelchair accessible?" → "The dining room is wheelchair accessible.") about
    something none of the `seen` words (`seen_in`) names: a "yes" as made up as an unfounded "no". A
    sentence that adds words of its own ("we service electric cars like the Leaf") says
    more than the question and is left to the other checks."""
    if _ADMITS.search(sentence):
        return False
    ignored = OFFERING | stems_of(business_name)
    said = stems_of(sentence) - ignored
    asked = stems_of(question) - ignored
    if not said or not said <= asked:
        return False
    return bool(said - seen)


def seen_in(shown: list[str]) -> set[str]:
    """The words (stemmed, as concepts) of the texts the receptionist was shown, each kind
    of a thing both as itself and as the thing ("cockatiels": a bird, and a cockatiel)."""
    seen: set[str] = set()
    for text in shown:
        seen |= stems_of(text) | specific_stems_of(text)
        if PRICE_SHAPE.search(text):
            # "Free parking" or "$110" speaks of what a thing costs: "there is no charge
            # for parking" rests on it.
            seen |= _PRICE_WORDS
    return seen
