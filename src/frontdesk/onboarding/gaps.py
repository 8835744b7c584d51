"""What the knowledge base says about each checklist topic, and the questions that follow.

Every live chunk is read sentence by sentence (a few hundred chunks for a 50-page site: a
regex pass, not a model call), so the survey is complete and the same on every run. The
plan asks, in checklist order: about each part nothing states; which hours hold when two
statements give the same weekday different hours; and, as far as the interview's length
allows, whether what the site states is still right, quoting it ("Your site says … — still
right?"), never asking for it as if unknown. The site readers (`site_facts`) supply the
address, hours, prices, description and time zone they read, so the owner confirms exactly
what generation will store.
"""

from __future__ import annotations

import re
from typing import Any

from frontdesk.onboarding import answers
from frontdesk.onboarding.checklist import MAX_QUESTIONS, MIN_QUESTIONS, TOPICS, Part
from frontdesk.onboarding.site_facts import SiteFacts
from frontdesk.runtime.knowledge_note import sentences

QUOTE_CHARS = 160
RULES_QUOTED = 4  # sentences quoted for an always-confirmed part
FOLLOW_UP_ROOM = 2  # questions kept free for follow-ups on the owner's answers
CONFLICTING_PARTS = ("hours",)  # parts where two pages stating it differently is worth asking
# When the interview cannot confirm everything the site states, these facts come first:
# a wrong address, hours or price is what a caller acts on.
CONFIRM_FIRST = (
    "location.address.confirm", "hours.hours.confirm", "services.prices.confirm",
    "location.timezone.confirm", "cancellation.policy.confirm", "business.description.confirm",
)  # fmt: skip


MIN_WORDS = 4  # a heading ("Parking") names a topic; it does not answer it


def _quote(sentence: str) -> str:
    # Table cells and list bullets read as prose in a question.
    sentence = " ".join(sentence.replace(" | ", ": ").split()).lstrip("-•* ")
    return sentence if len(sentence) <= QUOTE_CHARS else sentence[: QUOTE_CHARS - 1] + "…"


def _matches(part: Part, sentence: str) -> int:
    return sum(1 for _ in re.finditer(part.pattern, sentence, re.IGNORECASE))


def survey(chunks: list[tuple[str, str]], site: SiteFacts | None = None) -> dict[str, Any]:
    """{"topic.part": {"quote", "source", "others": [...], "conflicts": [...]}} for found
    parts, and under "site" what the site's facts were read as (see `site_facts`)."""
    found: dict[str, Any] = {}
    for topic in TOPICS:
        for part in topic.parts:
            hits: list[tuple[str, str]] = []
            for text, source in chunks:
                for sentence in sentences(text):
                    if len(sentence.split()) >= MIN_WORDS and part.search(sentence):
                        hits.append((_quote(sentence), source))
            if not hits:
                continue
            # The sentence that states the most ("Monday–Friday 8–6 and Saturday 9–1" over
            # "Monday–Friday 8–6"); the first of equals.
            quote, source = max(hits, key=lambda hit: _matches(part, hit[0]))
            if part.always_confirm:  # every rule the site states, each once
                quote = " ".join(dict.fromkeys(q for q, _ in hits[:RULES_QUOTED]))
            others = [{"quote": q, "source": s} for q, s in hits[1:] if s != source and q != quote]
            found[f"{topic.key}.{part.key}"] = {"quote": quote, "source": source, "others": others}
    if site is not None:
        _add_site_facts(found, site)
    return found


def _add_site_facts(found: dict[str, Any], site: SiteFacts) -> None:
    """What the site readers found replaces the sentence matches: the address, the week,
    the priced items and the description they read are what generation will store, so they
    are what the owner confirms."""

    def put(key: str, quote: str, source: str, **more: Any) -> None:
        found[key] = {"quote": _quote(quote), "source": source, "others": [], **more}

    if site.address is not None:
        put("location.address", site.address.text, site.address.source)
    if site.week.hours:
        put(
            "hours.hours",
            "; ".join(site.week.quotes),
            found.get("hours.hours", {}).get("source", ""),
            conflicts=site.week.conflicts,
        )
    elif "hours.hours" in found:
        found["hours.hours"]["others"] = []  # a sentence match alone is no conflict
    if site.services:
        listed = "; ".join(f"{item.name} {item.price}" for item in site.services[:3])
        put("services.prices", listed, site.services[0].source)
        found.setdefault("services.services", found["services.prices"])
    if site.description:
        put("business.description", site.description, "")
    if site.timezone:
        put("location.timezone", site.timezone, "", source_label=site.timezone_from)
    found["site"] = site.to_json()


def _question(topic: str, part: Part, kind: str, text: str, quote: str | None = None) -> dict:
    return {
        "id": f"{topic}.{part.key}" + ("" if kind == "ask" else f".{kind}"),
        "topic": topic,
        "part": part.key,
        "kind": kind,
        "text": text,
        "quote": quote,
        "answer": None,
        "skipped": False,
    }


_DAY_NAMES = {"mon": "Monday", "tue": "Tuesday", "wed": "Wednesday", "thu": "Thursday",
              "fri": "Friday", "sat": "Saturday", "sun": "Sunday"}  # fmt: skip


def _conflict_text(conflicts: list[dict[str, str]]) -> tuple[str, str]:
    """The question about hours two statements give differently for the same weekdays."""
    first = conflicts[0]
    days = [
        _DAY_NAMES[c["day"]]
        for c in conflicts
        if (c["quote"], c["other_quote"]) == (first["quote"], first["other_quote"])
    ]
    named = days[0] if len(days) == 1 else ", ".join(days[:-1]) + " and " + days[-1]
    quote = _quote(first["quote"]).rstrip(".")
    other = _quote(first["other_quote"]).rstrip(".")
    text = (
        f'Your site gives different hours for {named}: "{quote}" and "{other}". '
        "Which is right today?"
    )
    return text, quote


def _names_kinds(quote: str) -> bool:
    return any(kind.minutes for kind in answers.appointment_kinds(quote))


# Parts whose sentence match is not enough: "more than 10 minutes late for your appointment"
# matches the appointment-types pattern but names no kind of appointment, and without kinds
# the receptionist cannot book at all, so the owner is asked.
_STATES = {"booking.types": _names_kinds}


def plan(found: dict[str, Any]) -> list[dict[str, Any]]:
    """The interview's first questions, in checklist order (follow-ups come later). What the
    site states is confirmed, quoting it, as far as the interview's length allows; what it
    leaves out is asked."""
    asked: list[dict[str, Any]] = []
    confirmable: list[dict[str, Any]] = []
    for topic in TOPICS:
        for part in topic.parts:
            hit = found.get(f"{topic.key}.{part.key}")
            states = _STATES.get(f"{topic.key}.{part.key}")
            if hit is not None and states is not None and not states(hit["quote"]):
                hit = None  # it matched, but says nothing the receptionist can use
            if hit is None:
                if part.ask:
                    asked.append(_question(topic.key, part, "ask", part.ask))
            elif part.key in CONFLICTING_PARTS and hit.get("conflicts"):
                text, quote = _conflict_text(hit["conflicts"])
                asked.append(_question(topic.key, part, "conflict", text, quote))
            elif part.confirm:
                quote = hit["quote"].rstrip(".")  # the template closes the quote itself
                text = part.confirm.format(
                    quote=quote, source=hit.get("source_label") or "your site"
                )
                question = _question(topic.key, part, "confirm", text, quote)
                (asked if part.always_confirm else confirmable).append(question)
    room = MAX_QUESTIONS - FOLLOW_UP_ROOM - len(asked)
    confirmable.sort(key=lambda q: CONFIRM_FIRST.index(q["id"]) if q["id"] in CONFIRM_FIRST else 99)
    asked += confirmable[: max(room, MIN_QUESTIONS - len(asked))]
    order = {t.key: i for i, t in enumerate(TOPICS)}
    asked.sort(key=lambda q: order[q["topic"]])  # stable: within a topic, as planned
    return asked[: MAX_QUESTIONS - FOLLOW_UP_ROOM]
