"""Exam questions written by the language model from the agent's knowledge chunks.

The rule-based bank covers prices and contact details; everything else a website says
(opening hours, policies, who does what) needs someone to read it. The model reads one
chunk at a time and proposes two callers' questions with short answers taken from the text.
Each proposal is checked in code before it becomes a question: every number and nearly every
word of the answer must come from the chunk (a small model cannot smuggle in an invented
fact), the answer must be short, not given away by the question, and not repeat an earlier
question or answer.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from itertools import zip_longest
from typing import Any

from frontdesk.exams.grading import numbers_in, stems_in
from frontdesk.exams.question_bank import ExamQuestion
from frontdesk.providers.llm.structured import StructuredModel, StructuredOutputError
from frontdesk.runtime.knowledge_note import sentences

log = logging.getLogger(__name__)

SYSTEM = (
    "You write test questions for the phone receptionist of a business. You get a passage "
    "from the business's website or documents. Write two different questions a caller might "
    "ask that the passage answers, each with its answer: the fact itself in at most six "
    "words taken from the passage, such as '$45', 'Tuesdays and Thursdays' or '24 hours'. "
    "Prefer concrete facts: times, days, prices, names, numbers, rules."
)
ANSWER_CHARS = 60  # the schema's cap: an answer this long was cut off mid-sentence
_PAIR = {
    "type": "object",
    "properties": {
        "question": {"type": "string", "maxLength": 160},
        "answer": {"type": "string", "maxLength": ANSWER_CHARS},
    },
    "required": ["question", "answer"],
    "additionalProperties": False,
}
SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {"pairs": {"type": "array", "items": _PAIR, "minItems": 1, "maxItems": 2}},
    "required": ["pairs"],
    "additionalProperties": False,
}
MAX_ANSWER_WORDS = 8
GROUNDED_SHARE = 0.8  # of the answer's words found in the passage
PASSAGE_CHARS = 1200  # enough for one chunk; keeps a 2-core prompt pass around a second
_WORD = re.compile(r"[a-z0-9]+")


def _words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def _squash(text: str) -> str:
    return " ".join(_words(text))


def _answers_the_question(question: str, answer: str, passage: str) -> bool:
    """Whether the passage around the answer is about what the question asks: the sentence
    holding the answer (with the FAQ question above it) shares a word with the question
    besides the answer's own words. Refuses "What are your hours?" -> "Our team"."""
    parts = sentences(passage)
    if not parts:
        return False
    want_stems, want_numbers = stems_in(answer), numbers_in(answer)

    def holds(i: int) -> int:
        return len(want_stems & stems_in(parts[i])) + 2 * len(want_numbers & numbers_in(parts[i]))

    best = max(range(len(parts)), key=holds)
    around = parts[best]
    if best > 0 and parts[best - 1].endswith("?"):
        around += " " + parts[best - 1]  # a FAQ: the question is written above its answer
    return bool((stems_in(question) - want_stems) & stems_in(around))


# A question put to the owner, not one a caller asks: the owner's interview is knowledge too,
# as "Q: What should your receptionist be called…? A: Call her Robin.", and copying those
# questions made an exam that passed 0.96 where callers' real questions passed 0.60.
_TO_THE_OWNER = re.compile(
    r"\b(receptionist|your site|your website|callers?|the owner)\b|\bis that (still )?right\b",
    re.IGNORECASE,
)


def accept(proposal: dict[str, Any], passage: str) -> ExamQuestion | None:
    """The proposal as a question, or None when it fails a check."""
    question = " ".join(str(proposal.get("question") or "").split())
    raw_answer = str(proposal.get("answer") or "")
    answer = " ".join(raw_answer.split()).strip(" .,;:")
    answer_words = _words(answer)
    if len(question.split()) < 3 or not answer_words or len(answer_words) > MAX_ANSWER_WORDS:
        return None
    if _TO_THE_OWNER.search(question):
        return None  # copied from the owner's interview: no caller asks it
    if len(raw_answer) >= ANSWER_CHARS - 2:
        return None  # cut off by the length cap
    if _squash(answer) not in _squash(passage):
        # Reworded ("A, B and C" for "A, B, C") is fine; a number or a word the passage
        # does not have may be invented.
        stems = stems_in(answer)
        if not numbers_in(answer) <= numbers_in(passage):
            return None
        if stems and len(stems & stems_in(passage)) < GROUNDED_SHARE * len(stems):
            return None
    if set(answer_words) <= set(_words(question)):
        return None  # the question gives the answer away
    if not _answers_the_question(question, answer, passage):
        return None
    if not question.endswith("?"):
        question += "?"
    return ExamQuestion(question, [answer], source="")


def spread(chunks: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Chunks ordered round-robin across sources, so a 40-page site is not examined on the
    first page only."""
    by_source: dict[str, list[tuple[str, str]]] = {}
    for chunk in chunks:
        by_source.setdefault(chunk[1], []).append(chunk)
    ordered: list[tuple[str, str]] = []
    for row in zip_longest(*by_source.values()):
        ordered.extend(c for c in row if c is not None)
    return ordered


async def write_questions(
    model: StructuredModel,
    chunks: list[tuple[str, str]],
    *,
    want: int,
    known: list[ExamQuestion],
    on_progress: Callable[[int], None] | None = None,
) -> list[ExamQuestion]:
    """Up to `want` new questions, reading at most twice `want` chunks (two questions each):
    some passages give none that pass the checks (a site-wide contact block, a list of
    names), and one that fails should not cost the exam its question."""
    seen_questions = {_squash(q.question) for q in known}
    seen_answers = {_squash(e) for q in known for e in q.expected}
    written: list[ExamQuestion] = []
    for text, source in spread(chunks)[: 2 * want]:
        if len(written) >= want:
            break
        passage = text[:PASSAGE_CHARS]
        try:
            answer = await model.complete(
                system=SYSTEM, prompt=f"Passage:\n{passage}", schema=SCHEMA, max_tokens=160
            )
        except StructuredOutputError as exc:
            log.info("exam question skipped: %s", exc)
            continue
        pairs = answer.get("pairs")
        for proposal in pairs if isinstance(pairs, list) else []:
            question = accept(proposal, passage) if isinstance(proposal, dict) else None
            if question is None:
                log.debug("exam question refused: %s", proposal)
                continue
            q_key, a_key = _squash(question.question), _squash(question.expected[0])
            if q_key in seen_questions or a_key in seen_answers or len(written) >= want:
                continue
            seen_questions.add(q_key)
            seen_answers.add(a_key)
            written.append(
                ExamQuestion(
                    question.question, question.expected, source=source, written_by_model=True
                )
            )
            if on_progress:
                on_progress(len(written))
    return written
