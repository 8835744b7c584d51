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

from livekit.agents import llm

from frontdesk.runtime.knowledge_note import is_reference

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


def caller_texts(chat_ctx: llm.ChatContext) -> list[str]:
    """Every caller message of the conversation, oldest first; knowledge notes are not the
    caller's words even though they travel as user messages."""
    return [
        item.text_content or ""
        for item in chat_ctx.items
        if item.type == "message" and item.role == "user" and not is_reference(item)
    ]


def _digits(text: str) -> str:
    return re.sub(r"\D", "", _DIGIT_WORD.sub(lambda m: _DIGIT_WORDS[m.group(1).lower()], text))


def _spoken_email(text: str) -> str:
    """ "ann dot lee at example dot com" as written, for emails said out loud."""
    text = re.sub(r"\s+at\s+", "@", text, flags=re.IGNORECASE)
    return re.sub(r"\s+dot\s+", ".", text, flags=re.IGNORECASE)


def looks_like_phone(value: str) -> bool:
    return len(_digits(value)) >= _SIGNIFICANT_DIGITS


class CallerWords:
    """The caller's words so far in one conversation, refreshed before every model turn."""

    def __init__(self) -> None:
        self._texts: list[str] = []

    def hear(self, chat_ctx: llm.ChatContext) -> None:
        self._texts = caller_texts(chat_ctx)

    def said_phone(self, value: str) -> bool:
        digits = _digits(value)
        if len(digits) < _SIGNIFICANT_DIGITS:
            return False
        # The caller's messages one by one: digits of two messages never join into a number.
        tail = digits[-min(len(digits), 10) :]
        return any(tail in _digits(text) for text in self._texts)

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
