"""A question the business's FAQ asks too is answered with the FAQ's own answer."""

from __future__ import annotations

import pytest

from frontdesk.runtime.faq_answers import faq_answer
from tests.fake_llm import ScriptedLLM
from tests.runtime.guided_talk import guided_conversation
from tests.runtime.test_booking_actions import _say

FAQ = (
    "Help › Frequently Asked Questions\n\n"
    "Is there parking nearby? There is pay & display parking on Mill Lane. The nearest "
    "station is Riverside, a 5 minute walk.\n\n"
    "Do you see children? Yes. Children under 16 are seen free on the NHS.\n\n"
    "What happens if I'm late? More than 10 minutes late and we may need to rebook you."
)


def test_the_caller_asking_what_the_faq_asks_hears_its_answer() -> None:
    assert faq_answer("Is there anywhere to park near you?", [FAQ]) == (
        "There is pay & display parking on Mill Lane. The nearest station is Riverside, "
        "a 5 minute walk."
    )
    assert faq_answer("Do you see children?", [FAQ]) == (
        "Yes. Children under 16 are seen free on the NHS."
    )
    # "What happens if" asks what "what if" asks, and running late is being late.
    late = "More than 10 minutes late and we may need to rebook you."
    assert faq_answer("What if I'm late?", [FAQ]) == late
    assert faq_answer("What if we're running a bit late?", [FAQ]) == late


@pytest.mark.parametrize(
    "question",
    [
        "Is there parking for a van?",  # the FAQ does not say
        "Do you see children on Saturdays?",  # nor this
        "Is parking free?",  # "free" is nowhere in the parking answer
    ],
)
def test_a_question_the_faq_does_not_ask_is_left_to_the_model(question: str) -> None:
    assert faq_answer(question, [FAQ]) is None


def test_two_faqs_that_fit_are_left_to_the_model() -> None:
    other = "FAQ\n\nIs there parking nearby? Yes, behind the building."
    assert faq_answer("Is there parking nearby?", [FAQ, other]) is None


def test_the_embedded_model_is_not_asked_what_the_faq_answers(  # type: ignore[no-untyped-def]
    chat, fake_llm: ScriptedLLM
) -> None:
    client, conversation_id = guided_conversation(
        chat, fake_llm, name="Mill Lane Dental", knowledge=FAQ,
        model_says=("Yes, there is parking nearby.",),
    )  # fmt: skip
    out = _say(client, conversation_id, "Is there anywhere to park near you?")
    assert out["reply"].startswith("There is pay & display parking on Mill Lane.")
    assert fake_llm.seen == []  # the model's retelling is never asked for
    # A question the FAQ does not ask still goes to the model.
    assert _say(client, conversation_id, "Is parking free?")["reply"] == (
        "Yes, there is parking nearby."
    )
