"""The grounding check in the running product: a scripted model behind livekit's real
AgentSession, the real database, real Chroma and the real embedder. An invented price never
reaches the caller (text, widget, an OpenAI-compatible endpoint, voice); a price the
knowledge states does; the owner's transcript shows what was withheld; the caller's question
becomes a knowledge gap."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from fastapi.testclient import TestClient

from frontdesk.config import Settings
from frontdesk.providers.speech import SpeechModels
from frontdesk.resources import Resources
from frontdesk.runtime.grounding import CHECK_NAME, HONEST, ON_FILE_LEAD, ON_FILE_OFFER
from frontdesk.runtime.knowledge_note import reference_text
from tests.factories import make_receptionist
from tests.fake_llm import Say, ScriptedLLM, Stream
from tests.knowledge.waiting import wait_for_agent
from tests.live_server import serving
from tests.reliability.scripted_openai import Request, ScriptedOpenAIServer
from tests.security.live_widget import live_widget
from tests.voice.conftest import speech_models  # noqa: F401 - the shared session fixture

pytestmark = pytest.mark.timeout(240)

MENU = "Smoked brisket is $24 a plate, slow-smoked for fourteen hours."
QUESTION = "How much is the smoked brisket?"
INVENTED = "The smoked brisket is $50 per pound."
# What replaces the invented price: the line of the knowledge that states one, as written.
ON_FILE = f"{ON_FILE_LEAD} {MENU} {ON_FILE_OFFER}"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    # An OpenAI-compatible endpoint on loopback, allowed by the operator.
    return settings.model_copy(update={"outbound_allowed_hosts": ["127.0.0.1"]})


def _smokehouse(client: TestClient) -> dict:
    """A restaurant whose price list is knowledge (retrieved per question) and whose table
    policy is a business fact the owner gave (in the prompt)."""
    agent = make_receptionist(client, name="Hickory House", knowledge=MENU)
    facts = {"hours_note": "Tables are held for 15 minutes."}
    assert client.patch(f"/api/agents/{agent['id']}", json={"business_facts": facts}).is_success
    wait_for_agent(client, agent["id"])
    return agent


def _say(client: TestClient, conversation_id: str, text: str) -> dict:
    response = client.post(f"/api/conversations/{conversation_id}/messages", json={"text": text})
    assert response.status_code == 200, response.text
    return response.json()


def _checks(turn: dict) -> list[dict]:
    return [c for c in turn["tool_calls"] if c["name"] == CHECK_NAME]


def test_an_invented_price_never_reaches_the_caller_and_a_known_one_does(  # type: ignore[no-untyped-def]
    chat, fake_llm: ScriptedLLM
) -> None:
    client, _ = chat
    agent = _smokehouse(client)
    fake_llm.script(
        Say(INVENTED),
        Say("The smoked brisket is $24 a plate. Tables are held for fifteen minutes."),
        Say("Hi! It is $24. We also do a whole brisket for $180. And ribs are $19."),
    )
    conversation_id = client.post(f"/api/agents/{agent['id']}/conversations").json()["id"]

    invented = _say(client, conversation_id, QUESTION)
    assert invented["reply"] == ON_FILE
    # The model was shown the knowledge: the price it stated was not in it.
    note = next(reference_text(i) for i in fake_llm.seen[0].items if reference_text(i))
    assert "$24" in note
    assert _checks(invented) == [
        {
            "name": CHECK_NAME,
            "arguments": {"sentence": INVENTED, "unsupported": ["$50 per pound"]},
            "result": "replaced with an honest answer",
            "error": False,
        }
    ]

    known = _say(client, conversation_id, "And how long do you hold a table?")
    assert known["reply"] == (
        "The smoked brisket is $24 a plate. Tables are held for fifteen minutes."
    )
    assert _checks(known) == []

    mixed = _say(client, conversation_id, "What does a whole brisket cost?")
    # Supported sentences stay; the first invented one is replaced, the next one dropped.
    assert mixed["reply"] == f"Hi! It is $24. {ON_FILE}"
    assert [c["arguments"]["unsupported"] for c in _checks(mixed)] == [["$180"], ["$19"]]
    assert [c["result"] for c in _checks(mixed)] == ["replaced with an honest answer", "dropped"]

    transcript = client.get(f"/api/conversations/{conversation_id}").json()
    stored = [t for t in transcript["turns"] if t["role"] == "agent"]
    assert [t["text"] for t in stored[1:]] == [invented["reply"], known["reply"], mixed["reply"]]
    assert "$50" not in json.dumps([t["text"] for t in stored])
    # The owner sees what was withheld and why.
    assert _checks(stored[1])[0]["arguments"]["unsupported"] == ["$50 per pound"]


def test_the_question_behind_a_withheld_answer_becomes_a_knowledge_gap(  # type: ignore[no-untyped-def]
    chat, fake_llm: ScriptedLLM
) -> None:
    client, _ = chat
    agent = _smokehouse(client)
    fake_llm.script(Say(INVENTED))
    conversation_id = client.post(f"/api/agents/{agent['id']}/conversations").json()["id"]
    assert _say(client, conversation_id, QUESTION)["reply"] == ON_FILE
    assert client.post(f"/api/conversations/{conversation_id}/end").status_code == 204
    deadline = time.monotonic() + 60
    while not client.get(f"/api/conversations/{conversation_id}").json()["analyzed_at"]:
        assert time.monotonic() < deadline, "the conversation was not analysed"
        time.sleep(0.1)
    gaps = client.get(f"/api/agents/{agent['id']}/knowledge-gaps").json()["gaps"]
    assert [g["question"] for g in gaps] == [QUESTION]
    example = gaps[0]["examples"][0]
    assert example["kind"] == "unsupported"
    assert example["reason"] == "unsupported: $50 per pound"
    assert example["conversation_id"] == conversation_id


def test_the_widget_caller_gets_the_honest_answer_and_no_detail(  # type: ignore[no-untyped-def]
    chat_resources: Resources, fake_llm: ScriptedLLM
) -> None:
    fake_llm.script(Say(INVENTED))
    with (
        serving(chat_resources) as base,
        live_widget(chat_resources, base, knowledge=MENU) as widget,
        widget.caller() as caller,
    ):
        chat = widget.open_chat(caller)
        response = caller.post(
            f"/api/widget/conversations/{chat.conversation_id}/messages",
            json={"text": QUESTION},
            headers={"Authorization": f"Bearer {chat.session['token']}"},
        )
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["reply"] == ON_FILE
        public = json.dumps(body)
        assert "$50" not in public and CHECK_NAME not in public and "unsupported" not in public
        owner_view = widget.owner.get(f"/api/conversations/{chat.conversation_id}").json()
        assert _checks(owner_view["turns"][-1])[0]["arguments"]["unsupported"] == ["$50 per pound"]


def test_any_openai_compatible_model_is_checked_the_same(chat) -> None:  # type: ignore[no-untyped-def]
    client, _ = chat
    agent = _smokehouse(client)

    def respond(request: Request) -> str:
        if "whole" in request.last_user_text:
            return "A whole brisket is £140. Ask us about sides."
        return "It's $24 a plate."

    with ScriptedOpenAIServer(respond) as endpoint:
        changed = client.patch(
            "/api/workspace",
            json={"settings": {"llm_base_url": endpoint.base_url, "llm_model": "remote-8b"}},
        )
        assert changed.status_code == 200, changed.text
        conversation_id = client.post(f"/api/agents/{agent['id']}/conversations").json()["id"]
        assert _say(client, conversation_id, QUESTION)["reply"] == "It's $24 a plate."
        whole = _say(client, conversation_id, "And a whole brisket?")
        assert whole["reply"] == f"{HONEST} Ask us about sides."
        assert _checks(whole)[0]["arguments"]["unsupported"] == ["£140"]
        assert endpoint.requests, "the remote endpoint answered"


def test_a_voice_reply_starts_speaking_after_its_first_sentence(  # type: ignore[no-untyped-def]
    chat,
    chat_resources: Resources,
    fake_llm: ScriptedLLM,
    speech_models: SpeechModels,  # noqa: F811 - the fixture
) -> None:
    """The check holds a reply only to its sentence ends: the first sentence is spoken
    while the model is still writing, and an invented one is never spoken."""
    chat_resources.speech = lambda: speech_models
    client, agent = chat
    pause_s = 6.0
    fake_llm.script(
        Stream(
            [
                (0.0, "We see cats "),
                (0.0, "and dogs. "),
                (pause_s, "A check-up is $99. "),
                (0.0, "Anything else?"),
            ]
        )
    )
    url = client.post(f"/api/agents/{agent['id']}/calls").json()["url"]
    with client.websocket_connect(url) as socket:
        events: list[dict[str, Any]] = []
        audio_at: list[float] = []

        def until(wanted: Any, limit_s: float = 90) -> dict[str, Any]:
            deadline = time.monotonic() + limit_s
            while time.monotonic() < deadline:
                message = socket.receive()
                if message.get("bytes") is not None:
                    audio_at.append(time.monotonic())
                    continue
                event = json.loads(message["text"])
                events.append(event)
                if wanted(event):
                    return event
            raise AssertionError(f"timed out; events: {events}")

        ready = until(lambda e: e["type"] == "ready")
        until(lambda e: e["type"] == "turn" and e["role"] == "agent")  # the greeting
        audio_at.clear()
        asked_at = time.monotonic()
        socket.send_text(json.dumps({"type": "text", "text": "Do you see cats?"}))
        answered = until(lambda e: e["type"] == "turn" and e["role"] == "agent")
        assert answered["text"] == f"We see cats and dogs. {HONEST} Anything else?"
        # The first sentence was heard long before the model had finished writing.
        assert audio_at and audio_at[0] - asked_at < pause_s - 1.0, audio_at[:1]
        spoken = " ".join(e["text"] for e in events if e["type"] == "caption")
        assert "$99" not in spoken
        socket.send_text(json.dumps({"type": "hangup"}))
        until(lambda e: e["type"] == "ended")
    transcript = client.get(f"/api/conversations/{ready['conversation_id']}").json()
    agent_turn = transcript["turns"][-1]
    assert agent_turn["role"] == "agent"
    assert _checks(agent_turn)[0]["arguments"]["unsupported"] == ["$99"]


def test_the_receptionist_names_only_itself_with_its_own_name(  # type: ignore[no-untyped-def]
    chat, fake_llm: ScriptedLLM
) -> None:
    """The persona's name is in the prompt, so a small model answers "who runs it?" with it;
    said of anyone but the receptionist itself, the name is withheld as invented."""
    client, _ = chat
    agent = _smokehouse(client)
    assert client.patch(f"/api/agents/{agent['id']}", json={"persona_name": "Rosie"}).is_success
    fake_llm.script(
        Say("Hickory House is run by Rosie."),
        Say("Hi, I'm Rosie. The smoked brisket is $24 a plate."),
    )
    conversation_id = client.post(f"/api/agents/{agent['id']}/conversations").json()["id"]

    owner = _say(client, conversation_id, "Who runs the place?")
    assert owner["reply"] == HONEST
    assert _checks(owner)[0]["arguments"]["unsupported"] == ["Rosie"]
    itself = _say(client, conversation_id, QUESTION)
    assert itself["reply"] == "Hi, I'm Rosie. The smoked brisket is $24 a plate."


def test_a_yes_or_no_about_what_nothing_mentions_is_withheld(  # type: ignore[no-untyped-def]
    chat, fake_llm: ScriptedLLM
) -> None:
    """Asked about something no text of the business mentions, "No, we don't" is made up
    as surely as a price; a "no" resting on what the receptionist was shown goes out."""
    client, _ = chat
    agent = _smokehouse(client)
    fake_llm.script(
        Say("No, we don't do catering for weddings."),
        Say("No, we don't hold tables longer than 15 minutes."),
        Say("The patio is heated."),
    )
    conversation_id = client.post(f"/api/agents/{agent['id']}/conversations").json()["id"]

    made_up = _say(client, conversation_id, "Do you cater weddings?")
    assert made_up["reply"] == HONEST
    assert _checks(made_up)[0]["arguments"]["unsupported"] == [
        "No, we don't do catering for weddings."
    ]
    founded = _say(client, conversation_id, "Could you hold our table for an hour?")
    assert founded["reply"] == "No, we don't hold tables longer than 15 minutes."
    # A "yes" that only restates the question about what nothing mentions is made up too.
    assert _say(client, conversation_id, "Is the patio heated?")["reply"] == HONEST


def test_agreeing_to_what_the_caller_asks_of_the_call_is_no_verdict(  # type: ignore[no-untyped-def]
    chat, fake_llm: ScriptedLLM
) -> None:
    """ "Of course, go ahead." to "Wait, stop please." states nothing about the business; a
    bare "Yes." to a question about it is a verdict like any other."""
    client, _ = chat
    agent = _smokehouse(client)
    fake_llm.script(Say("Of course, go ahead."), Say("Sure, take your time."), Say("Yes."))
    conversation_id = client.post(f"/api/agents/{agent['id']}/conversations").json()["id"]
    assert _say(client, conversation_id, "Wait, stop please.")["reply"] == "Of course, go ahead."
    held = _say(client, conversation_id, "Hold on, let me find my diary.")
    assert held["reply"] == "Sure, take your time."
    assert _say(client, conversation_id, "Do you cater weddings?")["reply"] == HONEST
