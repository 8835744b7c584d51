"""Score and category of a lead, decided in code from what the caller gave and did.

Deterministic on purpose: the owner sorts by the score and reads the reason, so the same
lead must always get the same score, and the reason must name exactly the signals counted.
A model's opinion would be neither repeatable nor explainable.

Categories, first match wins (the order is what the owner acts on first):

- ``booking``: booked an appointment in the same conversation, or asked to book or visit;
- ``pricing``: asked about prices, costs or quotes;
- ``callback``: asked to be called back, or was handed to a person;
- ``service question``: said what they wanted, but none of the above;
- ``other``: said nothing about what they wanted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

CATEGORIES = ("booking", "pricing", "callback", "service question", "other")

# Points per signal; a lead that left only a name and one contact starts low on purpose,
# so that the signals that show intent decide the order.
BASE_POINTS = 10
POINTS = {
    "phone": 20,
    "email": 15,
    "booking": 15,
    "pricing": 15,
    "urgent": 15,
    "booked": 25,
}

_BOOKING = re.compile(r"\b(book\w*|appointment\w*|schedul\w*|reserv\w*|visit\w*|check-?up)\b", re.I)
_PRICING = re.compile(r"\b(price\w*|pricing|cost\w*|quote\w*|fee\w*|rates?|how much)\b", re.I)
_CALLBACK = re.compile(r"\b(call\w* (me )?back|call me|ring me|reach me|contact me)\b", re.I)
_URGENT = re.compile(
    r"\b(urgent\w*|emergenc\w*|asap|as soon as possible|right away|today|immediately)\b", re.I
)


@dataclass(frozen=True)
class LeadSignals:
    """What is known about a lead when it is scored."""

    phone: str | None
    email: str | None
    interest: str | None
    notes: str | None
    booked: bool = False  # an appointment booked in the same conversation
    handed_off: bool = False  # the conversation's outcome was a hand-off to a person


@dataclass(frozen=True)
class LeadScore:
    score: int
    category: str
    reason: str


def _join(parts: list[str]) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def score_lead(signals: LeadSignals) -> LeadScore:
    text = " ".join(t for t in (signals.interest, signals.notes) if t)
    asked_booking = bool(_BOOKING.search(text))
    asked_pricing = bool(_PRICING.search(text))
    asked_callback = bool(_CALLBACK.search(text)) or signals.handed_off
    urgent = bool(_URGENT.search(text))

    score = BASE_POINTS
    sentences: list[str] = []
    contacts = []
    if signals.phone:
        score += POINTS["phone"]
        contacts.append("a phone number")
    if signals.email:
        score += POINTS["email"]
        contacts.append("an email")
    if contacts:
        sentences.append("Gave " + _join(contacts))
    asked = []
    if asked_pricing:
        score += POINTS["pricing"]
        asked.append("prices")
    if asked_booking:
        score += POINTS["booking"]
        asked.append("booking")
    if asked:
        sentences.append("asked about " + _join(asked))
    if urgent:
        score += POINTS["urgent"]
        sentences.append("said it is urgent")
    if signals.booked:
        score += POINTS["booked"]
        sentences.append("booked an appointment")
    if asked_callback:
        sentences.append("wants a call back")

    if signals.booked or asked_booking:
        category = "booking"
    elif asked_pricing:
        category = "pricing"
    elif asked_callback:
        category = "callback"
    elif text.strip():
        category = "service question"
    else:
        category = "other"

    reason = "; ".join(sentences) if sentences else "Left a name only"
    return LeadScore(min(score, 100), category, reason[0].upper() + reason[1:] + ".")
