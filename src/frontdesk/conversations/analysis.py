"""What the owner reads after a conversation: outcome, caller details, summary, open questions.

The outcome and the caller details are decided in code from the tools the agent used: a
booking is a booking because `book_appointment` succeeded, whatever a model would say. The
language model only writes what code cannot (the summary, the questions left unanswered)
and may add a detail the tools missed; everything it writes is checked against what the
caller actually said, so a small model's invention never reaches the owner.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from frontdesk.leads.contact_details import InvalidContact, normalize_email, normalize_phone

SUMMARY_MAX_CHARS = 400
MAX_UNANSWERED = 5
QUESTION_MAX_CHARS = 200
# The embedded model is a 1.5B model on two CPU cores: a long transcript costs seconds per
# hundred tokens, so the prompt keeps the start and the end of long conversations.
TRANSCRIPT_BUDGET_CHARS = 3000
TURN_MAX_CHARS = 300

# When several apply, the first wins: a booking is what the owner acts on first, a caller
# waiting for a person next, then new contacts, then messages.
OUTCOME_TOOLS: tuple[tuple[str, frozenset[str]], ...] = (
    ("booked", frozenset({"book_appointment", "reschedule_appointment"})),
    ("handed_off", frozenset({"handoff_to_human"})),
    ("lead_captured", frozenset({"capture_lead"})),
    ("message_taken", frozenset({"take_message"})),
)
OUTCOMES = (*(name for name, _ in OUTCOME_TOOLS), "answered", "abandoned")

ANALYSIS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "summary": {"type": "string", "maxLength": SUMMARY_MAX_CHARS},
        "unanswered": {
            "type": "array",
            "items": {"type": "string", "maxLength": QUESTION_MAX_CHARS},
            "maxItems": MAX_UNANSWERED,
        },
        "caller_name": {"type": ["string", "null"]},
        "caller_phone": {"type": ["string", "null"]},
        "caller_email": {"type": ["string", "null"]},
    },
    "required": ["summary", "unanswered", "caller_name", "caller_phone", "caller_email"],
    "additionalProperties": False,
}

ANALYSIS_SYSTEM = (
    "You read a transcript of a call between a business's receptionist agent and a caller, "
    "and report to the business owner. Answer with JSON only. summary: two or three plain "
    "sentences on what the caller wanted and what happened. unanswered: the caller's "
    "questions the agent could not answer, in the caller's words (an empty list when every "
    "question was answered). caller_name, caller_phone, caller_email: only as the caller said "
    "them, null when not said."
)

# Words too common to show that a question was the caller's.
_STOPWORDS = frozenset(
    {
        "about",
        "after",
        "also",
        "could",
        "does",
        "doing",
        "from",
        "have",
        "what",
        "when",
        "where",
        "which",
        "while",
        "with",
        "would",
        "your",
        "yours",
        "there",
        "their",
        "they",
        "this",
        "that",
        "these",
        "those",
        "will",
        "shall",
        "should",
        "can't",
        "cannot",
        "into",
        "just",
        "like",
        "know",
        "need",
        "want",
        "please",
        "thanks",
        "thank",
        "hello",
        "okay",
        "sure",
        "tell",
        "there's",
    }
)


@dataclass(frozen=True)
class Turn:
    role: str  # "caller" | "agent"
    text: str
    tool_calls: Sequence[Mapping[str, Any]] = field(default_factory=tuple)


@dataclass(frozen=True)
class CodeFindings:
    """What the tools settle, before any model is asked."""

    outcome: str
    details: dict[str, str | None]


def successful_calls(turns: Iterable[Turn]) -> list[Mapping[str, Any]]:
    return [
        call
        for turn in turns
        for call in turn.tool_calls
        if isinstance(call, Mapping) and not call.get("error")
    ]


def decide_outcome(turns: Sequence[Turn]) -> str:
    used = {str(call.get("name")) for call in successful_calls(turns)}
    for outcome, tools in OUTCOME_TOOLS:
        if used & tools:
            return outcome
    # Answered only when the agent spoke after the caller did: a caller who asks and hangs
    # up before any reply was not served.
    caller_spoke = False
    for turn in turns:
        if turn.role == "caller" and turn.text.strip():
            caller_spoke = True
        elif turn.role == "agent" and caller_spoke and turn.text.strip():
            return "answered"
    return "abandoned"


def _valid_phone(raw: object) -> str | None:
    try:
        return normalize_phone(raw) if isinstance(raw, str) else None
    except InvalidContact:
        return None


def _valid_email(raw: object) -> str | None:
    try:
        return normalize_email(raw) if isinstance(raw, str) else None
    except InvalidContact:
        return None


def _clean_name(raw: object) -> str | None:
    if not isinstance(raw, str):
        return None
    name = " ".join(raw.split())
    return name if 0 < len(name) <= 120 else None


def details_from_tools(turns: Sequence[Turn]) -> dict[str, str | None]:
    """Name, phone and email the successful tool calls carried; a later call wins, since a
    caller who corrects a detail does so after first giving it."""
    details: dict[str, str | None] = {"name": None, "phone": None, "email": None}
    for call in successful_calls(turns):
        arguments = call.get("arguments")
        if not isinstance(arguments, Mapping):
            continue
        name = _clean_name(arguments.get("name"))
        phone = _valid_phone(arguments.get("phone"))
        email = _valid_email(arguments.get("email"))
        # take_message and handoff_to_human take one free "contact": a phone or an email.
        contact = arguments.get("contact")
        if isinstance(contact, str) and contact.strip():
            if "@" in contact:
                email = email or _valid_email(contact)
            else:
                phone = phone or _valid_phone(contact)
        for key, value in (("name", name), ("phone", phone), ("email", email)):
            if value:
                details[key] = value
    return details


def findings(turns: Sequence[Turn]) -> CodeFindings:
    return CodeFindings(decide_outcome(turns), details_from_tools(turns))


def caller_said(turns: Sequence[Turn]) -> bool:
    return any(t.role == "caller" and t.text.strip() for t in turns)


def transcript_prompt(turns: Sequence[Turn], outcome: str) -> str:
    lines = []
    for turn in turns:
        text = " ".join(turn.text.split())
        if not text:
            continue
        if len(text) > TURN_MAX_CHARS:
            text = text[: TURN_MAX_CHARS - 1] + "…"
        lines.append(f"{'Caller' if turn.role == 'caller' else 'Agent'}: {text}")
    # Drop turns from the middle: the opening says what the caller wanted, the end how it went.
    dropped = False
    while sum(len(line) + 1 for line in lines) > TRANSCRIPT_BUDGET_CHARS and len(lines) > 3:
        del lines[len(lines) // 2]
        dropped = True
    if dropped:
        lines.insert(len(lines) // 2 + 1, "[…]")
    return (
        f"Outcome recorded by the system: {outcome.replace('_', ' ')}.\n"
        "Transcript:\n" + "\n".join(lines)
    )


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z][a-z']+", text.lower())


def _key_words(text: str) -> set[str]:
    return {w for w in _words(text) if len(w) >= 4 and w not in _STOPWORDS}


def _matches(word: str, said: set[str]) -> bool:
    # A shared five-letter stem is enough: "parking" asked, "park" in the question.
    return word in said or any(w[:5] == word[:5] for w in said if len(w) >= 4)


def asked_by_caller(question: str, caller_text: str) -> bool:
    """At least half of the question's key words (and one at least) were said by the caller."""
    keys = _key_words(question)
    if not keys:
        return False
    said = set(_words(caller_text))
    shared = sum(1 for word in keys if _matches(word, said))
    return shared >= 1 and shared * 2 >= len(keys)


class UnusableAnswer(ValueError):
    """The model answered, but not with anything the owner can be shown."""


@dataclass(frozen=True)
class ModelFindings:
    summary: str
    unanswered: list[str]
    details: dict[str, str | None]


def _name_was_said(name: str, caller_text: str) -> bool:
    said = set(_words(caller_text))
    parts = _words(name)
    return bool(parts) and all(part in said for part in parts)


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def check_answer(answer: Mapping[str, Any], turns: Sequence[Turn]) -> ModelFindings:
    """Keep only what the transcript supports; UnusableAnswer when the summary is unusable."""
    summary = answer.get("summary")
    if not isinstance(summary, str) or not summary.strip():
        raise UnusableAnswer("The language model wrote no summary.")
    summary = " ".join(summary.split())
    if len(summary) > SUMMARY_MAX_CHARS:
        raise UnusableAnswer(
            f"The language model's summary is longer than {SUMMARY_MAX_CHARS} characters."
        )
    caller_text = "\n".join(t.text for t in turns if t.role == "caller")
    questions: list[str] = []
    raw_questions = answer.get("unanswered")
    for item in raw_questions if isinstance(raw_questions, list) else []:
        if not isinstance(item, str):
            continue
        question = " ".join(item.split())
        if (
            question
            and len(question) <= QUESTION_MAX_CHARS
            and question not in questions
            and asked_by_caller(question, caller_text)
        ):
            questions.append(question)
    name = _clean_name(answer.get("caller_name"))
    phone = _valid_phone(answer.get("caller_phone"))
    email = _valid_email(answer.get("caller_email"))
    # Never invented: a detail counts only if the caller said it.
    caller_digits = [_digits(t.text) for t in turns if t.role == "caller"]
    if phone and not any(phone.lstrip("+") in digits for digits in caller_digits):
        phone = None
    if email and email not in caller_text.lower():
        email = None
    if name and not _name_was_said(name, caller_text):
        name = None
    return ModelFindings(
        summary, questions[:MAX_UNANSWERED], {"name": name, "phone": phone, "email": email}
    )


def merged_details(
    from_tools: Mapping[str, str | None], from_model: Mapping[str, str | None]
) -> dict[str, str | None]:
    """The tools' details, with the model's only where the tools found nothing."""
    return {key: from_tools.get(key) or from_model.get(key) for key in ("name", "phone", "email")}
