"""Which questions of a finished conversation are knowledge gaps.

Three kinds, all in the caller's words:

- "unanswered": the post-conversation analysis lists them (a model read the transcript,
  and conversations/analysis.py kept only questions the caller actually asked);
- "low_confidence": the agent's own turn shows it had nothing to go on, which needs no
  model at all. The rule: a caller turn that asks a question (it holds a "?" or opens
  with a question word) and whose answer either came from a knowledge search that found
  nothing above the relevance floor (the tool answered NOTHING_RELEVANT), or says in so
  many words that the agent does not know ("I don't know", "I'm not sure", "I don't have
  that information"...). A polite "don't worry" or "we don't open on Sundays" is not
  enough: those phrases are not in the list. Every question of that caller turn counts,
  since the reply does not say which one it missed. This works with no language model
  at all, so an air-gapped install still collects gaps.
- "unsupported": the agent's reply stated something nothing in its evidence supported (a
  price, a time, an address), and the grounding check (runtime/grounding.py) withheld it:
  the turn carries a `grounding_check` record naming the claims. The caller's question
  goes to the list with those claims as the reason ("unsupported: $50 per pound"), so the
  owner sees what callers ask that the knowledge does not answer. A caller turn that holds
  no question ("I'd like the brisket price") counts whole: the agent tried to answer it.

Exam conversations never get here: the analysis job skips the exam channel.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple

from frontdesk.conversations.analysis import Turn
from frontdesk.runtime.grounding import CHECK_NAME
from frontdesk.runtime.tools import NO_KNOWLEDGE

QUESTION_MAX_CHARS = 300
REASON_MAX_CHARS = 300
MAX_PER_CONVERSATION = 8
# What the search tool answers when nothing clears the relevance floor.
_NOTHING_FOUND = NO_KNOWLEDGE.split(":", 1)[0]

# Admissions of not knowing. Narrower than the exam's grading pattern on purpose: there a
# reply to a question nobody can answer is being checked; here every reply of every call
# is, and "we don't open on Sundays" must not become a gap.
NOT_KNOWING = re.compile(
    r"\b(i (really )?(don't|do not) know|i'm not sure|i am not sure|not sure about that|"
    r"(don't|do not) have (that|any|this) information|no information (about|on)|"
    r"(can't|cannot|couldn't|could not) (find|answer|tell you)|not able to (answer|tell)|"
    r"i have no details|i don't have details)",
    re.IGNORECASE,
)
_QUESTION_OPENERS = re.compile(
    r"^(do|does|did|can|could|will|would|is|are|was|were|have|has|how|what|when|where|which|"
    r"who|why|should|may|shall)\b",
    re.IGNORECASE,
)
_SENTENCE = re.compile(r"[^.!?\n]+[.!?]*")


def _clean(text: str) -> str:
    return " ".join(text.split()).strip(" ,;")


def questions_in(text: str) -> list[str]:
    """The sentences of a caller turn that ask something: those ending with "?", else
    those opening with a question word (speech-to-text often drops the question mark)."""
    sentences = [_clean(s) for s in _SENTENCE.findall(text)]
    sentences = [s for s in sentences if len(s) > 3]
    asked = [s for s in sentences if s.endswith("?")]
    if not asked:
        asked = [s for s in sentences if _QUESTION_OPENERS.match(s)]
    return [s[:QUESTION_MAX_CHARS] for s in asked]


def _found_nothing(turn: Turn) -> bool:
    return any(
        call.get("name") == "search_knowledge"
        and str(call.get("result") or "").startswith(_NOTHING_FOUND)
        for call in turn.tool_calls
    )


def low_confidence_questions(turns: Sequence[Turn]) -> list[str]:
    """Questions of caller turns the next agent turn could not answer (rule above)."""
    found: list[str] = []
    asked: list[str] = []
    for turn in turns:
        if turn.role == "caller":
            if turn.text.strip():
                asked = questions_in(turn.text)
            continue
        if asked and (_found_nothing(turn) or NOT_KNOWING.search(turn.text)):
            found.extend(asked)
        # Agent turns split by tool calls belong to the same reply; a later caller turn
        # replaces what was asked.
        if turn.text.strip():
            asked = []
    return found


def _withheld_claims(turn: Turn) -> list[str]:
    claims: list[str] = []
    for call in turn.tool_calls:
        if call.get("name") != CHECK_NAME:
            continue
        arguments: Any = call.get("arguments") or {}
        if isinstance(arguments, str):  # voice turns keep arguments as JSON text
            try:
                arguments = json.loads(arguments)
            except json.JSONDecodeError:
                arguments = {}
        claims += [str(c) for c in arguments.get("unsupported") or []]
    return list(dict.fromkeys(claims))


def unsupported_questions(turns: Sequence[Turn]) -> list[tuple[str, str]]:
    """(question, reason) of caller turns whose reply the grounding check cut (rule above)."""
    found: list[tuple[str, str]] = []
    asked: list[str] = []
    for turn in turns:
        if turn.role == "caller":
            if turn.text.strip():
                asked = questions_in(turn.text) or [_clean(turn.text)[:QUESTION_MAX_CHARS]]
            continue
        claims = _withheld_claims(turn)
        if asked and claims:
            reason = ("unsupported: " + ", ".join(claims))[:REASON_MAX_CHARS]
            found.extend((question, reason) for question in asked)
            asked = []
        if turn.text.strip():
            asked = []
    return found


class GapQuestion(NamedTuple):
    question: str
    kind: str
    reason: str | None = None


def gap_questions(unanswered: Iterable[str], turns: Sequence[Turn]) -> list[GapQuestion]:
    """The gap questions of one conversation, the analysis's first, without repeats."""
    out: list[GapQuestion] = []
    seen: set[str] = set()
    candidates = [
        *((q, "unanswered", None) for q in unanswered),
        *((q, "unsupported", reason) for q, reason in unsupported_questions(turns)),
        *((q, "low_confidence", None) for q in low_confidence_questions(turns)),
    ]
    for raw, kind, reason in candidates:
        question = _clean(raw)[:QUESTION_MAX_CHARS]
        key = question.lower().rstrip("?.! ")
        if question and key not in seen:
            seen.add(key)
            out.append(GapQuestion(question, kind, reason))
    return out[:MAX_PER_CONVERSATION]
