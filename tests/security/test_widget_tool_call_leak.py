"""Attack: read the agent's tool calls through the public widget.

A visitor on the business's website needs no account: the widget's public key opens a
conversation. The agent's tool calls (their names, arguments and results: a lead's contact
details, a booking, what a lookup returned) and its timings are the owner's working detail.
The attacker chats with the widget, and with the widget's voice call, over real HTTP and a
real WebSocket, while the scripted model captures a lead, and searches every JSON answer and
every event for that detail. The owner's dashboard transcript must still show the tool call.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from websockets.sync.client import connect

from frontdesk.providers.speech import SpeechModels
from frontdesk.resources import Resources
from tests.fake_llm import Call, Say, ScriptedLLM
from tests.live_server import serving
from tests.security.live_widget import live_widget, open_session, say
from tests.voice.conftest import speech_models  # noqa: F401 - the shared session fixture
from tests.widget.conftest import SITE

pytestmark = pytest.mark.timeout(240)

# The owner's detail: none of these keys may appear anywhere in what a caller receives.
INTERNAL_KEYS = {"tool_calls", "arguments", "result", "results", "timings"}
LEAD = {"name": "Ann Lee", "phone": "(555) 014-2398", "interest": "puppy classes"}


def _keys(value: Any) -> set[str]:
    """Every key of every object, at any depth."""
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in _keys(v)}
    if isinstance(value, list):
        return {k for v in value for k in _keys(v)}
    return set()


def _no_internal_detail(payload: Any) -> None:
    leaked = _keys(payload) & INTERNAL_KEYS
    assert not leaked, f"the widget revealed {sorted(leaked)}: {payload}"
    assert "0142398" not in json.dumps(payload), payload  # the lead's phone, in any form


def _owner_sees_the_lead(owner: Any, conversation_id: str) -> None:
    transcript = owner.get(f"/api/conversations/{conversation_id}").json()
    calls = [c for t in transcript["turns"] for c in t["tool_calls"]]
    assert [c["name"] for c in calls] == ["capture_lead"], transcript
    assert calls[0]["arguments"]["name"] == "Ann Lee"


def test_widget_chat_answer_carries_no_tool_calls(
    chat_resources: Resources, fake_llm: ScriptedLLM
) -> None:
    fake_llm.script(Call("capture_lead", LEAD), Say("Thanks Ann, we will be in touch."))
    with serving(chat_resources) as base, live_widget(chat_resources, base) as widget:
        with widget.caller() as attacker:
            opened = open_session(attacker, widget.key)
            assert opened.status_code == 201, opened.text
            session = opened.json()
            _no_internal_detail(session)
            answer = say(attacker, session, "I'm Ann Lee, (555) 014-2398, puppy classes")
            assert answer.status_code == 200, answer.text
            body = answer.json()
            _no_internal_detail(body)
            # What the widget needs is all there.
            assert body["reply"] == "Thanks Ann, we will be in touch."
            assert body["ended"] is False and body["token"]
        _owner_sees_the_lead(widget.owner, session["conversation_id"])


def test_widget_call_events_carry_no_tool_calls(
    chat_resources: Resources,
    fake_llm: ScriptedLLM,
    speech_models: SpeechModels,  # noqa: F811 - the fixture
) -> None:
    chat_resources.speech = lambda: speech_models
    fake_llm.script(Call("capture_lead", LEAD), Say("Thanks Ann, we will be in touch."))
    with serving(chat_resources) as base, live_widget(chat_resources, base) as widget:
        with widget.caller() as attacker:
            opened = open_session(attacker, widget.key, "voice")
            assert opened.status_code == 201, opened.text
            session = opened.json()
            _no_internal_detail(session)
        url = session["call"]["url"]
        assert url.startswith("ws://")
        events: list[dict[str, Any]] = []
        with connect(url, origin=SITE, open_timeout=30) as socket:  # type: ignore[arg-type]

            def until_agent_turn() -> dict[str, Any]:
                while True:
                    message = socket.recv(timeout=90)
                    if isinstance(message, bytes):
                        continue  # the agent's voice
                    event = json.loads(message)
                    events.append(event)
                    if event["type"] == "turn" and event.get("role") == "agent":
                        return event

            assert until_agent_turn()["text"] == session["greeting"]
            typed = "I'm Ann Lee, (555) 014-2398, puppy classes"
            socket.send(json.dumps({"type": "text", "text": typed}))
            assert until_agent_turn()["text"] == "Thanks Ann, we will be in touch."
            socket.send(json.dumps({"type": "hangup"}))
        for event in events:
            if event["type"] == "caption" or event.get("role") == "caller":
                continue  # the caller's own words, echoed back to them
            _no_internal_detail(event)
        _owner_sees_the_lead(widget.owner, session["conversation_id"])
