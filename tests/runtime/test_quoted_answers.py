"""A price or a length of time asked for is answered by quoting the one line that states it."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from frontdesk.runtime.quoted_answers import closest_price, quoted_answer
from tests.factories import make_receptionist
from tests.fake_llm import ScriptedLLM
from tests.knowledge.waiting import wait_for_agent
from tests.runtime.guided_talk import guided_conversation
from tests.runtime.test_booking_actions import _say, _start

VET_FEES = (
    "Our Fees › Common fees\n\n"
    "Consultation (15 min) — $79\nCat vaccination (F4) — $102\nDog vaccination (C7) — $118\n"
    "Microchipping — $55\nDental scale and polish — from $420"
)
MENU = (
    "Dinner Menu › Mains\n\n"
    "Braised Lamb Shoulder\nRosemary jus, white beans, salsa verde\n$36\n"
    "Market Fish\nBrown butter, capers, new potatoes\n$33"
)
FAQ = (
    "FAQ\n\nWhat is your cancellation policy? We ask for 48 hours' notice to cancel or move a "
    "visit. Is there parking? Yes, behind the building."
)


def test_the_line_with_the_asked_items_price_is_said() -> None:
    assert quoted_answer("How much to vaccinate my cat?", [VET_FEES]) == (
        "Cat vaccination (F4) — $102."
    )
    # Whether they offer it at all is answered by the line that prices it.
    assert quoted_answer("Do you offer microchipping? What does it cost?", [VET_FEES]) == (
        "Microchipping — $55."
    )
    # The dish's name is its label: the price line alone would be a price of nothing.
    assert quoted_answer("What does the lamb cost?", [MENU]) == (
        "Braised Lamb Shoulder: Rosemary jus, white beans, salsa verde — $36."
    )


def test_a_price_asked_the_way_callers_say_it() -> None:
    assert quoted_answer("What's the market fish going for these days?", [MENU]) == (
        "Market Fish: Brown butter, capers, new potatoes — $33."
    )
    assert quoted_answer("What's a dental scale and polish going to run me?", [VET_FEES]) == (
        "Dental scale and polish — from $420."
    )


def test_a_table_under_a_heading_of_columns_is_about_the_pages_subject() -> None:
    cakes = (
        "Celebration Cakes\n\nEvery cake is baked to order; tastings run 1 and 3 p.m. and "
        "cost $30 each.\n\nSizes & prices\n"
        '6" round — Serves: 8–10 — Price: $52\n8" round — Serves: 12–16 — Price: $70'
    )
    assert quoted_answer("What does an eight inch cake cost?", [cakes]) == (
        'Sizes & prices: 8" round — Serves: 12–16 — Price: $70.'
    )
    # A sentence goes on after "p.m." when the next word is lower case.
    assert quoted_answer("How much is a tasting?", [cakes]) == (
        "Every cake is baked to order; tastings run 1 and 3 p.m. and cost $30 each."
    )
    # A site's title lists everything it does: its words are not what a line is about.
    plumber = (
        "Rapid Plumbing | Drains, Water Heaters › Services\n\n"
        "Toilet Repair\nfrom $125 — Leaks at the base, new fill valves."
    )
    assert quoted_answer("What does a new water heater cost?", [plumber]) is None


def test_an_faq_answer_is_said_without_its_question() -> None:
    assert quoted_answer("How much notice do you need if I cancel?", [FAQ]) == (
        "We ask for 48 hours' notice to cancel or move a visit."
    )


def test_lines_that_agree_are_one_answer_and_lines_that_differ_none() -> None:
    services = "Services\n\nCat vaccination — $102"
    assert quoted_answer("How much is a cat vaccination?", [VET_FEES, services]) == (
        "Cat vaccination (F4) — $102."
    )
    # Cat or dog: the caller said neither, so there is no one line to read.
    assert quoted_answer("How much are vaccinations?", [VET_FEES]) is None


@pytest.mark.parametrize(
    "question",
    [
        "How much is it?",  # what "it" is was said in an earlier turn
        "Do you have parking?",  # not a price or a length of time
        "How much is a nail trim?",  # no line names it
        "What are your opening hours?",  # hours are answered from the owner's facts
    ],
)
def test_no_line_no_quote(question: str) -> None:
    assert quoted_answer(question, [VET_FEES, MENU, FAQ]) is None


def test_in_a_list_of_things_with_values_the_value_belongs_to_its_own_thing() -> None:
    # The owner's interview, indexed: "Free" is the trials', not a price of training.
    lengths = (
        "Interview answers › Appointments\n\n"
        "Free trials are 1 hour, personal training sessions 1 hour, inductions 30 minutes."
    )
    prices = "Membership › Personal Training\n\nPersonal training sessions: €50 each."
    question = "What's the price of a personal training session?"
    assert quoted_answer(question, [lengths]) is None
    assert quoted_answer(question, [lengths, prices]) == ("Personal training sessions: €50 each.")
    # A description's commas make no list; nor does a price standing alone at the end.
    tea = (
        "Cream teas\n\nFrom Wednesday to Sunday, 2 pm – 5 pm, we serve cream teas in the "
        "garden: two warm scones, clotted cream, jam and a pot of tea, £12.50 per person."
    )
    assert quoted_answer("How much is a cream tea?", [tea]) == tea.split("\n\n")[1]


def test_the_embedded_model_is_not_asked_what_a_line_states(  # type: ignore[no-untyped-def]
    chat, fake_llm: ScriptedLLM
) -> None:
    client, conversation_id = guided_conversation(
        chat, fake_llm, name="Northside Vets", knowledge=VET_FEES,
        model_says=("We're a friendly clinic.",),
    )  # fmt: skip
    out = _say(client, conversation_id, "How much does it cost to vaccinate my dog?")
    assert out["reply"] == "Dog vaccination (C7) — $118."
    assert fake_llm.seen == []  # the model never generated this turn
    # A question no one line answers still goes to the model.
    assert _say(client, conversation_id, "Tell me about the clinic")["reply"] == (
        "We're a friendly clinic."
    )


def test_the_owners_services_are_quoted_too(  # type: ignore[no-untyped-def]
    chat, fake_llm: ScriptedLLM
) -> None:
    # The price is only in the owner's confirmed services, not on any page.
    fake_llm.guided_actions = True  # type: ignore[attr-defined]
    client: TestClient = chat[0]
    agent = make_receptionist(client, name="Northside Vets", knowledge=MENU)
    facts = {"services": [{"name": "Nail trim", "price": "$18", "description": "any size"}]}
    patched = client.patch(f"/api/agents/{agent['id']}", json={"business_facts": facts})
    assert patched.is_success, patched.text
    wait_for_agent(client, agent["id"])
    out = _say(client, _start(client, agent), "How much is a nail trim?")
    assert out["reply"] == "Nail trim — $18 — any size."
    assert fake_llm.seen == []


PLUMBING = (
    "Services & Pricing\n\n"
    "Toilet Repair\nfrom $125 — Running toilets, leaks at the base, new fill valves.\n\n"
    "Sewer Camera Inspection\n$299 — Video inspection with a recording you keep.\n\n"
    "Water Heater Repair\nfrom $189 — Gas and electric tank heaters, pilot issues."
)
GARAGE = (
    "Diagnostics and Inspections\n\nCheck engine light diagnostic (up to 1 hour): $129\n"
    "A/C performance check: $89\nA/C recharge, R-134a: $189\nA/C recharge, R-1234yf: $349"
)
SALON = (
    "Services & Prices\n\nCUTS & STYLING\nWomen’s Cut & Style — $85\nMen’s Cut — $45\n"
    "Blow-Dry & Style — $55\n\nNAILS\nGel polish — $25\nClassic manicure — $30"
)
YOGA = (
    "Prices\n\n10-Class Pass\n€150 — Valid for 6 months.\n\nGood to know\n"
    "Later cancellations count as a used class; no-shows cost €10."
)


def test_the_price_line_sharing_clearly_the_most_words_answers() -> None:
    said = closest_price("My toilet keeps running, how much to fix that?", [PLUMBING])
    assert said is not None and "$125" in said and "$299" not in said
    said = closest_price(
        "My check engine light came on. What do you charge just to find out what it is?", [GARAGE]
    )
    assert said is not None and "$129" in said and "$89" not in said
    said = closest_price("My Accord takes the new 1234yf stuff. How much for a recharge?", [GARAGE])
    assert said is not None and "$349" in said and "$189" not in said


def test_two_lines_that_come_close_are_left_to_the_model() -> None:
    # "Women's cut" or "blow-dry": each line has two of the words; the section heading's
    # "cut" counts for every row, so it decides nothing.
    assert closest_price("How much for a women's cut and blow-dry?", [SALON]) is None
    # One word in common is no answer: "gel manicure" is neither the polish nor the manicure.
    assert closest_price("How much is a gel manicure?", [SALON]) is None
    # A question the prices do not answer.
    assert closest_price("How much is a sewer line replacement?", [PLUMBING]) is None


def test_words_of_another_question_and_the_callers_own_value_do_not_count() -> None:
    # "how long can I use it" is a second question: its "use" would pick the no-show line.
    said = closest_price("What does the ten class pass cost, and how long can I use it?", [YOGA])
    assert said is not None and "€150" in said
    meeting = "Consultations\n\nYour first meeting with us is free.\nLonger meetings: $250."
    said = closest_price("If the first meeting runs long, is it free? What's the cost?", [meeting])
    assert said is None or "$250" in said


def test_a_discount_asked_for_is_the_line_that_gives_one() -> None:
    prices = (
        "Prices\n\nIntro Offer\nNew students — €35 — 2 weeks unlimited classes.\n\n"
        "Discounts\nStudents and trainees get 15% off all passes (please bring valid ID).\n"
        "Seniors: 10% off class cards."
    )
    said = quoted_answer("Is there a student discount?", [prices])
    assert said is not None and "15% off" in said and "€35" not in said
    assert "10%" in str(quoted_answer("Do seniors get a discount?", [prices]))
    # No line gives veterans a discount.
    assert quoted_answer("Do you give a discount to veterans?", [prices]) is None
