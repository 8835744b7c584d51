"""What a receptionist needs to know, and how to tell whether the knowledge base says it.

Each topic has parts, each with a pattern that shows a sentence of the knowledge really
states it, and the question to ask when no sentence does (see `gaps`). This list is also
the floor under the model: whatever the model writes, every uncovered part gets a question.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_DAY = r"(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*"
_TIME = r"\b\d{1,2}(?::\d{2})?\s*(?:am|pm|a\.m\.|p\.m\.)|\b\d{1,2}:\d{2}\b"


@dataclass(frozen=True)
class Part:
    """One thing a topic needs: found when `pattern` matches the retrieved text."""

    key: str
    pattern: str
    ask: str  # the question when nothing on the site says it
    confirm: str = ""  # when found but worth checking: "{quote}" is the site's words

    def search(self, text: str) -> re.Match[str] | None:
        return re.search(self.pattern, text, re.IGNORECASE)


@dataclass(frozen=True)
class Topic:
    key: str
    label: str
    parts: tuple[Part, ...]
    # Only the owner can say these (the website never does): always asked.
    owner_only: bool = False


TOPICS: tuple[Topic, ...] = (
    Topic(
        "business",
        "What the business does and for whom",
        (
            Part(
                "description",
                r"\b(we are|we're|we offer|we provide|our (team|clinic|shop|studio|office))\b",
                "In a sentence or two, what does your business do, and who are your "
                "typical callers?",
                confirm='Your site describes you as "{quote}". Should the receptionist '
                "describe you that way?",
            ),
        ),
    ),
    Topic(
        "services",
        "Services and prices",
        (
            Part(
                "services",
                r"\b(services?|treatments?|menu|we offer|products?)\b",
                "Which services should the receptionist know about?",
            ),
            Part(
                "prices",
                r"[$€£]\s?\d|\b\d+\s?(dollars|euros|pounds)\b",
                "What do your main services cost? Callers ask about prices first.",
                confirm='Your site lists prices such as "{quote}". Are your prices current?',
            ),
        ),
    ),
    Topic(
        "hours",
        "Opening hours and holidays",
        (
            Part(
                "hours",
                rf"{_DAY}.{{0,40}}?(?:{_TIME})|(?:{_TIME}).{{0,40}}?{_DAY}",
                "What are your opening hours, day by day?",
                confirm='Your site gives your hours as "{quote}". Is that still right?',
            ),
            Part(
                "holidays",
                r"\b(holiday|christmas|new year|thanksgiving|bank holiday|closed on)\b"
                r"|\bclosed\b.{0,20}\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*"
                r"\.?\s+\d{1,2}\b",
                "Are you closed or on different hours on public holidays?",
            ),
        ),
    ),
    Topic(
        "location",
        "Location and parking",
        (
            Part(
                "address",
                # A street number (not a year), capitalised words, a street word.
                r"\b(?!(?:19|20)\d\d\b)\d{1,5}\s+[A-Z][a-z]+(\s+[A-Z][a-z]+)*\s+"
                r"(street|st|road|rd|lane|ln|avenue|ave|way|drive|dr|boulevard|blvd)\b",
                "What is your address, so callers can find you?",
                confirm='Your site gives your address as "{quote}". Is that where callers '
                "should come?",
            ),
            Part(
                "timezone",
                r"$^",  # derived from the address or phone in code (see `time_zones`)
                "Which time zone are you in (a city or region, for example New York or "
                "Europe/London)? Bookings and opening hours use it.",
                confirm="From {source}, your time zone looks like {quote}. Is that right?",
            ),
            Part(
                "parking",
                r"\b(parking|car park|park (on|at|behind|in)|bus stop|train station)\b",
                "Is there parking, or how do people best get to you?",
            ),
        ),
    ),
    Topic(
        "booking",
        "Booking rules and appointment types",
        (
            Part(
                "types",
                r"\b\d+\s?(minutes?|mins?|hours?)\b.{0,60}\b(appointment|visit|session|consult)"
                r"|\b(appointment|visit|session|consult)\w*\b.{0,60}\b\d+\s?(minutes?|mins?)\b",
                "Which kinds of appointments can callers book, and how long does each "
                "take (for example: check-up, 30 minutes)?",
            ),
        ),
    ),
    Topic(
        "cancellation",
        "Cancellation policy",
        (
            Part(
                "policy",
                r"\bcancel\w*\b.{0,120}\b(\d+\s?hours?|\d+\s?days?|notice|fee)\b",
                "What is your cancellation policy: how much notice, and is there a fee?",
                confirm='Your site says: "{quote}". Should the receptionist tell callers '
                "exactly that?",
            ),
        ),
    ),
    Topic(
        "handoff",
        "Who takes over from the receptionist",
        (
            Part(
                "contacts",
                r"$^",  # websites list a general number, not who takes over: always ask
                "When a caller needs a person (an emergency, a complaint, something the "
                "receptionist can't answer), who should they be passed to, and how do "
                "they reach them: a name with a phone number or email?",
            ),
        ),
        owner_only=True,
    ),
    Topic(
        "boundaries",
        "What never to say",
        (
            Part(
                "never",
                r"$^",
                "Is there anything the receptionist must never say, promise or give advice about?",
            ),
        ),
        owner_only=True,
    ),
    Topic(
        "persona",
        "Name and tone of the receptionist",
        (
            Part(
                "persona",
                r"$^",
                "What should your receptionist be called, and how should it sound: "
                "warm and chatty, or brief and formal?",
            ),
        ),
        owner_only=True,
    ),
    Topic(
        "languages",
        "Languages",
        (
            Part(
                "languages",
                r"\b(we speak|languages?|spanish|french|german|mandarin|cantonese|"
                r"portuguese|arabic|hindi|español)\b",
                "Which languages should the receptionist speak with callers?",
            ),
        ),
    ),
)

TOPIC_BY_KEY = {topic.key: topic for topic in TOPICS}
MIN_QUESTIONS = 8
MAX_QUESTIONS = 12
