"""From what the site says and what the owner answered to the agent's settings.

Every field is derived in code from the survey's quotes, the knowledge chunks and the
answers (read by `answers`), so the same interview always generates the same agent and a
small model cannot invent a price or a phone number. The owner's answers also go into the
instructions verbatim where they are rules ("never quote a diagnosis on the phone").
"""

from __future__ import annotations

import re
from typing import Any

from frontdesk.agents.country import business_country
from frontdesk.onboarding import answers
from frontdesk.onboarding.booking_settings import booking_settings
from frontdesk.onboarding.interview import Question, answer_to
from frontdesk.onboarding.opening_hours import read_week
from frontdesk.onboarding.site_facts import SiteFacts, read_site
from frontdesk.onboarding.site_lines import Line
from frontdesk.onboarding.time_zones import zone_from_answer
from frontdesk.runtime.catalog import TOOL_NAMES
from frontdesk.runtime.knowledge_note import sentences

DEFAULT_PERSONA = "Alex"
GENERATED_FIELDS = (
    "persona_name", "greeting", "instructions", "business_facts", "scheduling", "enabled_tools",
)  # fmt: skip
BOOKING_TOOLS = (
    "check_availability", "book_appointment", "reschedule_appointment", "cancel_appointment",
)  # fmt: skip

_PRICE_AFTER = re.compile(
    r"(?:^|[.;:]\s*|\b(?:an?|the|our)\s+)([A-Za-z][\w' -]{2,40}?)\s+(?:costs?|is|are|starts? at)"
    r"\s+(?:from\s+)?([$€£]\s?\d+(?:[.,]\d{2})?)",
    re.IGNORECASE,
)
_PRICE_IN_BRACKETS = re.compile(r"([A-Z][\w' -]{2,40}?)\s*\(([$€£]\s?\d+(?:[.,]\d{2})?)\)")


def weekly_hours(texts: list[str]) -> dict[str, list[dict[str, str]]]:
    """{"mon": [{"opens": "08:00", "closes": "18:00"}], …} from lines such as
    "Monday–Friday 8:00 am – 6:00 pm"; the first statement of a day wins, days no line
    gives are closed (see `opening_hours`)."""
    lines = [
        Line(line, "", "", i)
        for i, line in enumerate(x for text in texts for x in re.split(r"\n|;\s+", text))
    ]
    return read_week(lines).hours


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


def _quote(found: dict[str, Any], key: str) -> str:
    return str(found.get(key, {}).get("quote") or "")


def _said(questions: list[Question], question_id: str, found: dict[str, Any], key: str) -> str:
    """The owner's answer when there is one (it is newer than the site), else the site."""
    told = answer_to(questions, question_id)
    if not told or answers.says_yes(told):
        return _quote(found, key)
    return told  # a correction or a fuller answer: the owner's words win


def _address_part(said: str) -> str:
    """The sentence of an answer that is the address: "3318 SE Division St. Street parking
    only." is told to callers who ask where the bakery is as "3318 SE Division St" (and
    "311 W. Monroe St., Suite 1600. We validate parking…" as "311 W. Monroe St., Suite 1600":
    no sentence ends at an initial)."""
    parts = [p.strip() for p in re.split(r"(?<=\.)(?<!\b[A-Z]\.)\s+(?=[A-Z])", said) if p.strip()]
    numbered = [p for p in parts if re.search(r"\d", p)]
    return numbered[0].rstrip(".") if len(parts) > 1 and numbered else said


def _time_zone(questions: list[Question], site: SiteFacts) -> str | None:
    """The owner's answer when it names a zone, else the one derived from the site; None
    leaves the agent's zone as it is (the interview asked: it is never silently assumed)."""
    told = answer_to(questions, "location.timezone") or answer_to(
        questions, "location.timezone.confirm"
    )
    if told and not answers.says_yes(told):
        zone = zone_from_answer(told)
        if zone:
            return zone
        if answers.says_no(told):
            return None
    return site.timezone


def appointment_types(answer: str, site: SiteFacts) -> list[dict[str, Any]]:
    """Appointment kinds from the owner's answer, named as the site names its services
    where they match; without an answer, the site's services that state a duration."""
    kinds = answers.appointment_kinds(answer)
    if not kinds:
        kinds = [
            answers.AppointmentKind(item.name, answers.minutes_in(item.description or ""))
            for item in site.services
            if item.description and answers.minutes_in(item.description)
        ]
    by_name = {item.name.lower(): item.name for item in site.services}
    types: list[dict[str, Any]] = []
    for kind in kinds:
        name = by_name.get(kind.name.lower(), kind.name)
        key = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:64] or "visit"
        if any(t["key"] == key for t in types):
            continue
        # Kept as said: booking_settings picks a slot length that every length fits.
        minutes = min(480, max(5, kind.minutes or 30))
        types.append({"key": key, "name": name, "duration_minutes": minutes})
    return types


def generate(
    *,
    business: str,
    questions: list[Question],
    found: dict[str, Any],
    chunks: list[tuple[str, str]],
    scheduling: dict[str, Any],
    site: SiteFacts | None = None,
) -> dict[str, Any]:
    """The generated values of `GENERATED_FIELDS`. `site` is what the site readers found
    when the interview started (read again from `chunks` when absent)."""
    if site is None:
        site = read_site(chunks, business)
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
    site_hours = list(site.week.quotes)
    hours_said = (
        answer_to(questions, "hours.hours")
        or answer_to(questions, "hours.hours.confirm")
        or answer_to(questions, "hours.hours.conflict")
    )
    if not hours_said or answers.says_yes(hours_said):
        hours_said = "; ".join(" ".join(s.replace(" | ", " ").split()) for s in site_hours[:7])
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
    services: list[dict[str, Any]] = [
        {"name": item.name, "price": item.price, "description": item.description}
        for item in site.services
    ]
    named = {str(item["name"]).lower() for item in services}
    services += [s for s in services_with_prices(chunks) if s["name"].lower() not in named]
    facts = {
        "business_name": business,
        "description": (
            answer_to(questions, "business.description")
            or _said(questions, "business.description.confirm", found, "business.description")
            if site.description
            else answer_to(questions, "business.description")
        )[:2000]
        or None,
        "address": _address_part(
            answer_to(questions, "location.address")
            or _said(questions, "location.address.confirm", found, "location.address")
        )[:500]
        or None,
        "phone": site.phones[0].text if site.phones else None,
        "email": site.emails[0] if site.emails else None,
        "hours_note": " ".join(
            x if x.endswith(".") else x + "." for x in (hours_said, holidays) if x
        )[:1000]
        or None,
        "services": services[:100],
        "handoff_contacts": contacts,
        "extra": {k: v[:500] for k, v in extra.items() if v},
    }

    schedule = dict(scheduling)
    # The owner's answer, else what the site states (then the question was not asked).
    kinds = appointment_types(_said(questions, "booking.types", found, "booking.types"), site)
    if kinds:
        schedule["appointment_types"] = kinds
    # Rules and a slot length that every appointment length fits (booking_settings).
    schedule.update(booking_settings(questions, found, schedule))
    # The owner's own hours first: the first mention of a day wins.
    weekly = weekly_hours([hours_said, *site_hours])
    if weekly:
        schedule["hours"] = weekly
    zone = _time_zone(questions, site)
    if zone:
        schedule["timezone"] = zone

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


# The interview's own examples ("(for example: check-up, 30 minutes)") are no fact of the
# business: searched with the answers, they were read back to callers as if they were.
_EXAMPLES = re.compile(r"\s*\([^()]*\b(?:for example|e\.g\.)[^()]*\)", re.IGNORECASE)
_EXAMPLE_WORDS = re.compile(r"\b(?:for example|for instance|e\.g\.|such as)", re.IGNORECASE)
# Topics that instruct the receptionist (what never to say, its name and tone): no caller's
# question is answered by them.
_NOT_FOR_CALLERS = frozenset({"boundaries", "persona"})
# A longer answer says what it is about ("Closed on public holidays except emergencies");
# a shorter one ("45 minutes", "Toronto") needs its question.
_STANDS_ALONE_WORDS = 6


def owner_interview_text(questions: list[Question], labels: dict[str, str]) -> str:
    """The answers as a knowledge source (markdown): one top-level heading per topic, so
    each topic is its own chunk and a caller's question finds the answer that fits.

    The answers, not the interview's questions: those were searched with them, and being
    long and about the business in general ("What languages should the receptionist speak
    with callers to ensure a smooth service?"), they outranked the pages that answer a
    caller ("Who owns the company?" met three interview passages, not the team page), and a
    "Q: … A: …" in the note was copied into replies. A short answer keeps its question; a
    bare yes or no to what the site states adds nothing to the site's pages."""
    topics: dict[str, list[str]] = {}
    for q in questions:
        answer = (q.get("answer") or "").strip()
        if not answer or q["topic"] in _NOT_FOR_CALLERS:
            continue
        short = len(answer.split()) <= _STANDS_ALONE_WORDS
        if short and q.get("kind") == "confirm" and _bare_verdict(answer):
            continue
        said = f"{_without_examples(q['text'])}\n{answer}" if short else answer
        topics.setdefault(q["topic"], []).append(said)
    return "\n\n".join(
        f"# {labels.get(topic, topic)}\n\n" + "\n\n".join(pairs) for topic, pairs in topics.items()
    )


def _without_examples(question: str) -> str:
    """The question without its examples, in brackets or in a sentence of their own ("…how
    long does each take? For example, check-ups, 30 minutes, or other services?"), as the
    interview's model rephrases it."""
    kept = [
        sentence
        for sentence in re.split(r"(?<=[.?!])\s+", _EXAMPLES.sub("", question))
        if not _EXAMPLE_WORDS.search(sentence)
    ]
    return " ".join(kept) or question


def _bare_verdict(answer: str) -> bool:
    """ "Yes, that's right." or "No." and nothing more."""
    words = answer.split()
    return (answers.says_yes(answer) or answers.says_no(answer)) and len(words) <= 4
