"""Exam questions with known answers, drawn from what the agent is supposed to know.

Deterministic and cheap: every page that states facts is asked about them the way callers
ask — each priced item of a menu or price list (several per page), the opening hours, the
address, the phone and email — expecting the site's own values (read by the same readers as
onboarding, not taken from the generated business facts, which would only check the agent
against itself). A few questions the knowledge does not cover, of the kind callers really
ask ("Do you have valet parking?"), check that the agent admits not knowing. The model
writes questions about everything else a page says (see `question_writer`); this bank is
what an air-gapped install can always run.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from frontdesk.onboarding.site_facts import read_site

PHONE = re.compile(r"\(?\b\d{3}\)?[ .-]?\d{3}[ .-]\d{4}\b")
PRICES_PER_PAGE = 6  # a menu or price list is asked about more than once
# Questions callers really ask that a small business's site often leaves out. Only those
# the knowledge says nothing about are asked: the agent must admit not knowing.
_UNANSWERABLE_TOPICS = (
    ("Do you have valet parking?", r"\bvalet"),
    ("Do you sell gift cards?", r"\bgift"),
    ("Is there a student discount?", r"\bstudent"),
    ("Do you have a loyalty programme?", r"\bloyalty|\brewards?\b|\bpoints\b"),
    ("Can I pay with cryptocurrency?", r"\bcrypto|\bbitcoin"),
    ("Is the building wheelchair accessible?", r"\bwheelchair|\baccessib|\bstep-free"),
    ("Do you offer a military discount?", r"\bmilitary|\bveteran"),
    ("Can I bring my own wine?", r"\bcorkage|\bbyob\b|\bown wine|\bbring your own"),
)
UNANSWERABLE = [q for q, _ in _UNANSWERABLE_TOPICS]
UNANSWERABLE_COUNT = 4
_DAY_NAMES = {"mon": "Monday", "tue": "Tuesday", "wed": "Wednesday", "thu": "Thursday",
              "fri": "Friday", "sat": "Saturday", "sun": "Sunday"}  # fmt: skip


@dataclass(frozen=True)
class ExamQuestion:
    question: str
    expected: list[str] = field(default_factory=list)  # all must appear in the reply
    answerable: bool = True
    source: str = ""
    written_by_model: bool = False
    # A booking request: {"type", "weekday", "date", "time"} (business-local); graded by
    # the appointment the conversation stores, not by the reply's words.
    booking: dict[str, str] | None = None


def _spoken_time(value: str) -> str:
    """ "14:30" → "2:30 pm", "09:00" → "9 am": how a reply says it."""
    hour, minute = (int(x) for x in value.split(":")[:2])
    half = "am" if hour < 12 else "pm"
    hour = hour % 12 or 12
    return f"{hour}:{minute:02d} {half}" if minute else f"{hour} {half}"


def unanswerable_for(chunks: list[tuple[str, str]], facts: dict[str, Any]) -> list[str]:
    """Questions whose topic the knowledge and facts never mention."""
    known = " ".join(t for t, _ in chunks) + " " + str(facts)
    chosen = [q for q, topic in _UNANSWERABLE_TOPICS if not re.search(topic, known, re.I)]
    return chosen[:UNANSWERABLE_COUNT]


def _page_questions(chunks: list[tuple[str, str]]) -> list[ExamQuestion]:
    """Per page that states facts: its priced items, opening hours, address and contact
    lines as callers would ask for them, expecting the site's own values."""
    by_page: dict[str, list[tuple[str, str]]] = {}
    for chunk in chunks:
        by_page.setdefault(chunk[1], []).append(chunk)
    questions: list[ExamQuestion] = []
    for source, page in by_page.items():
        site = read_site(page)
        for item in site.services[:PRICES_PER_PAGE]:
            price = item.price
            questions.append(ExamQuestion(f"How much is {item.name}?", [price], source=source))
        week = site.week.hours
        asked_days = [d for d in ("sat", "mon", "sun") if week.get(d)]
        for day in asked_days[:2]:
            opens, closes = week[day][0]["opens"], week[day][-1]["closes"]
            questions.append(
                ExamQuestion(
                    f"What are your opening hours on {_DAY_NAMES[day]}?",
                    [_spoken_time(opens), _spoken_time(closes)],
                    source=source,
                )
            )
        if site.address is not None:
            street = site.address.text.split(",")[0].strip()
            questions.append(ExamQuestion("Where are you located?", [street], source=source))
        if site.phones:
            questions.append(
                ExamQuestion("What number can I call you on?", [site.phones[0].text], source=source)
            )
        if site.emails:
            questions.append(
                ExamQuestion("What is your email address?", [site.emails[0]], source=source)
            )
    return questions


def questions_from(
    facts: dict[str, Any], chunks: list[tuple[str, str]], limit: int = 50
) -> list[ExamQuestion]:
    """Questions from business facts and (text, source) chunks, most reliable first."""
    unanswerable = unanswerable_for(chunks, facts)
    bank: list[ExamQuestion] = []
    seen: set[str] = set()

    def add(q: ExamQuestion) -> None:
        key = q.question.lower()
        if key not in seen and len(bank) < limit - len(unanswerable):
            seen.add(key)
            bank.append(q)

    if facts.get("phone"):
        add(ExamQuestion("What is your phone number?", [str(facts["phone"])], source="facts"))
    if facts.get("email"):
        add(ExamQuestion("What is your email address?", [str(facts["email"])], source="facts"))
    if facts.get("address"):
        street = str(facts["address"]).split(",")[0]
        add(ExamQuestion("What is your address?", [street], source="facts"))
    for service in facts.get("services") or []:
        if service.get("price"):
            add(ExamQuestion(f"How much is {service['name']}?", [service["price"]], source="facts"))
    for question in _page_questions(chunks):
        if question.question == "What number can I call you on?" and facts.get("phone"):
            continue  # asked from the facts already
        if question.question == "What is your email address?" and facts.get("email"):
            continue
        add(question)
    for q in unanswerable:
        bank.append(ExamQuestion(q, [], answerable=False, source="none"))
    return bank
