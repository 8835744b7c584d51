"""The language model words the next question in context; the checklist keeps the meaning.

The checklist's question is always correct but generic. When a model is available, it
rewrites the question as it comes up, knowing the business and the owner's last answer
("Thanks — and for Dr. Nandakumar, which number should callers get?"). The rewrite is
schema-constrained and then checked in code: it must still be one question, keep any quote
from the website word for word, and keep most of the checklist question's key words. A
model that fails, times out or writes something else leaves the checklist's words.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import Any

from frontdesk.onboarding.answers import names_in
from frontdesk.providers.llm.structured import StructuredModel, StructuredOutputError

log = logging.getLogger(__name__)

SYSTEM = (
    "You help a small business set up its phone receptionist (an AI assistant) by "
    "interviewing the business owner. Rewrite the interviewer's next question so it sounds "
    "natural and, when it fits, builds on the owner's last answer. You are talking to the "
    "owner: never call the owner by the receptionist's name. Keep the question's meaning. "
    "Keep any quoted text exactly as it is. Write one short question, at most 45 words, "
    "ending with a question mark."
)
SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {"question": {"type": "string", "maxLength": 320}},
    "required": ["question"],
    "additionalProperties": False,
}
KEPT_SHARE = 0.4  # of the checklist question's key words the rewrite must keep
_KEY_WORD = re.compile(r"[a-z]{4,}")
_COMMON = {"what", "which", "when", "where", "that", "this", "your", "with", "should", "does",
           "have", "there", "from", "they", "them", "about", "still", "right"}  # fmt: skip

# (business, question, the owner's last answer) -> the question's wording, or None
Phraser = Callable[[str, dict[str, Any], str | None], str | None]


def _key_words(text: str) -> set[str]:
    return {w for w in _KEY_WORD.findall(text.lower()) if w not in _COMMON}


def acceptable(question: dict[str, Any], text: str, last_answer: str | None = None) -> bool:
    text = text.strip()
    # Small models address the owner by the name just given to the receptionist ("Maya,
    # which languages do you speak?"): a name from the last answer that the checklist's
    # question does not use is refused.
    for name in names_in(last_answer or ""):
        if name.split()[-1] in text and name.split()[-1] not in question["text"]:
            return False
    if not 12 <= len(text) <= 320 or not text.endswith("?") or text.count("?") > 2:
        return False
    if any(mark in text for mark in ("{", "}", "\n", "Q:", "A:")):
        return False
    quote = question.get("quote")
    if quote and quote not in text:
        return False
    wanted = _key_words(question["text"])
    return not wanted or len(wanted & _key_words(text)) / len(wanted) >= KEPT_SHARE


def prompt_for(business: str, question: dict[str, Any], last_answer: str | None) -> str:
    lines = [f"Business: {business}", f"Topic: {question.get('topic_label', question['topic'])}"]
    if last_answer:
        lines.append(f"The owner's last answer: {last_answer[:400]}")
    lines.append(f"Next question: {question['text']}")
    return "\n".join(lines)


async def phrase(
    model: StructuredModel, business: str, question: dict[str, Any], last_answer: str | None
) -> str | None:
    """The model's wording of `question`, or None when it is not usable."""
    try:
        value = await model.complete(
            system=SYSTEM,
            prompt=prompt_for(business, question, last_answer),
            schema=SCHEMA,
            max_tokens=120,
        )
    except StructuredOutputError as exc:
        log.info(
            "onboarding question %s: model failed (%s); checklist wording", question["id"], exc
        )
        return None
    text = " ".join(str(value.get("question", "")).split())
    if not acceptable(question, text, last_answer):
        log.info("onboarding question %s: rewrite refused: %r", question["id"], text[:200])
        return None
    return text
