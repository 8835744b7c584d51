"""Grading a reply the way the answer benchmark judges one, so the score can be believed.

A reply passes a question the knowledge answers when it contains every expected fact and
states no number, price, phone number or email that the evidence (the agent's knowledge,
its business facts, the question and the tools' results) does not hold: a right price next
to an invented one is not a right answer. A reply to a question the knowledge does not
answer passes only when it admits not knowing and invents nothing. The exam used to pass
any reply with "don't" in it and phrases with two thirds of their words, and it never
looked for invented facts; that is how it said 0.875 of an agent that answered 4 of 14.
"""

from __future__ import annotations

import re
import unicodedata

from frontdesk.exams.question_bank import ExamQuestion

# The reply admits it does not know (or hands the question on), in the words assistants use.
DONT_KNOW = re.compile(
    r"\b(?:I (?:don't|do not|can't|cannot|couldn't) (?:have|know|find|see|say|confirm|tell)|"
    r"I'm not (?:sure|certain|able)|I am not (?:sure|certain|able)|not sure|"
    r"(?:no|don't have any|do not have any) (?:information|details)|"
    r"(?:isn't|is not|wasn't) (?:something|information) (?:I|we)|"
    r"not something I|I'm afraid|unfortunately,? I|"
    r"(?:take|leave|pass on) (?:a|your) (?:message|question)|"
    r"(?:check|ask) with (?:the|our) (?:team|staff|owner|manager)|"
    r"have someone (?:call|get back|contact)|I don't have that|"
    r"not in (?:my|the) (?:notes|information))",
    re.IGNORECASE,
)

# Words that carry no fact: a reply need not repeat them.
_FILLER = frozenset(
    "the and for with our your you are from per all any only each will can not but this "  # noqa: SIM905
    "that its has have was were than into also just every".split()
)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_NUMBER = re.compile(r"\d[\d,.:]*\d|\d")


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def fold(text: str) -> str:
    """Case, dash kinds, curly quotes and spacing aside (as the corpus judge compares)."""
    text = unicodedata.normalize("NFKC", text).lower()
    text = re.sub(r"[\u2010-\u2015\u2212]", "-", text).replace("\u2019", "'")
    return re.sub(r"\s+", " ", text)


def contains(text: str, wanted: str) -> bool:
    """`wanted` occurs in `text`; a value starting or ending with a digit is not part of a
    longer number ("$32" is not in "$320")."""
    t, w = fold(text), fold(wanted).strip()
    if not w:
        return False
    head = r"(?<![0-9])" if w[0].isdigit() else ""
    tail = r"(?![0-9])" if w[-1].isdigit() else ""
    return re.search(head + re.escape(w) + tail, t) is not None


def numbers_in(text: str) -> set[str]:
    """Numbers as a reader would say them: "8:00" is 8, "1,200" is 1200, "12.50" is 1250."""
    text = re.sub(r"(\d)[:.]00\b", r"\1", text)
    return {_digits(n) for n in re.findall(r"\d[\d,.:]*\d|\d", text)}


def stems_in(text: str) -> set[str]:
    # Four letters are enough to match "hour"/"hours", "Tuesday"/"Tuesdays".
    return {w[:4] for w in re.findall(r"[a-z]{3,}", text.lower()) if w not in _FILLER}


def fact_present(expected: str, reply: str) -> bool:
    """Numbers compare by digits ("$32" ~ "32 dollars", "(555) 014-2398" ~ "555 014 2398",
    "9 am" ~ "9:00"); phrases match verbatim or, reworded, by every number and every word."""
    if contains(reply, expected):
        return True
    wanted_digits = _digits(expected)
    if len(wanted_digits) >= 7 and not re.search(r"[A-Za-z]{3,}", expected):
        return wanted_digits in _digits(reply)  # a phone number, however it is spaced
    if not numbers_in(expected) <= numbers_in(reply):
        return False
    return stems_in(expected) <= stems_in(reply)


def invented(reply: str, evidence: str) -> list[str]:
    """Numbers, prices, phone numbers and emails in `reply` that `evidence` does not hold."""
    known_numbers = numbers_in(evidence)
    known_digits = _digits(evidence)
    lower = evidence.lower()
    made_up = [e for e in _EMAIL.findall(reply) if e.lower() not in lower]
    for match in _NUMBER.finditer(_EMAIL.sub(" ", reply)):
        raw = match.group(0).strip(".,:")
        digits = _digits(raw)
        if not digits:
            continue
        if len(digits) >= 7:  # a phone number, spaced any way
            if digits not in known_digits and digits[-7:] not in known_digits:
                made_up.append(raw)
        elif numbers_in(raw) - known_numbers:
            made_up.append(raw)
    return made_up


def grade(question: ExamQuestion, reply: str, evidence: str | None = None) -> tuple[bool, str]:
    """(passed, why) for one reply. Without `evidence` nothing is checked for invention."""
    extra = invented(reply, f"{evidence}\n{question.question}") if evidence is not None else []
    if question.answerable:
        missing = [e for e in question.expected if not fact_present(e, reply)]
        if missing:
            return False, f"expected {', '.join(missing)}"
        if extra:
            return False, f"stated {', '.join(extra)}, which the knowledge does not say"
        return True, "expected facts present"
    if extra or (evidence is None and re.search(r"[$€£]\s?\d", reply)):
        return False, "invented a fact for a question the knowledge does not cover"
    if not DONT_KNOW.search(reply):
        return False, "did not say it does not know"
    return True, "said it does not know"
