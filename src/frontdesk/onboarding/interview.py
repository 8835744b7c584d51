"""The interview's moves over its list of questions: answer, skip, go back, follow up.

Pure functions over the saved question list (the service persists the result after each
move), so resuming is reading the row again. A follow-up is inserted right after the
question it builds on, and only while the interview is under its maximum length.
"""

from __future__ import annotations

from typing import Any

from frontdesk.onboarding import answers
from frontdesk.onboarding.checklist import MAX_QUESTIONS

Question = dict[str, Any]


def follow_up(question: Question) -> Question | None:
    """A question that builds on this answer, when the answer leaves something out."""
    answer = (question.get("answer") or "").strip()
    if not answer or question.get("follow_up_of"):
        return None
    text: str | None = None
    if question["id"] == "booking.types":
        kinds = answers.appointment_kinds(answer)
        missing = [k.name for k in kinds if k.minutes is None]
        if missing:
            listed = ", ".join(missing[:3])
            text = f"How long should the calendar block for: {listed}?"
    elif question["id"] == "handoff.contacts":
        if not answers.phones_in(answer) and not answers.emails_in(answer):
            names = answers.names_in(answer)
            who = names[0] if names else "them"
            text = f"What phone number or email should the receptionist give callers for {who}?"
    elif (
        question["kind"] in ("confirm", "conflict")
        and answers.says_no(answer)
        and len(answer.split()) < 6  # "No." says it is wrong, not what is right
    ):
        text = "What should the receptionist tell callers instead?"
    if text is None:
        return None
    return {
        "id": f"{question['id']}.more",
        "topic": question["topic"],
        "part": question["part"],
        "kind": "follow_up",
        "text": text,
        "quote": question.get("quote"),
        "answer": None,
        "skipped": False,
        "follow_up_of": question["id"],
    }


def answer(questions: list[Question], position: int, text: str) -> tuple[list[Question], int]:
    questions = [dict(q) for q in questions]
    question = questions[position]
    question["answer"], question["skipped"] = text.strip(), False
    # A changed answer replaces the follow-up the old answer asked for.
    questions = [q for q in questions if q.get("follow_up_of") != question["id"] or q["answer"]]
    more = follow_up(question)
    if (
        more is not None
        and len(questions) < MAX_QUESTIONS
        and not any(q["id"] == more["id"] for q in questions)
    ):
        questions.insert(position + 1, more)
    return questions, position + 1


def skip(questions: list[Question], position: int) -> tuple[list[Question], int]:
    questions = [dict(q) for q in questions]
    questions[position]["skipped"] = True
    return questions, position + 1


def back(position: int) -> int:
    return max(0, position - 1)


def answered(questions: list[Question]) -> list[Question]:
    return [q for q in questions if q.get("answer")]


def answer_to(questions: list[Question], question_id: str) -> str:
    """The owner's answer to a question and to its follow-up, as one text."""
    parts = [
        q["answer"]
        for q in questions
        if q.get("answer") and (q["id"] == question_id or q.get("follow_up_of") == question_id)
    ]
    return "\n".join(parts)
