"""Booking rules in the words a site or an owner states them, read into settings.

"Groups of 8 or more must call us to book", "72 hours' notice for custom cakes", "tables are
held for 15 minutes", "we open reservations 30 days in advance": plain patterns, so the same
words always give the same rule, which the booking tool then enforces in code. A sentence
about cancelling ("cancel at least 24 hours ahead") is a cancellation policy, not a rule for
booking, and is left out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from frontdesk.runtime.when import NUMBER_WORDS

_N = r"(\d{1,4}|" + "|".join(NUMBER_WORDS) + r"|a|an|one)"
_UNIT = r"(minutes?|mins?|hours?|hrs?|days?|weeks?)"
_PEOPLE = r"(?:people|persons|guests|diners|adults|covers|or more|\+)"

# "groups of 8 or more", "parties of 8+", "8 or more guests", "more than 6 people".
_OVER = [
    re.compile(rf"\b(?:groups?|parties|party|bookings?|tables?)\s+of\s+{_N}\s*(?:\+|or more)"),
    re.compile(rf"\b{_N}\s*(?:\+|or more)\s+(?:people|persons|guests|diners)"),
    re.compile(rf"\b(?:more than|over|larger than|above)\s+{_N}\s+(?:people|persons|guests)"),
]
# "up to 6 guests", "maximum party size 6", "max 10 people", "tables for up to 6".
_UP_TO = [
    re.compile(rf"\bup to\s+{_N}\s+(?:people|persons|guests|diners|adults)"),
    re.compile(
        rf"\bmax(?:imum)?\.?\s+(?:party size|group size|of|party|group)?\s*(?:is\s+)?{_N}"
        rf"(?:\s+{_PEOPLE})?"
    ),  # fmt: skip
    re.compile(rf"\b(?:parties|groups|tables)\s+(?:for|of)\s+up to\s+{_N}"),
    # "Tables seat up to 6": what is booked holds that many. (A room that "seats up to 24
    # guests" is a room for private parties, not the size of a booking.)
    re.compile(rf"\btables?\s+(?:seat|sit|take|hold)s?\s+up to\s+{_N}"),
]
# "72 hours' notice for custom cakes", "book at least 24 hours ahead", "2 days in advance".
_NOTICE = re.compile(
    rf"\b(?:at least\s+)?{_N}\s*[- ]?\s*{_UNIT}['’]?s?\s*(?:notice|ahead|in advance|before)"
    r"(?:\s+(?:is\s+)?(?:required|needed))?(?:\s+(?:for|on)\s+([a-z][\w' -]{2,40}))?",
)
# "Custom cakes need 72 hours' notice": the kind comes first.
_NOTICE_AFTER = re.compile(
    rf"^(?:our\s+|all\s+)?([a-z][\w' -]{{2,40}}?)\s+(?:need|require|take)s?\s+(?:at least\s+)?"
    rf"{_N}\s*[- ]?\s*{_UNIT}['’]?s?\s*(?:notice|in advance)"
)
# In the owner's answer to the rule question, "make it 10 or more" is the group size.
_OVER_SAID = re.compile(rf"\b{_N}\s*(?:\+|or more)")
_HOLD = [
    re.compile(rf"\bheld\s+(?:for\s+)?(?:up to\s+)?{_N}\s*{_UNIT}"),
    re.compile(
        rf"\bhold\s+(?:your\s+|the\s+|a\s+)?(?:table|booking|reservation|slot)s?\s+"
        rf"(?:for\s+)?{_N}\s*{_UNIT}"
    ),  # fmt: skip
    re.compile(rf"\bgrace period of\s+{_N}\s*{_UNIT}"),
]
# "we open reservations 30 days in advance", "bookings up to 30 days ahead", "members can
# book 7 days ahead" (how far ahead one may book, not the notice needed).
_HORIZON = re.compile(
    rf"\b(?:open|take|accept|up to|as far as|no more than|can)\b[\w\s]{{0,30}}?\b{_N}\s*"
    rf"(days?|weeks?|months?)\s*(?:in advance|ahead)"
)
_CANCEL = re.compile(r"\b(cancel|no[- ]shows?|refund|reschedul)", re.IGNORECASE)


@dataclass
class BookingRules:
    max_party_size: int | None = None
    notice_minutes: int | None = None
    # The kind the notice is for ("custom cakes"); None for every booking.
    notice_for: str | None = None
    hold_minutes: int | None = None
    horizon_days: int | None = None
    sentences: list[str] = field(default_factory=list)

    def any(self) -> bool:
        return any(
            v is not None
            for v in (
                self.max_party_size,
                self.notice_minutes,
                self.hold_minutes,
                self.horizon_days,
            )  # fmt: skip
        )


def _number(word: str) -> int:
    word = word.lower()
    if word in ("a", "an", "one"):
        return 1
    return NUMBER_WORDS.get(word) or int(word)


def _minutes(amount: str, unit: str) -> int:
    unit = unit.lower()
    per = 1
    if unit.startswith("h"):
        per = 60
    elif unit.startswith("d"):
        per = 24 * 60
    elif unit.startswith("w"):
        per = 7 * 24 * 60
    return _number(amount) * per


def _clauses(text: str) -> list[str]:
    return [c.strip() for c in re.split(r"(?<=[.!?;])\s+|\n+", text) if c.strip()]


def read_rules(text: str, *, answer: bool = False) -> BookingRules:
    """The booking rules `text` states; a rule left unsaid stays None. An owner's `answer`
    to the rule question may give a group size without saying "people"."""
    rules = BookingRules()
    for clause in _clauses(text):
        if _CANCEL.search(clause):
            continue
        lower = clause.lower()
        found = False
        for pattern in _OVER:
            if m := pattern.search(lower):
                rules.max_party_size, found = max(1, _number(m.group(1)) - 1), True
                break
        else:
            for pattern in _UP_TO:
                if m := pattern.search(lower):
                    rules.max_party_size, found = _number(m.group(1)), True
                    break
            else:
                if answer and (m := _OVER_SAID.search(lower)):
                    rules.max_party_size, found = max(1, _number(m.group(1)) - 1), True
        if m := _HORIZON.search(lower):
            unit = m.group(2)
            days = _number(m.group(1)) * (
                7 if unit.startswith("w") else 30 if unit.startswith("mo") else 1
            )
            rules.horizon_days, found = min(366, days), True
        elif m := _NOTICE_AFTER.search(lower):
            rules.notice_minutes, found = _minutes(m.group(2), m.group(3)), True
            subject = m.group(1).strip()
            generic = re.fullmatch(
                r"(?:all\s+)?(?:bookings?|reservations?|appointments?|orders?)|we|you|please",
                subject,
            )
            rules.notice_for = None if generic else subject
        elif m := _NOTICE.search(lower):
            rules.notice_minutes, found = _minutes(m.group(1), m.group(2)), True
            target = (m.group(3) or "").strip(" .")
            rules.notice_for = target or None
        for pattern in _HOLD:
            if m := pattern.search(lower):
                rules.hold_minutes, found = _minutes(m.group(1), m.group(2)), True
                break
        if found:
            rules.sentences.append(clause)
    return rules


# A checklist pattern for a sentence that states such a rule (see checklist "booking.rules").
RULE_PATTERN = (
    r"^(?!.*\b(?:cancel|no[- ]shows?|refund))(?=.*(?:"
    r"\b(?:groups?|parties|party)\s+of\s+\w+\s*(?:\+|or more)"
    r"|\b\w+\s*(?:\+|or more)\s+(?:people|guests)"
    r"|\bup to\s+\w+\s+(?:people|guests)"
    r"|\btables?\s+(?:seat|sit|take|hold)s?\s+up to\s+\w+"
    r"|\bmax(?:imum)?\s+(?:party|group)"
    r"|\b\w+\s*(?:hours?|days?|weeks?)['’]?s?\s+(?:notice|in advance|ahead)"
    r"|\bheld\s+(?:for\s+)?\w+\s*min"
    r"|\bhold\s+(?:your\s+|the\s+)?(?:table|booking|reservation)s?\s+(?:for\s+)?\w+\s*min"
    r"))"
)
