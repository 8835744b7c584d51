"""Grading a reply: expected facts present, nothing invented for unanswerable questions."""

from __future__ import annotations

import re

from frontdesk.exams.question_bank import ExamQuestion

DONT_KNOW = re.compile(
    r"(don't|do not|doesn't|cannot|can't|not able|unable|no information|not sure|"
    r"does not|take a message|leave a message|not something we|we don't|I'm afraid)",
    re.IGNORECASE,
)


# Words that carry no fact: a reply need not repeat them.
_FILLER = frozenset(
    "the and for with our your you are from per all any only each will can not but this "  # noqa: SIM905
    "that its has have was were than into also just every".split()
)


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def numbers_in(text: str) -> set[str]:
    """Numbers as a reader would say them: "8:00" is 8, "1,200" is 1200."""
    text = re.sub(r"(\d):00\b", r"\1", text)
    return {_digits(n) for n in re.findall(r"\d[\d,]*", text)}


def stems_in(text: str) -> set[str]:
    # Four letters are enough to match "hour"/"hours", "Tuesday"/"Tuesdays".
    return {w[:4] for w in re.findall(r"[a-z]{3,}", text.lower()) if w not in _FILLER}


def fact_present(expected: str, reply: str) -> bool:
    """Numbers compare by digits ("$32" ~ "32 dollars", "(555) 014-2398" ~ "555 014 2398");
    phrases match verbatim or, reworded, by every number and two thirds of their words."""
    if not re.search(r"\d", expected) or re.search(r"[A-Za-z]", expected):
        if expected.lower() in reply.lower():
            return True
        if not numbers_in(expected) <= numbers_in(reply):
            return False
        wanted = stems_in(expected)
        if not wanted:
            return bool(numbers_in(expected))
        return len(wanted & stems_in(reply)) * 3 >= len(wanted) * 2
    wanted_digits = _digits(expected)
    if len(wanted_digits) >= 7:  # a phone number, however it is spaced
        return wanted_digits in _digits(reply)
    return wanted_digits in numbers_in(reply)


def grade(question: ExamQuestion, reply: str) -> tuple[bool, str]:
    """(passed, why) for one reply."""
    if question.answerable:
        missing = [e for e in question.expected if not fact_present(e, reply)]
        if missing:
            return False, f"expected {', '.join(missing)}"
        return True, "expected facts present"
    if re.search(r"\$\s?\d", reply):
        return False, "invented a price for a question the knowledge does not cover"
    if not DONT_KNOW.search(reply):
        return False, "did not say it does not know"
    return True, "said it does not know"
