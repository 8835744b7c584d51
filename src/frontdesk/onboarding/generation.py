"""From what the site says and what the owner answered to the agent's settings.

Every field is derived in code from the survey's quotes, the knowledge chunks and the
answers (read by `answers`), so the same interview always generates the same agent and a
small model cannot invent a price or a phone number. The owner's answers also go into the
instructions verbatim where they are rules ("never quote a diagnosis on the phone").
"""

from __future__ import annotations

import re
from datetime import time
from typing import Any

from frontdesk.agents.country import business_country
from frontdesk.onboarding import answers
from frontdesk.onboarding.booking_settings import booking_settings
from frontdesk.onboarding.interview import Question, answer_to
from frontdesk.runtime.catalog import TOOL_NAMES
from frontdesk.runtime.knowledge_note import sentences

DEFAULT_PERSONA = "Alex"
GENERATED_FIELDS = (
    "persona_name", "greeting", "instructions", "business_facts", "scheduling", "enabled_tools",
)  # fmt: skip
BOOKING_TOOLS = (
    "check_availability", "book_appointment", "reschedule_appointment", "cancel_appointment",
)  # fmt: skip

_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_DAY = r"(mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?"
_CLOCK = r"(\d{1,2})(?::(\d{2}))?\s*(am|pm|a\.m\.|p\.m\.)?"
_HOURS = re.compile(
    rf"{_DAY}(?:\s*(?:[–-]|to|through)\s*{_DAY})?\s*[:,]?\s*(?:from\s+)?{_CLOCK}\s*(?:[–-]|to)\s*{_CLOCK}",
    re.IGNORECASE,
)
_PRICE_AFTER = re.compile(
    r"(?:^|[.;:]\s*|\b(?:an?|the|our)\s+)([A-Za-z][\w' -]{2,40}?)\s+(?:costs?|is|are|starts? at)"
    r"\s+(?:from\s+)?([$€£]\s?\d+(?:[.,]\d{2})?)",
    re.IGNORECASE,
)
_PRICE_IN_BRACKETS = re.compile(r"([A-Z][\w' -]{2,40}?)\s*\(([$€£]\s?\d+(?:[.,]\d{2})?)\)")


def _clock(hour: str, minute: str | None, half: str | None) -> time | None:
    h, m = int(hour), int(minute or 0)
    half = (half or "").lower().replace(".", "")
    if half == "pm" and h < 12:
        h += 12
    elif half == "am" and h == 12:
        h = 0
    return time(h, m) if 0 <= h < 24 and 0 <= m < 60 else None


def weekly_hours(texts: list[str]) -> dict[str, list[dict[str, str]]]:
    """{"mon": [{"opens": "08:00", "closes": "18:00"}], …} from sentences such as
    "Monday–Friday 8:00 am – 6:00 pm"; days no sentence mentions are closed."""
    hours: dict[str, list[dict[str, str]]] = {}
    for text in texts:
        for match in _HOURS.finditer(text):
            first, last = match.group(1).lower()[:3], (match.group(2) or match.group(1))[:3]
            opens = _clock(match.group(3), match.group(4), match.group(5) or match.group(8))
            closes = _clock(match.group(6), match.group(7), match.group(8))
            if opens is None or closes is None or closes <= opens:
                continue
            start, end = _DAYS.index(first), _DAYS.index(last.lower())
            for day in _DAYS[start : end + 1] if start <= end else ():
                hours.setdefault(day, [{"opens": f"{opens:%H:%M}", "closes": f"{closes:%H:%M}"}])
    return {day: hours.get(day, []) for day in _DAYS} if hours else {}


def services_with_prices(chunks: list[tuple[str, str]]) -> list[dict[str, str]]:
    found: dict[str, dict[str, str]] = {}
    for text, _source in chunks:
        for sentence in sentences(text):
            for pattern in (_PRICE_AFTER, _PRICE_IN_BRACKETS):
                for name, price in pattern.findall(sentence):
                    name = re.sub(r"^(an?|the|our)\s+", "", " ".join(name.split()), flags=re.I)
                    name = name.strip(" -")
                    if len(name.split()) > 6 or name.lower() in {"it", "this", "that", "price"}:
                        continue
                    key = name.lower()
                    if key not in found:
                        found[key] = {"name": name[:1].upper() + name[1:], "price": price}
    return list(found.values())[:30]


# A sentence like this gives another line (the emergency number, a partner's), not the
# business's own.
_OTHER_LINE = re.compile(r"emergenc|after[- ]hours|out of hours|forwarded|\bER\b", re.I)


def _main_contact(finder: Any, chunks: list[tuple[str, str]]) -> str:
    """The business's own phone number or email: the one the most sentences give without
    calling it an emergency or after-hours line (then the most mentioned, the first met on a
    tie). Sites repeat the emergency line on many pages; the main number is on fewer."""
    plain: dict[str, int] = {}
    anywhere: dict[str, int] = {}
    for text, _ in chunks:
        for sentence in sentences(text):
            for value in dict.fromkeys(str(v) for v in finder(sentence)):
                anywhere[value] = anywhere.get(value, 0) + 1
                if not _OTHER_LINE.search(sentence):
                    plain[value] = plain.get(value, 0) + 1
    counts = plain or anywhere
    return max(counts, key=lambda value: counts[value], default="")


def _quote(found: dict[str, Any], key: str) -> str:
    return str(found.get(key, {}).get("quote") or "")


def _said(questions: list[Question], question_id: str, found: dict[str, Any], key: str) -> str:
    """The owner's answer when there is one (it is newer than the site), else the site."""
    told = answer_to(questions, question_id)
    if not told or answers.says_yes(told):
        return _quote(found, key)
    return told  # a correction or a fuller answer: the owner's words win


def generate(
    *,
    business: str,
    questions: list[Question],
    found: dict[str, Any],
    chunks: list[tuple[str, str]],
    scheduling: dict[str, Any],
) -> dict[str, Any]:
    """The generated values of `GENERATED_FIELDS`."""
    persona_answer = answer_to(questions, "persona.persona")
    persona = answers.persona_name(persona_answer) or DEFAULT_PERSONA
    tone = answers.tone(persona_answer) or "warm and friendly"
    spoken = answers.languages(answer_to(questions, "languages.languages")) or ["English"]
    handoff_answer = answer_to(questions, "handoff.contacts")
    never = answer_to(questions, "boundaries.never")

    contacts = []
    if handoff_answer:
        names = answers.names_in(handoff_answer)
        phones, emails = answers.phones_in(handoff_answer), answers.emails_in(handoff_answer)
        contacts.append(
            {
                "name": names[0] if names else "The team",
                "phone": phones[0] if phones else None,
                "email": emails[0] if emails else None,
                "when": handoff_answer[:500],
            }
        )
    site_hours = list(
        dict.fromkeys(s for text, _ in chunks for s in sentences(text) if _HOURS.search(s))
    )
    hours_said = answer_to(questions, "hours.hours") or answer_to(questions, "hours.hours.confirm")
    if not hours_said or answers.says_yes(hours_said):
        hours_said = "; ".join(" ".join(s.replace(" | ", " ").split()) for s in site_hours[:3])
    holidays = answer_to(questions, "hours.holidays") or _quote(found, "hours.holidays")
    extra = {
        "Languages": ", ".join(spoken),
        "Parking": answer_to(questions, "location.parking") or _quote(found, "location.parking"),
        "Cancellation policy": _said(
            questions, "cancellation.policy.confirm", found, "cancellation.policy"
        )
        or answer_to(questions, "cancellation.policy"),
        "Never say": never,
    }
    facts = {
        "business_name": business,
        "description": (
            answer_to(questions, "business.description") or _quote(found, "business.description")
        )[:2000]
        or None,
        "address": (
            answer_to(questions, "location.address")
            or _said(questions, "location.address.confirm", found, "location.address")
        )[:500]
        or None,
        "phone": _main_contact(answers.phones_in, chunks) or None,
        "email": _main_contact(answers.emails_in, chunks) or None,
        "hours_note": " ".join(
            x if x.endswith(".") else x + "." for x in (hours_said, holidays) if x
        )[:1000]
        or None,
        "services": services_with_prices(chunks),
        "handoff_contacts": contacts,
        "extra": {k: v[:500] for k, v in extra.items() if v},
    }

    schedule = dict(scheduling)
    # The owner's answer, else what the site states (then the question was not asked).
    kinds = answers.appointment_kinds(_said(questions, "booking.types", found, "booking.types"))
    if kinds:
        schedule["appointment_types"] = [
            {
                "key": re.sub(r"[^a-z0-9]+", "-", k.name.lower()).strip("-")[:64] or "visit",
                "name": k.name,
                "duration_minutes": min(480, max(5, k.minutes or 30)),
            }
            for k in kinds
        ]
    schedule.update(booking_settings(questions, found, schedule))
    # The owner's own hours first: the first mention of a day wins.
    weekly = weekly_hours([hours_said, *site_hours])
    if weekly:
        schedule["hours"] = weekly

    instructions = "\n".join(
        line
        for line in (
            f"You are {persona}, the receptionist of {business}. Be {tone}.",
            f"Speak {' or '.join(spoken)}; answer in the caller's language when you can.",
            f"Cancellation policy: {extra['Cancellation policy']}"
            if extra["Cancellation policy"]
            else "",
            "When a caller needs a person, offer to pass them on: " + handoff_answer
            if handoff_answer
            else "When you cannot help, take a message with the caller's name and number.",
            f"Never: {never}" if never else "",
            "Answer from the business facts and the knowledge you are given; when you do not "
            "know, say so and offer to take a message.",
        )
        if line
    )
    greeting = f"Hello, you've reached {business}, this is {persona}. How can I help you today?"
    # Booking needs appointment types; a handoff needs someone to hand off to. Without them
    # the receptionist takes a message instead of promising what it cannot do.
    tools = [
        name
        for name in TOOL_NAMES
        if not (name in BOOKING_TOOLS and not schedule.get("appointment_types"))
        and not (name == "handoff_to_human" and not contacts)
    ]
    facts["country"] = business_country(facts, schedule.get("timezone"))
    return {
        "persona_name": persona,
        "greeting": greeting,
        "instructions": instructions,
        "business_facts": facts,
        "scheduling": schedule,
        "enabled_tools": tools,
    }


def owner_interview_text(questions: list[Question], labels: dict[str, str]) -> str:
    """The answers as a knowledge source (markdown): one top-level heading per topic, so
    each topic is its own chunk and a caller's question finds the answer that fits."""
    topics: dict[str, list[str]] = {}
    for q in questions:
        if q.get("answer"):
            topics.setdefault(q["topic"], []).append(f"Q: {q['text']}\nA: {q['answer']}")
    return "\n\n".join(
        f"# {labels.get(topic, topic)}\n\n" + "\n\n".join(pairs) for topic, pairs in topics.items()
    )
