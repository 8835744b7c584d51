"""Words callers and websites use for the same thing, met as one when matching.

A caller asks for the "head chef" of a restaurant whose team grid says "Executive Chef",
asks "who does your desserts?" of a page that says "Pastry Chef", "is there parking?" of a
page that says "car park", "the closest subway" of "two blocks from the Franklin St station".
Stemming joins the forms of one word ("held"/"hold"); these groups join different words a
receptionist would take to mean the same thing. Each group is written as plain words and
compared after stemming (`stemming.terms`), so every form of a word is covered.

Kept to words whose meaning in a business's questions is not in doubt: a word with a common
second sense that would join unrelated sentences ("lead", "senior", "park" as in "the park")
stays out, as do words of two parts ("step-free": "free" alone means much else). A group
is one concept: matching counts it once, whichever of its words is said.
"""

from __future__ import annotations

import functools
import re

from frontdesk.knowledge.stemming import terms

__all__ = ["concept", "concepts", "implied", "plain"]

# Each line is one group; its first word's stem stands for the group (a long group goes on
# over lines that start with that same word).
_GROUPS = """
    head executive chief principal
    owner own owns owned founder proprietor
    dessert pastry pastries sweets
    kid child children toddler daughter son
    first initial
    physio physiotherapy physiotherapist
    pregnancy pregnant prenatal antenatal maternity
    vet veterinarian veterinary
    dentist dental
    doctor physician gp
    subway metro underground tube station
    parking carpark
    vegetarian vegan veggie meatless
    price cost fee charge rate pricing
    cancel cancellation cancelling reschedule
    wheelchair accessible accessibility
    wifi internet
    gluten coeliac celiac
    booking reservation appointment
    discount concession
    trial intro introductory taster newcomer
    gift voucher
    guarantee warranty
    lawyer attorney solicitor
    military veteran
    lunch lunchtime
    cat kitten
    rabbit bunny
    surgery operation
    repair fix correction
    colour color dye
    deliver delivery deliveries delivering delivered
    welcome allow allowed permit permitted bring come
    buy purchase
"""

# Kinds of a thing, each line a family and then its kinds: a page's "Dogs welcome" answers a
# caller's spaniel, but its "birds" are no ground for "cockatiels are not allowed"
# (`concepts(kinds=False)`, as the denial checks read).
_KINDS = """
    dog spaniel labrador retriever terrier poodle beagle collie dachshund greyhound whippet
    dog schnauzer pug labradoodle cockapoo
    bird cockatiel parrot budgie budgerigar canary cockatoo parakeet
    surgery desex desexing desexed spay spayed neuter neutered castration
"""


@functools.cache
def _same(kinds: bool = True) -> dict[str, str]:
    """Each stem of a group → the group's first stem (built once, on first use)."""
    same: dict[str, str] = {}
    for line in (_GROUPS + (_KINDS if kinds else "")).strip().splitlines():
        stems = [stem for word in line.split() for stem in terms(word)]
        for stem in stems:
            same.setdefault(stem, stems[0])
    return same


def concept(stem: str) -> str:
    """The stem that stands for `stem`'s group, or `stem` itself."""
    return _same().get(stem, stem)


def concepts(stems: set[str] | frozenset[str] | list[str], kinds: bool = True) -> set[str]:
    """A set of stems with each word of a group read as the group (and, with `kinds`, each
    kind of a thing as the thing)."""
    same = _same(kinds)
    return {same.get(stem, stem) for stem in stems}


# "15% off all passes" is a discount whether or not the page says the word, and a caller
# asks "Is there a student discount?".
_PERCENT_OFF = re.compile(r"\d\s?%\s*off\b", re.IGNORECASE)


def implied(text: str) -> set[str]:
    """The concepts `text` speaks of without naming them ("10% off": a discount)."""
    return {concept(t) for t in terms("discount")} if _PERCENT_OFF.search(text) else set()


# "We're running a bit late" is late: "running" is no word of the question ("running
# toilets" is), and a site's FAQ asks "What happens if I'm late?".
_RUNNING_LATE = re.compile(
    r"\brunning\s+(?:a\s+(?:bit|little)\s+|quite\s+|very\s+)?(late|behind)\b", re.IGNORECASE
)


# Callers say "Amex" of the card a payments line writes out in full.
_AMERICAN_EXPRESS = re.compile(r"\bamerican\s+express\b", re.IGNORECASE)


# "When do we have to be out of the room?" asks the check-out time; "checkout" is the
# "Check-out" a page writes.
_LEAVING_THE_ROOM = re.compile(
    r"\b(?:(?:be|get)\s+out\s+of|vacate|leave)\s+(?:the|our|my|your)\s+rooms?\b",
    re.IGNORECASE,
)
# "Can we bring our six-year-old?" asks about a child (said as one: a caller's "our
# six-year-old" shares no other word with "Children aged 8 and over"); a page's "for
# 6-year-olds and up" keeps its age and gains the word.
_UNDER_AGE = (
    r"(?:[1-9]|1[0-7]|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
    r"thirteen|fourteen|fifteen|sixteen|seventeen)"
)
_YOUNG_ONE = re.compile(rf"\b{_UNDER_AGE}[- ]year[- ]olds?\b", re.IGNORECASE)
_OUR_YOUNG_ONE = re.compile(
    rf"\b(our|my|his|her|their)\s+{_UNDER_AGE}[- ]year[- ]olds?\b", re.IGNORECASE
)
# "Can you bring the cake to our house?" asks for delivery.
_TO_OUR_DOOR = re.compile(
    r"\b(?:bring|drop|send|take|get)\s+(?P<what>it|them|(?:the|my|our|a|an)\s+[\w-]+)\s+(?:over\s+)?"
    r"to\s+(?:our|my|the)\s+(?:house|home|place|office|door|work|flat|apartment)\b",
    re.IGNORECASE,
)
_CHECK_ONE_WORD = re.compile(r"\bcheck(in|out)s?\b", re.IGNORECASE)


def plain(text: str) -> str:
    """`text` with the idioms that say a plain word put as that word."""
    text = _LEAVING_THE_ROOM.sub("check out", _CHECK_ONE_WORD.sub(r"check \1", text))
    text = _TO_OUR_DOOR.sub(r"deliver \g<what>", text)
    text = _YOUNG_ONE.sub(r"\g<0> child", _OUR_YOUNG_ONE.sub(r"\1 child", text))
    return _AMERICAN_EXPRESS.sub("Amex", _RUNNING_LATE.sub("late", text))
