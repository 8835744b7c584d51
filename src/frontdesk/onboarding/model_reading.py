"""The language model points at what the rules missed; code checks and reads it.

The embedded model is small, so it is never asked to state a fact: it is asked to copy, word
for word, the line of a passage that gives the address, the opening hours, a priced item or
what the business is. The answer is schema-constrained JSON, validated with pydantic, and
each value is kept only when it occurs in the passage it came from; hours and prices are
then read from the copied line by the same rules as everything else. A model that fails,
or copies something the site does not say, changes nothing.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from pydantic import BaseModel, Field, ValidationError

from frontdesk.onboarding.addresses import Address, find_address
from frontdesk.onboarding.descriptions import find_description
from frontdesk.onboarding.opening_hours import read_week
from frontdesk.onboarding.price_lines import find_priced_items
from frontdesk.onboarding.site_facts import SiteFacts
from frontdesk.onboarding.site_lines import Line, lines_of, occurs_in
from frontdesk.providers.llm.structured import StructuredModel, StructuredOutputError

log = logging.getLogger(__name__)

SYSTEM = (
    "You read a passage from a small business's website. Copy, word for word, the lines "
    "that give what is asked. Copy exactly; never write anything that is not in the "
    "passage; use null or an empty list when the passage does not say it."
)
PASSAGE_CHARS = 1500
MAX_PASSAGES = 3  # per missing field: a few seconds each on two cores


class _Item(BaseModel):
    name: str = Field(max_length=80)
    price: str = Field(max_length=40)


class Reading(BaseModel):
    """What the model may answer; anything else fails validation and is dropped."""

    address: str | None = Field(default=None, max_length=200)
    hours_lines: list[str] = Field(default_factory=list, max_length=8)
    priced_items: list[_Item] = Field(default_factory=list, max_length=20)
    description: str | None = Field(default=None, max_length=400)


SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "address": {"type": ["string", "null"], "maxLength": 200},
        "hours_lines": {
            "type": "array",
            "items": {"type": "string", "maxLength": 160},
            "maxItems": 8,
        },
        "priced_items": {
            "type": "array",
            "maxItems": 20,
            "items": {
                "type": "object",
                "properties": {
                    "name": {"type": "string", "maxLength": 80},
                    "price": {"type": "string", "maxLength": 40},
                },
                "required": ["name", "price"],
                "additionalProperties": False,
            },
        },
        "description": {"type": ["string", "null"], "maxLength": 400},
    },
    "required": ["address", "hours_lines", "priced_items", "description"],
    "additionalProperties": False,
}
_HINTS = {
    "address": re.compile(r"\d+\s+\w+|address|contact|find us|visit", re.I),
    "hours": re.compile(r"\b(?:mon|tue|wed|thu|fri|sat|sun|daily|weekdays?|open|hours)\b", re.I),
    "services": re.compile(r"[$€£¥₹]|\b\d+(?:[.,]\d{2})?\s?(?:€|eur|kr|chf)\b", re.I),
    "description": re.compile(r"\b(?:we|our|is a|since|about|welcome)\b", re.I),
}


def missing(facts: SiteFacts) -> list[str]:
    wanted = []
    if facts.address is None:
        wanted.append("address")
    if not facts.week.hours:
        wanted.append("hours")
    if not facts.services:
        wanted.append("services")
    if not facts.description:
        wanted.append("description")
    return wanted


def _passages(chunks: list[tuple[str, str]], wants: list[str]) -> list[tuple[str, str]]:
    """The chunks most likely to hold what is missing, a few per field."""
    chosen: dict[int, tuple[str, str]] = {}
    for want in wants:
        hits = [i for i, (text, _) in enumerate(chunks) if _HINTS[want].search(text)]
        for i in hits[:MAX_PASSAGES]:
            chosen[i] = chunks[i]
    return [chosen[i] for i in sorted(chosen)]


def _prompt(passage: str, wants: list[str]) -> str:
    asks = {
        "address": "address: the street address line(s), or null",
        "hours": "hours_lines: each line giving opening days and times",
        "services": "priced_items: each service, product or dish with its price as written",
        "description": "description: the sentence saying what the business is, or null",
    }
    return (
        "Passage:\n" + passage[:PASSAGE_CHARS] + "\n\nCopy:\n" + "\n".join(asks[w] for w in wants)
    )


def _apply(facts: SiteFacts, reading: Reading, chunk: tuple[str, str], wants: list[str]) -> None:
    source = chunk[1]
    here = [chunk]
    address = reading.address
    if "address" in wants and facts.address is None and address and occurs_in(address, here):
        found = find_address(lines_of([(f"\n\n{address}", source)]))
        if found is None and re.search(r"\d", address):
            found = Address(" ".join(address.split()), source, None, None)
        facts.address = found
    if "hours" in wants and not facts.week.hours:
        lines = [
            Line(h, source, "", i) for i, h in enumerate(reading.hours_lines) if occurs_in(h, here)
        ]
        week = read_week(lines)
        if week.hours:
            facts.week = week
    if "services" in wants and not facts.services:
        rows = [
            f"{item.name} — {item.price}"
            for item in reading.priced_items
            if occurs_in(item.name, here) and occurs_in(item.price, here)
        ]
        facts.services = find_priced_items(lines_of([("\n\n" + "\n".join(rows), source)]))
    said = reading.description
    if "description" in wants and not facts.description and said and occurs_in(said, here):
        # The same checks as the rules' own choice: no call to action, no contact.
        facts.description = find_description([(f"About\n\n{said}", "/about")])


async def fill_gaps(
    model: StructuredModel, chunks: list[tuple[str, str]], facts: SiteFacts
) -> SiteFacts:
    """`facts` with what the rules missed filled from the model's checked copies."""
    wants = missing(facts)
    for chunk in _passages(chunks, wants):
        wants = missing(facts)
        if not wants:
            break
        try:
            raw = await model.complete(
                system=SYSTEM, prompt=_prompt(chunk[0], wants), schema=SCHEMA, max_tokens=400
            )
            reading = Reading.model_validate(raw)
        except (StructuredOutputError, ValidationError) as exc:
            log.info("site reading: model answer dropped (%s)", str(exc)[:200])
            continue
        _apply(facts, reading, chunk, wants)
    if facts.timezone is None:
        facts.derive_timezone()
    return facts
