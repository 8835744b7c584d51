"""Grading a reply: expected facts present, nothing invented for unanswerable questions."""

from __future__ import annotations

import re

from frontdesk.exams.question_bank import ExamQuestion

DONT_KNOW = re.compile(
    r"(don't|do not|doesn't|cannot|can't|not able|unable|no information|not sure|"
    r"take a message|leave a message|not something we|we don't|I'm afraid)",
    re.IGNORECASE,
)


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def fact_present(expected: str, reply: str) -> bool:
    """Numbers compare by digits ("$32" ~ "32 dollars", "(555) 014-2398" ~ "555 014 2398");
    text compares case-insensitively."""
    if re.search(r"[A-Za-z]", expected) or not re.search(r"\d", expected):
        return expected.lower() in reply.lower()
    wanted = _digits(expected)
    if len(wanted) >= 7:  # a phone number, however it is spaced
        return wanted in _digits(reply)
    return wanted in {_digits(n) for n in re.findall(r"\d[\d,]*", reply)}


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
