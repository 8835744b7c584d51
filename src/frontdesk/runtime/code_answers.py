"""The questions the embedded model's agent answers in code, with the business's own line.

Each answerer reads the passages found for the question (best first) and answers only when
exactly one line fits (see each module); otherwise the next one is tried, and with none the
question goes to the model with its note. One chain, so the agent and the corpus benchmark
(bench/corpus_retrieval.py) answer alike.
"""

from __future__ import annotations

from frontdesk.runtime.age_answers import age_answer
from frontdesk.runtime.diet_answers import diet_answer
from frontdesk.runtime.faq_answers import faq_answer
from frontdesk.runtime.headcount_answers import headcount_answer
from frontdesk.runtime.not_offered_answers import not_offered_answer
from frontdesk.runtime.payment_answers import payment_answer
from frontdesk.runtime.quoted_answers import closest_price, quoted_answer
from frontdesk.runtime.timetable_answers import (
    day_hours_answer,
    extreme_answer,
    timetable_answer,
)
from frontdesk.runtime.which_answers import which_answer
from frontdesk.runtime.who_answers import who_answer


def answer_in_code(
    question: str, found: list[str], services: str = "", business_name: str = ""
) -> str | None:
    """The answer read from `found` (and the owner's services, written as a passage), or
    None for the model."""
    priced = [*found, services] if services else found
    return (
        quoted_answer(question, priced)
        or who_answer(question, found, business_name)
        or faq_answer(question, found)
        or timetable_answer(question, found)
        or extreme_answer(question, found)
        or day_hours_answer(question, found)
        or headcount_answer(question, found)
        or closest_price(question, priced)
        or age_answer(question, found)
        or payment_answer(question, found)
        or not_offered_answer(question, found)
        or diet_answer(question, found)
        or which_answer(question, found)
    )
