"""Follow-through: a promised message is stored even when the model forgot the tool, and a
question nothing on file answers reaches the model marked so. Over the real text API with
a scripted model, the real database, Chroma and embedder."""

from __future__ import annotations

import pytest

from frontdesk.db import transaction
from frontdesk.knowledge_gaps.collecting import NOT_KNOWING
from frontdesk.models import CallerMessage
from frontdesk.resources import Resources
from frontdesk.runtime.follow_through import (
    KEPT_HEAD,
    NOTHING_ON_FILE,
    answers_from_nothing,
    asks_about_business,
    promises_follow_up,
)
from frontdesk.runtime.grounding import HONEST, UNKNOWN
from frontdesk.runtime.knowledge_note import reference_text
from tests.factories import make_receptionist
from tests.fake_llm import Call, Say, ScriptedLLM, last_tool_output
from tests.knowledge.waiting import wait_for_agent
from tests.runtime.test_booking_actions import _say


@pytest.mark.parametrize(
    "reply",
    [
        "Sure, I'll take a message for Grace Liu at grace.liu@example.com.",
        "I will pass that on to Sophie.",
        "Thanks, I'll let the team know.",
        "I'll have someone call you back tomorrow.",
        "I've passed your request on to our manager.",
    ],
)
def test_commitments_are_promises(reply: str) -> None:
    assert promises_follow_up(reply)


@pytest.mark.parametrize(
    "reply",
    [
        "I can take a message and have someone call you back.",
        "Would you like me to take a message?",
        "I don't have that in front of me.",
        "Our phone number is 604-555-0182.",
    ],
)
def test_offers_and_answers_promise_nothing(reply: str) -> None:
    assert not promises_follow_up(reply)


def test_questions_for_the_knowledge_base_are_told_from_booking_steps() -> None:
    assert asks_about_business("Do you offer shockwave therapy?")
    assert asks_about_business("is there an elevator")
    assert not asks_about_business("Can I book a table for four on Saturday at 7pm?")
    assert not asks_about_business("Could you leave a message for Sophie?")
    assert not asks_about_business("Olivia Martin, 604-555-0123.")


def _messages(resources: Resources, agent_id: str) -> list[CallerMessage]:
    with transaction(resources.sessionmaker) as db:
        rows = db.query(CallerMessage).filter_by(agent_id=agent_id).all()
        db.expunge_all()
        return rows


def test_a_promised_message_is_kept_when_the_model_forgot_the_tool(  # type: ignore[no-untyped-def]
    chat, fake_llm: ScriptedLLM, chat_resources: Resources
) -> None:
    client, agent = chat
    wait_for_agent(client, agent["id"])
    fake_llm.script(
        Say("Of course. Who is it from, and how can Sophie reach you?"),
        Say("Sure, I'll take a message for Grace Liu at grace.liu@example.com."),
    )
    conversation_id = client.post(f"/api/agents/{agent['id']}/conversations").json()["id"]
    _say(
        client,
        conversation_id,
        "Could you leave a message for Sophie? I'd like to change my program.",
    )
    assert _messages(chat_resources, agent["id"]) == []  # an answer, no promise yet
    _say(client, conversation_id, "It's Grace Liu, grace.liu@example.com.")
    [kept] = _messages(chat_resources, agent["id"])
    assert kept.conversation_id == conversation_id and kept.kind == "message"
    assert kept.body.startswith(KEPT_HEAD)
    assert "I'd like to change my program" in kept.body and "grace.liu@example.com" in kept.body


def test_a_message_the_tool_stored_is_not_stored_twice(  # type: ignore[no-untyped-def]
    chat, fake_llm: ScriptedLLM, chat_resources: Resources
) -> None:
    client, agent = chat
    wait_for_agent(client, agent["id"])
    fake_llm.script(
        Call("take_message", {"message": "Change my program", "name": "Grace Liu",
                              "contact": "grace.liu@example.com"}),
        lambda ctx: Say("I'll pass that on. " + last_tool_output(ctx)[:0]),
    )  # fmt: skip
    conversation_id = client.post(f"/api/agents/{agent['id']}/conversations").json()["id"]
    _say(
        client,
        conversation_id,
        "Message for Sophie from Grace Liu, grace.liu@example.com: change my program.",
    )
    [stored] = _messages(chat_resources, agent["id"])
    assert stored.body == "Change my program"


def test_a_question_nothing_on_file_answers_is_marked_for_the_model(  # type: ignore[no-untyped-def]
    chat, fake_llm: ScriptedLLM
) -> None:
    client, agent = chat
    wait_for_agent(client, agent["id"])
    fake_llm.script(Say("I don't know that, but I can take a message."), Say("Yes."))
    conversation_id = client.post(f"/api/agents/{agent['id']}/conversations").json()["id"]
    _say(client, conversation_id, "Do you offer shockwave therapy?")
    notes = [reference_text(i) for i in fake_llm.seen[0].items if reference_text(i)]
    assert notes == [NOTHING_ON_FILE]
    # A booking step is not a question for the knowledge base: it gets no note of its own
    # (the first question's note is shown again where it was, for the prompt cache).
    _say(client, conversation_id, "Can I book for Tuesday at 3pm?")
    notes = [reference_text(i) for i in fake_llm.seen[1].items if reference_text(i)]
    assert notes == [NOTHING_ON_FILE]


def test_a_yes_or_no_after_nothing_on_file_is_withheld(  # type: ignore[no-untyped-def]
    chat, fake_llm: ScriptedLLM
) -> None:
    client, agent = chat
    wait_for_agent(client, agent["id"])
    fake_llm.script(Say("No, we do not offer shockwave therapy."), Say("Yes, we see cats."))
    conversation_id = client.post(f"/api/agents/{agent['id']}/conversations").json()["id"]
    made_up = _say(client, conversation_id, "Do you offer shockwave therapy?")
    assert made_up["reply"] == HONEST
    # With the knowledge saying it, a yes goes out.
    assert _say(client, conversation_id, "Do you see cats?")["reply"] == "Yes, we see cats."


def test_a_kept_message_carries_the_name_and_contact_the_caller_gave(  # type: ignore[no-untyped-def]
    chat, fake_llm: ScriptedLLM, chat_resources: Resources
) -> None:
    client, agent = chat
    wait_for_agent(client, agent["id"])
    fake_llm.script(Say("I'll pass that on to the team."))
    conversation_id = client.post(f"/api/agents/{agent['id']}/conversations").json()["id"]
    _say(
        client, conversation_id, "It's Grace Liu, grace.liu@example.com, please ask Sophie to call."
    )
    [kept] = _messages(chat_resources, agent["id"])
    assert (kept.caller_name, kept.caller_contact) == ("Grace Liu", "grace.liu@example.com")


def test_a_yes_or_no_about_what_no_page_mentions_is_withheld(  # type: ignore[no-untyped-def]
    chat, fake_llm: ScriptedLLM
) -> None:
    client, _ = chat
    agent = make_receptionist(
        client, name="Harbor Table", knowledge="We pour wine by the glass and by the bottle."
    )
    wait_for_agent(client, agent["id"])
    fake_llm.script(
        Say("No, there is no corkage fee."),
        Say("Yes, we pour wine by the glass."),
        Say("Yes, we pour wine by the glass and by the bottle."),
    )
    conversation_id = client.post(f"/api/agents/{agent['id']}/conversations").json()["id"]
    # The wine passage is found, but no page says "corkage": the verdict is made up.
    asked = _say(client, conversation_id, "Is there a corkage fee if we bring our own bottle?")
    assert asked["reply"] == HONEST
    # "guys" is on no page either, but the yes is about the wine the page states.
    assert _say(client, conversation_id, "Do you guys serve wine by the glass?")["reply"] == (
        "Yes, we pour wine by the glass."
    )
    # A yes to something else than what no page mentions is still a made-up yes.
    other = _say(client, conversation_id, "Do you do sommelier pairings?")["reply"]
    assert other == HONEST
    # A yes that goes on about what the pages do have of the question stands.
    fake_llm.script(Say("Yes, we pour wine with dinner."))
    wine = _say(client, conversation_id, "Is there anywhere I can get wine?")["reply"]
    assert wine == "Yes, we pour wine with dinner."


@pytest.mark.parametrize(
    ("sentence", "verdict"),
    [
        ("No, we do not offer shockwave therapy.", True),
        ("Sorry, but we don't offer weekend workshops.", True),  # a lead-in is still a no
        ("Unfortunately we do not sell knee braces.", True),
        ("Sorry, I don't know that.", False),
        ("I'm sorry, I can take a message for the team.", False),
        ("Sorry about that!", False),
    ],
)
def test_what_counts_as_a_yes_or_a_no(sentence: str, verdict: bool) -> None:
    assert answers_from_nothing(sentence) is verdict


def test_with_the_embedded_model_nothing_on_file_is_said_in_code(  # type: ignore[no-untyped-def]
    chat, fake_llm: ScriptedLLM
) -> None:
    # The model could only say it does not know (or invent); three seconds of generation
    # for that sentence went to every question the site never touches.
    fake_llm.guided_actions = True  # type: ignore[attr-defined]
    client, agent = chat
    wait_for_agent(client, agent["id"])
    fake_llm.script(Say("Yes, we see cats."), Say("We're two minutes from the station."))
    conversation_id = client.post(f"/api/agents/{agent['id']}/conversations").json()["id"]
    out = _say(client, conversation_id, "Do you offer shockwave therapy?")
    assert out["reply"] == UNKNOWN and fake_llm.seen == []
    # The knowledge-gap list reads it as not knowing.
    assert NOT_KNOWING.search(UNKNOWN)
    # A question the knowledge touches still goes to the model.
    assert _say(client, conversation_id, "Do you see cats?")["reply"] == "Yes, we see cats."
    assert len(fake_llm.seen) == 1
    # So does a question of where: the address in the facts answers it in other words.
    _say(client, conversation_id, "Which U-Bahn station should I get off at?")
    assert len(fake_llm.seen) == 2
