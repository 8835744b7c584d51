"""'Who…?' is answered with the one person the business's pages name for it."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from frontdesk.runtime.who_answers import who_answer
from tests.factories import make_receptionist
from tests.fake_llm import ScriptedLLM
from tests.knowledge.waiting import wait_for_agent
from tests.runtime.guided_talk import guided_conversation
from tests.runtime.test_booking_actions import _say, _start

TEAM = (
    "Our People › Meet the team\n\n"
    "Grace Okoye\nHead Baker & Owner\nGrace opened the shop in 2015 after a decade in hotel "
    "kitchens.\n\n"
    "Tomasz Wójcik\nCake Designer\nEvery wedding cake we sell is sketched by Tomasz first.\n\n"
    "Lemon Drizzle Loaf\nOur best seller, glazed while warm — $14"
)
CLINIC = (
    "Our Team\n\nVets and nurses who love animals. Dr Priya Nair Principal Veterinarian — "
    "Priya has led the clinic since 2019. Exotic pets are seen by Dr Owen Fry on Fridays."
)


def test_the_person_a_card_names_for_the_role_is_said_with_their_title() -> None:
    assert who_answer("Who owns the bakery?", [TEAM]) == (
        "That would be Grace Okoye, our Head Baker & Owner."
    )
    assert who_answer("Who designs the wedding cakes?", [TEAM]) == (
        "That would be Tomasz Wójcik, our Cake Designer."
    )


def test_a_doctor_named_in_a_sentence_is_a_person() -> None:
    assert who_answer("Who's the principal vet there?", [CLINIC]) == (
        "That would be Dr Priya Nair."
    )


def test_a_card_written_on_one_line_names_its_person_and_title() -> None:
    team = (
        "Meet the Team\n\nOur dentists, hygienist and support staff are here for you.\n\n"
        "Jonah Reyes — Dental Hygienist — Dip DH · GDC 208765 — Jonah's gentle scale & "
        "polish wins over the nervous.\n\n"
        "Aoife O’Sullivan — Practice Manager — Aoife is the person to speak to about "
        "payment plans and complaints."
    )
    assert who_answer("Who's the hygienist there?", [team]) == (
        "That would be Jonah Reyes, our Dental Hygienist."
    )
    # A family name with an apostrophe is still a name.
    assert who_answer("Who do I talk to about payment plans?", [team]) == (
        "That would be Aoife O’Sullivan, our Practice Manager."
    )


@pytest.mark.parametrize(
    "question",
    [
        "Who's your best seller?",  # a dish named like a person is not one
        "Who does your taxes?",  # no card says so
        "Who are you?",  # nothing asked about beyond who
        "Is there someone who speaks Polish?",  # nobody is said to
    ],
)
def test_no_one_person_no_answer(question: str) -> None:
    assert who_answer(question, [TEAM, CLINIC]) is None


def test_the_hosts_who_introduce_themselves_run_the_place() -> None:
    about = (
        "Home › Welcome to Rose Cottage\n\n"
        "We’re Sarah and Tom Whitaker, and since 2011 we’ve been welcoming guests to our "
        "17th-century home.\n"
        "“I'm Jane and we loved every minute.” – Google review"
    )
    for question in ["Who runs Rose Cottage?", "Who owns the place?", "Who's behind it?"]:
        assert who_answer(question, [about], "Rose Cottage B&B") == (
            "That would be Sarah and Tom Whitaker."
        ), question
    # Without an introduction, the owner's card answers who runs it.
    assert who_answer("Who runs the bakery?", [TEAM]) == (
        "That would be Grace Okoye, our Head Baker & Owner."
    )
    # "We're a neighbourhood bakery" introduces no one.
    assert (
        who_answer("Who runs it?", ["About\n\nWe’re a neighbourhood bakery on Division."]) is None
    )


def test_the_trade_in_the_business_name_is_still_asked_about() -> None:
    # "vet" of "Paws Vet Brunswick" is what the caller asks for, not the business's name:
    # without it, "head" met the head nurse as well as the principal vet.
    team = (
        "Our Team\n\nDr Sarah Mitchell Principal Veterinarian — Sarah opened Paws in 2012.\n"
        "Emma Walsh Head Nurse — Emma runs our hospital."
    )
    assert who_answer("Who's the head vet there?", [team], "Paws Vet Brunswick") == (
        "That would be Dr Sarah Mitchell."
    )


def test_a_plural_the_stemmer_keeps_whole_meets_the_card_s_singular() -> None:
    crew = (
        "Meet the crew › Jenna Park\nService Advisor\n\n"
        "Meet the crew › Luis Romero\nLead Technician, Subaru & Toyota specialist"
    )
    assert who_answer("Who's the best person there for Subarus?", [crew]) == (
        "That would be Luis Romero, our Lead Technician."
    )


def test_words_no_passage_writes_are_how_the_caller_put_it() -> None:
    stylists = (
        "Our Stylists\n\nJasmine Cole\nOwner & Master Stylist\nBalayage and lived-in colour.\n\n"
        "Aiko Tanaka\nColourist\nVivid colour, colour correction and glossy brunettes.\n\n"
        "Marco Ruiz\nSenior Stylist\nMen's cuts, fades and short textured styles."
    )
    # "bad" and "job" are written nowhere; "fixing" a "dye" is correcting colour.
    assert who_answer("Who would you recommend for fixing a bad dye job?", [stylists]) == (
        "That would be Aiko Tanaka, our Colourist."
    )
    # One word written of two is too little to go on.
    assert who_answer("Who's best for a skin fade?", [stylists]) is None
    assert who_answer("Who can fix my dishwasher?", [stylists]) is None


def test_two_people_for_one_question_are_left_to_the_model() -> None:
    vets = CLINIC + " Dr Ana Ruiz is also a Principal Veterinarian."
    assert who_answer("Who's the principal vet there?", [vets]) is None


def test_the_embedded_model_is_not_asked_who_a_card_names(  # type: ignore[no-untyped-def]
    chat, fake_llm: ScriptedLLM
) -> None:
    client, conversation_id = guided_conversation(
        chat, fake_llm, name="Rise Bakery", knowledge=TEAM, model_says=("We bake every morning.",)
    )
    out = _say(client, conversation_id, "Who designs your wedding cakes?")
    assert out["reply"] == "That would be Tomasz Wójcik, our Cake Designer."
    assert fake_llm.seen == []


def test_a_question_the_owners_facts_cover_is_still_answered_from_the_card(  # type: ignore[no-untyped-def]
    chat, fake_llm: ScriptedLLM
) -> None:
    # A line of the owner's services holds every word asked ("Wedding cakes" for "who
    # designs your wedding cakes"), so no note is shown: the card is still read.
    fake_llm.guided_actions = True  # type: ignore[attr-defined]
    client: TestClient = chat[0]
    agent = make_receptionist(client, name="Rise Bakery", knowledge=TEAM)
    facts = {"services": [{"name": "Wedding cakes designed to order", "price": "from $300"}]}
    patched = client.patch(f"/api/agents/{agent['id']}", json={"business_facts": facts})
    assert patched.is_success, patched.text
    wait_for_agent(client, agent["id"])
    conversation_id = _start(client, agent)
    out = _say(client, conversation_id, "Who designs your wedding cakes?")
    assert out["reply"] == "That would be Tomasz Wójcik, our Cake Designer."
    assert fake_llm.seen == []
