"""Exam questions with known answers, drawn from what the agent is supposed to know.

Deterministic and cheap: prices, phone numbers and emails found in the business facts and
in the knowledge chunks become questions whose expected answer is that exact value, and a
few questions no receptionist's knowledge covers check that the agent says it does not know
instead of inventing. (A remote model can write richer questions later; this bank is what
an air-gapped install can always run.)
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

PRICE_LINE = re.compile(
    r"(?P<item>[A-Za-z][A-Za-z0-9 ()/,'&-]{2,60}?)\s*(?:—|–|-|:)\s*\$(?P<price>\d+(?:\.\d{2})?)"
)
PHONE = re.compile(r"\(?\b\d{3}\)?[ .-]?\d{3}[ .-]\d{4}\b")
UNANSWERABLE = [
    "Do you sell concert tickets?",
    "Can you repair the gearbox of my car?",
    "Do you offer helicopter tours?",
    "What is the wifi password of the building next door?",
]


@dataclass(frozen=True)
class ExamQuestion:
    question: str
    expected: list[str] = field(default_factory=list)  # all must appear in the reply
    answerable: bool = True
    source: str = ""
    written_by_model: bool = False


def _clean_item(item: str) -> str:
    item = " ".join(item.split()).strip(" -:,")
    return re.sub(r"^(and|or|the|a)\s+", "", item, flags=re.IGNORECASE)


def questions_from(
    facts: dict[str, Any], chunks: list[tuple[str, str]], limit: int = 50
) -> list[ExamQuestion]:
    """Questions from business facts and (text, source) chunks, most reliable first."""
    bank: list[ExamQuestion] = []
    seen: set[str] = set()

    def add(q: ExamQuestion) -> None:
        key = q.question.lower()
        if key not in seen and len(bank) < limit - len(UNANSWERABLE):
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
    for text, source in chunks:
        body = text.split("\n\n", 1)[-1]
        for match in PRICE_LINE.finditer(body):
            item = _clean_item(match.group("item"))
            if len(item.split()) >= 1 and not item.lower().startswith(("page", "for", "with")):
                add(
                    ExamQuestion(
                        f"How much is {item}?", [f"${match.group('price')}"], source=source
                    )
                )
    for q in UNANSWERABLE:
        bank.append(ExamQuestion(q, [], answerable=False, source="none"))
    return bank
