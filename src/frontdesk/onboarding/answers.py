"""Reading the owner's answers: appointment types with durations, contacts, names, tone.

Plain patterns, not a model: the owner types "Check-up 30 minutes, dental 1 hour" or
"Dr. Ana Ruiz, 555-0100" and the same words always give the same settings. What the
patterns cannot read stays in the answer text, which becomes knowledge and instructions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from frontdesk.leads.contact_details import normalize_phone

_DURATION = re.compile(
    r"\b(\d+(?:\.\d+)?|an?|one|half an?)\s*-?\s*(hours?|hrs?|h|minutes?|mins?)\b", re.I
)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(r"\+?\(?\d[\d\s().-]{6,}\d")
_NAME = re.compile(r"\b((?:Dr|Mr|Mrs|Ms|Prof)\.?\s+)?([A-Z][a-z]+(?:[ -][A-Z][a-z]+){0,2})\b")
_NOT_NAMES = {
    "Yes", "No", "Call", "Please", "Our", "The", "For", "If", "When", "Ask", "Pass", "They",
    "She", "He", "It", "We", "Warm", "Friendly", "Formal", "Brief", "English", "Spanish",
    "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "Her",
    "Him", "Them", "Just", "Any", "Anything", "Never", "Always", "Emergencies", "Complaints",
}  # fmt: skip
LANGUAGES = (
    "English", "Spanish", "French", "German", "Italian", "Portuguese", "Dutch", "Polish",
    "Mandarin", "Cantonese", "Japanese", "Korean", "Arabic", "Hindi", "Vietnamese", "Tagalog",
    "Russian", "Turkish", "Greek", "Hebrew",
)  # fmt: skip
TONES = {
    "warm": "warm and friendly",
    "friendly": "warm and friendly",
    "chatty": "chatty and relaxed",
    "cheerful": "cheerful",
    "calm": "calm",
    "formal": "formal and polite",
    "professional": "professional",
    "brief": "brief and to the point",
    "concise": "brief and to the point",
}


# Words of a booking rule, not of a kind of appointment: "Bookings up to 30 days ahead",
# "Groups of 8 or more must call", "48 hours' notice".
_POLICY = re.compile(
    r"\d|\b(?:up to|ahead|advance|notice|must|required?|cancel\w*|deposit|fees?|polic(?:y|ies)|"
    r"days?|weeks?|months?|please|call|only|minimum|maximum|max|min|groups?|part(?:y|ies)|"
    r"online|phone|email|walk-?ins?|welcome|bookings?|reservations? (?:are|is)|held|hold|"
    r"late|arrive|no-?shows?|we|you|they|can|cannot|can't|will|should|need|don't|not|yes|no)\b",
    re.I,
)


def _not_a_kind(name: str) -> bool:
    return len(name.split()) > 5 or bool(_POLICY.search(name))


@dataclass(frozen=True)
class AppointmentKind:
    name: str
    minutes: int | None


def minutes_in(text: str) -> int | None:
    match = _DURATION.search(text)
    if match is None:
        return None
    amount, unit = match.group(1).lower(), match.group(2).lower()
    value = {"a": 1.0, "an": 1.0, "one": 1.0}.get(amount)
    if amount.startswith("half"):
        value = 0.5
    number = value if value is not None else float(amount)
    return int(round(number * 60)) if unit.startswith("h") else int(round(number))


def appointment_kinds(answer: str) -> list[AppointmentKind]:
    """ "Check-ups take 30 minutes, dental cleaning 1 hour and grooming" → three kinds."""
    kinds: list[AppointmentKind] = []
    for piece in re.split(r"[,;\n]|\band\b|\bplus\b", answer):
        minutes = minutes_in(piece)
        name = _DURATION.sub(" ", piece)
        name = re.sub(
            r"\b(takes?|lasts?|is|are|about|around|roughly|for|each|every|we|do|have|offer|"
            r"appointments?|visits?|sessions?|of|the|a|an)\b",
            " ",
            name,
            flags=re.I,
        )
        name = " ".join(re.sub(r"[^\w' -]", " ", name).split()).strip(" -")
        if len(name) >= 3 and not _not_a_kind(name):
            kinds.append(AppointmentKind(name[:1].upper() + name[1:], minutes))
    # The same kind named twice (an answer and its follow-up): one kind, with the duration
    # whichever mention gave.
    merged: dict[str, AppointmentKind] = {}
    for kind in kinds:
        key = kind.name.lower()
        known = merged.get(key)
        if known is None or known.minutes is None:
            merged[key] = AppointmentKind(known.name if known else kind.name, kind.minutes)
    return list(merged.values())[:12]


def emails_in(text: str) -> list[str]:
    return _EMAIL.findall(text)


def phones_in(text: str) -> list[str]:
    found = []
    for raw in _PHONE.findall(text):
        phone = normalize_phone(raw)
        if phone:
            found.append(phone)
    return found


def names_in(text: str) -> list[str]:
    names = []
    for title, name in _NAME.findall(_EMAIL.sub(" ", text)):
        if name.split()[0] in _NOT_NAMES or name in LANGUAGES:
            continue
        names.append((title.strip() + " " if title else "") + name)
    return names


def persona_name(answer: str) -> str | None:
    """ "Call her Maya, warm and friendly" → "Maya"."""
    match = re.search(
        r"\b(?:call(?:ed)?|name(?:d)?|it's|is)\s+(?:her|him|it|them)?\s*([A-Z]\w+)", answer
    )
    if match:
        return match.group(1)
    names = names_in(answer)
    return names[0].split()[-1] if names else None


def tone(answer: str) -> str | None:
    words = re.findall(r"[a-z]+", answer.lower())
    tones = list(dict.fromkeys(TONES[w] for w in words if w in TONES))
    return ", ".join(tones) or None


def languages(answer: str) -> list[str]:
    lower = answer.lower()
    return [name for name in LANGUAGES if name.lower() in lower]


def says_yes(answer: str) -> bool:
    """An answer that confirms what was quoted ("Yes.", "That's right", "correct")."""
    return bool(
        re.match(
            r"\s*(yes|yep|yeah|correct|right|that's right|that is right|still)\b", answer, re.I
        )
    )


def says_no(answer: str) -> bool:
    """An answer that rejects what was quoted ("No, we moved", "not any more")."""
    return bool(re.match(r"\s*(no\b|nope|not\b|wrong|incorrect|outdated|changed)", answer, re.I))
