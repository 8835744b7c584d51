"""Asked about a person's age, the caller hears the age limit the business states."""

from __future__ import annotations

import pytest

from frontdesk.runtime.age_answers import age_answer
from tests.fake_llm import ScriptedLLM
from tests.runtime.guided_talk import guided_conversation
from tests.runtime.test_booking_actions import _say

MEMBERSHIP = (
    "Membership › Good to know\n\n"
    "No contracts: cancel any time with 30 days' notice.\n"
    "Members must be 16 or over. 16 and 17 year olds need a parent or guardian to sign our "
    "consent form before their first visit.\n"
    "Kettlebells\nLimited to 12 people; book ahead."
)
CLINIC_FAQ = (
    "FAQ\n\nDo you treat children? We see patients aged 12 and up.\n\n"
    "Is there parking? Two spaces behind the building."
)


def test_the_age_limit_is_said_as_the_business_wrote_it() -> None:
    assert age_answer("Can my 15-year-old join?", [MEMBERSHIP]) == (
        "Members must be 16 or over. 16 and 17 year olds need a parent or guardian to sign our "
        "consent form before their first visit."
    )
    # An FAQ's answer, without its question.
    assert age_answer("Can you see my eight-year-old daughter?", [CLINIC_FAQ]) == (
        "We see patients aged 12 and up."
    )


@pytest.mark.parametrize(
    ("question", "texts"),
    [
        ("Can I bring a group of ten?", [MEMBERSHIP]),  # asks no age
        ("Can my 15-year-old join?", ["Groups\n\nParties of 8+ must call ahead."]),
        # Two blocks of the best passage state a limit: which one is meant is the model's.
        (
            "Can my ten-year-old come?",
            ["Classes\n\nKids Yoga\nFor ages 5 to 11, aged 5+.\n\nAdult Flow\nAged 16 and up."],
        ),
    ],
)
def test_no_single_age_limit_is_left_to_the_model(question: str, texts: list[str]) -> None:
    assert age_answer(question, texts) is None


def test_the_embedded_model_is_not_asked_the_age_limit(  # type: ignore[no-untyped-def]
    chat, fake_llm: ScriptedLLM
) -> None:
    client, conversation_id = guided_conversation(
        chat, fake_llm, name="Iron Works Gym", knowledge=MEMBERSHIP,
        model_says=("Sorry, you need to sign our consent form.",),
    )  # fmt: skip
    out = _say(client, conversation_id, "Can my 15-year-old join?")
    assert "Members must be 16 or over." in out["reply"]
    assert fake_llm.seen == []  # the model is never asked
