"""A reply that leaves out the value asked for, when the knowledge found states one, is
followed by that line as written; an invented one gives way to it."""

from __future__ import annotations

from fastapi.testclient import TestClient

from frontdesk.runtime.grounding import ON_FILE_LEAD, ON_FILE_OFFER, ON_FILE_SAYS
from tests.factories import make_receptionist
from tests.fake_llm import Say, ScriptedLLM
from tests.knowledge.waiting import wait_for_agent
from tests.runtime.test_booking_actions import _say, _start

POLICY = (
    "Reservations are held for 15 minutes. After that we may give the table to guests who "
    "are waiting, so please call if you're running late. Our number is (416) 555-0163."
)
LATE = "Do you hold tables if we're running a bit late?"
HELD = "Reservations are held for 15 minutes."


def _agent(client: TestClient) -> dict:
    agent = make_receptionist(client, name="Harbor Table", knowledge=POLICY)
    wait_for_agent(client, agent["id"])
    return agent


def test_a_reply_without_the_value_asked_is_followed_by_the_line_on_file(  # type: ignore[no-untyped-def]
    chat, fake_llm: ScriptedLLM
) -> None:
    client: TestClient = chat[0]
    agent = _agent(client)
    fake_llm.script(
        Say("Please call us at (416) 555-0163 if you're running late."),
        Say("Yes, we hold tables if you're running late."),
        Say("We hold your table for 15 minutes."),
        Say("Tables are held for 45 minutes."),
    )
    # A phone number is no length of time (its "555-0163" is no range either).
    phoned = _say(client, _start(client, agent), LATE)["reply"]
    assert phoned.endswith(f"{ON_FILE_SAYS} {HELD}")
    conversation_id = _start(client, agent)
    vague = _say(client, conversation_id, LATE)["reply"]
    assert vague == f"Yes, we hold tables if you're running late. {ON_FILE_SAYS} {HELD}"
    # The value asked for is in the reply: nothing is added.
    said = _say(client, _start(client, agent), LATE)["reply"]
    assert said == "We hold your table for 15 minutes."
    # An invented value gives way to the line on file.
    invented = _say(client, _start(client, agent), LATE)["reply"]
    assert invented == f"{ON_FILE_LEAD} {HELD} {ON_FILE_OFFER}"
