"""Asked which card of a grid has a thing, the caller hears the one card whose lines say so."""

from __future__ import annotations

import pytest

from frontdesk.runtime.which_answers import which_answer
from tests.fake_llm import ScriptedLLM
from tests.runtime.guided_talk import guided_conversation
from tests.runtime.test_booking_actions import _say

# Each room a card of its own (a chunk per heading), as a rooms page is read.
ORCHARD = "Our Rooms › Orchard\n\n£135 per night\nSuper-king bed\nRoll-top bath and shower"
WREN = "Our Rooms › Wren\n\n£95 per night\nSmall double bed\nShower room"
# Cards as labelled blocks of one chunk.
PLANS = (
    "Membership plans\n\nOff-Peak\n€39/month\nGym floor 9am–4pm weekdays\n\n"
    "Full Access\n€55/month\nGym floor any time, all classes included\n\n"
    "Student\n€35/month\nGym floor any time with a valid student card"
)


def test_the_one_card_whose_line_has_it_is_named() -> None:
    assert which_answer("Which room has the roll-top bath?", [WREN, ORCHARD]) == (
        "That would be Orchard: Roll-top bath and shower."
    )
    assert which_answer("Which plan includes the classes?", [PLANS]) == (
        "That would be Full Access: Gym floor any time, all classes included."
    )


@pytest.mark.parametrize(
    ("question", "texts"),
    [
        ("Which room has a shower?", [WREN, ORCHARD]),  # both do: the model chooses
        ("Which room has a sea view?", [WREN, ORCHARD]),  # none says so
        ("Which class has the roll-top bath?", [WREN, ORCHARD]),  # no classes on this page
        ("What room is free tonight?", [WREN, ORCHARD]),  # "free" is nowhere
        ("Is there a roll-top bath?", [WREN, ORCHARD]),  # asks no which
    ],
)
def test_no_single_card_is_left_to_the_model(question: str, texts: list[str]) -> None:
    assert which_answer(question, texts) is None


def test_the_embedded_model_is_not_asked_which_card(  # type: ignore[no-untyped-def]
    chat, fake_llm: ScriptedLLM
) -> None:
    rooms = (
        "Our Rooms\n\nOrchard\n£135 per night\nSuper-king bed\nRoll-top bath and shower\n\n"
        "Wren\n£95 per night\nSmall double bed\nShower room"
    )
    client, conversation_id = guided_conversation(
        chat, fake_llm, name="Orchard House B&B", knowledge=rooms,
        model_says=("The room with the roll-top bath is Wren.",),
    )  # fmt: skip
    out = _say(client, conversation_id, "Which room has the roll-top bath?")
    assert out["reply"] == "That would be Orchard: Roll-top bath and shower.", out["reply"]
    assert fake_llm.seen == []  # the model is never asked
