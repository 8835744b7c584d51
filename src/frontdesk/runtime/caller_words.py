"""What the caller actually said, and whether a contact detail is in it.

A model may put any phone number or email into a tool call: one from a crawled page, an
uploaded document, or made up. Stored as a lead, a booking or a message, such a detail
sends the business's call-back to a stranger (or lets a page's author harvest callers), so
every tool that stores contact details accepts only the ones the caller said. The caller's
words are the conversation's user messages, never the retrieved knowledge placed among them
(`knowledge_note.is_reference`), whichever model wrote the call.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

import phonenumbers
from livekit.agents import llm
from phonenumbers import NumberParseException

from frontdesk.runtime.knowledge_note import is_reference
from frontdesk.runtime.when import NUMBER_WORDS
from frontdesk.runtime.when_said import SaidTime, mentions

# Speech-to-text writes digits as words as often as as numerals ("five five five, zero…").
_DIGIT_WORDS = {
    "zero": "0",
    "oh": "0",
    "o": "0",
    "one": "1",
    "two": "2",
    "three": "3",
    "four": "4",
    "five": "5",
    "six": "6",
    "seven": "7",
    "eight": "8",
    "nine": "9",
}
_DIGIT_WORD = re.compile(r"\b(" + "|".join(_DIGIT_WORDS) + r")\b", re.IGNORECASE)
_EMAIL = re.compile(r"[^\s@<>()\[\],;:\"']+@[^\s@<>()\[\],;:\"']+\.[a-z]{2,}", re.IGNORECASE)
# Seven digits or more, with the separators people write or say between them.
_PHONE = re.compile(r"\+?\d[\d\s().\-/]{5,}\d")
# The national number is what identifies a line; a model may add or drop a country code.
_SIGNIFICANT_DIGITS = 7

_COUNT = r"(\d{1,3}|" + "|".join(NUMBER_WORDS) + r"|a dozen)"
_NOT_A_TIME = r"(?!\s*(?:pm|am|p\.m\.|a\.m\.|o'?clock|:\d|\.\d))"
# "a table for four", "party of 6", "a group of ten", "6 people", "we're 4", "8 of us".
_PARTY = [
    re.compile(
        rf"\b(?:table|booking|reservation|room|space|seats?)\s+for\s+{_COUNT}\b{_NOT_A_TIME}"
    ),
    re.compile(rf"\b(?:party|group)\s+of\s+{_COUNT}\b"),
    re.compile(rf"\b{_COUNT}\s+(?:people|persons|guests|adults|diners|of us|pax|covers)\b"),
    re.compile(
        rf"\b(?:we\s+are|we're|we\s+will\s+be|we'll\s+be|there\s+(?:are|will\s+be))\s+"
        rf"{_COUNT}\b{_NOT_A_TIME}(?!\s*(?:minutes|mins|hours))"
    ),
]
_PARTY_MAX = 500


def caller_texts(chat_ctx: llm.ChatContext) -> list[str]:
    """Every caller message of the conversation, oldest first; knowledge notes are not the
    caller's words even though they travel as user messages."""
    return [
        item.text_content or ""
        for item in chat_ctx.items
        if item.type == "message" and item.role == "user" and not is_reference(item)
    ]


def _count(word: str) -> int:
    word = word.lower()
    if word == "a dozen":
        return 12
    return NUMBER_WORDS.get(word) or int(word)


def party_size_in(text: str) -> int | None:
    """How many people `text` says the booking is for: the last size it states."""
    found: list[tuple[int, int]] = []
    for pattern in _PARTY:
        found += [(m.start(), _count(m.group(1))) for m in pattern.finditer(text.lower())]
    sizes = [size for _, size in sorted(found) if 0 < size <= _PARTY_MAX]
    return sizes[-1] if sizes else None


def significant_digits(value: str, region: str | None) -> str:
    """The national significant number of `value` read in `region` ("+44 7700 900123" and
    "07700 900123" both give 7700900123), or its digits without a trunk '0'."""
    digits = _digits(value)
    if region or value.strip().startswith("+"):
        try:
            number = phonenumbers.parse(value if value.strip().startswith("+") else digits, region)
            return str(number.national_number)
        except NumberParseException:
            pass
    return digits.lstrip("0")


@dataclass
class AskedWhen:
    """The day and time the caller last named, and any the receptionist offered since that
    the caller then answered (an offer the caller took is theirs too)."""

    days: list[date] = field(default_factory=list)
    times: list[SaidTime] = field(default_factory=list)
    offered_days: list[date] = field(default_factory=list)
    offered_times: list[SaidTime] = field(default_factory=list)


def _digits(text: str) -> str:
    return re.sub(r"\D", "", _DIGIT_WORD.sub(lambda m: _DIGIT_WORDS[m.group(1).lower()], text))


def _spoken_email(text: str) -> str:
    """ "ann dot lee at example dot com" as written, for emails said out loud."""
    text = re.sub(r"\s+at\s+", "@", text, flags=re.IGNORECASE)
    return re.sub(r"\s+dot\s+", ".", text, flags=re.IGNORECASE)


def contact_in(text: str) -> str | None:
    """The first email, else the first phone number, written in `text`."""
    found = _EMAIL.search(text) or _PHONE.search(text)
    return found.group(0).strip() if found else None


def looks_like_phone(value: str) -> bool:
    return len(_digits(value)) >= _SIGNIFICANT_DIGITS


class CallerWords:
    """The caller's words so far in one conversation, refreshed before every model turn.

    `region` is the business's country: a number the model wrote in E.164 and one the caller
    said the national way are the same number when their national digits are."""

    def __init__(self, region: str | None = None, line_number: str | None = None) -> None:
        self.region = region
        # A phone call's caller ID: the caller's own number although they never said it.
        self.line_number = line_number
        self._texts: list[str] = []
        # The spoken exchange in order: ("caller" | "agent", text).
        self._said: list[tuple[str, str]] = []

    def hear(self, chat_ctx: llm.ChatContext) -> None:
        self._texts = caller_texts(chat_ctx)
        self._said = [
            ("caller" if item.role == "user" else "agent", item.text_content or "")
            for item in chat_ctx.items
            if item.type == "message"
            and item.role in ("user", "assistant")
            and not is_reference(item)
        ]

    def said_phone(self, value: str) -> bool:
        wanted = significant_digits(value, self.region)
        if len(wanted) < _SIGNIFICANT_DIGITS:
            return False
        if self.line_number and wanted == significant_digits(self.line_number, self.region):
            return True
        # The caller's messages one by one: digits of two messages never join into a number.
        return any(wanted in _digits(text) for text in self._texts)

    def party_size(self) -> int | None:
        """The party size the caller last stated, if any."""
        for text in reversed(self._texts):
            size = party_size_in(text)
            if size is not None:
                return size
        return None

    def asked_when(self, today: date, month_first: bool | None) -> AskedWhen:
        """What day and time the caller asked for (see `AskedWhen`)."""
        read = [(who, mentions(text, today, month_first)) for who, text in self._said]
        asked = AskedWhen()
        for kind in ("days", "times"):
            last = max(
                (i for i, (who, m) in enumerate(read) if who == "caller" and getattr(m, kind)),
                default=None,
            )
            if last is None:
                continue
            setattr(asked, kind, list(getattr(read[last][1], kind)))
            answered = [
                m
                for i, (who, m) in enumerate(read)
                if who == "agent" and i > last and any(w == "caller" for w, _ in read[i + 1 :])
            ]
            offered = [value for m in answered for value in getattr(m, kind)]
            setattr(asked, f"offered_{kind}", offered)
        return asked

    def said_email(self, value: str) -> bool:
        wanted = value.strip().lower()
        if not wanted:
            return False
        for text in self._texts:
            lowered = text.lower()
            if wanted in lowered or wanted in _spoken_email(lowered).replace(" ", ""):
                return True
        return False

    def unsaid(self, *values: str) -> list[str]:
        """The phone numbers and emails in `values` (tool arguments, free text too) that the
        caller did not say. Text with neither is left to the services' own validation."""
        missing: list[str] = []
        for value in values:
            if not value:
                continue
            emails = _EMAIL.findall(value)
            missing += [e for e in emails if not self.said_email(e)]
            rest = _EMAIL.sub(" ", value)
            phones = [p for p in _PHONE.findall(rest) if looks_like_phone(p)]
            missing += [p for p in phones if not self.said_phone(p)]
        return missing
