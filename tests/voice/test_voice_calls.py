"""Voice calls over the WebSocket with the real speech models and a scripted LLM: the
caller's audio is transcribed, the agent answers aloud, turns and timings are stored, a
booking made by voice lands in the calendar, and caller speech cuts the agent off."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

import pytest

from frontdesk.db import transaction
from frontdesk.models import Appointment
from tests.fake_llm import LONG_ANSWER, Say, ScriptedLLM, book_when_heard, last_tool_output

pytestmark = pytest.mark.timeout(180)
CHUNK = 3200  # 100 ms of 16 kHz PCM16


class CallClient:
    """The client side of one call: what it sent, and everything it received."""

    def __init__(self, socket: Any) -> None:
        self.socket = socket
        self.events: list[dict[str, Any]] = []
        self.audio_bytes = 0
        self.conversation_id = ""

    def send_audio(self, pcm: bytes) -> None:
        for start in range(0, len(pcm), CHUNK):
            self.socket.send_bytes(pcm[start : start + CHUNK])

    def until(self, wanted: Callable[[dict[str, Any]], bool], limit_s: float = 60) -> dict:
        deadline = time.monotonic() + limit_s
        while time.monotonic() < deadline:
            message = self.socket.receive()
            if message.get("bytes") is not None:
                self.audio_bytes += len(message["bytes"])
                continue
            if message.get("text") is None:
                raise AssertionError(f"socket closed: {message}; events: {self.events}")
            event = json.loads(message["text"])
            self.events.append(event)
            if event["type"] == "ready":
                self.conversation_id = event["conversation_id"]
            if wanted(event):
                return event
        raise AssertionError(f"timed out; events: {self.events}")


def _turn(role: str) -> Callable[[dict[str, Any]], bool]:
    return lambda e: e["type"] == "turn" and e["role"] == role


agent_turn = _turn("agent")


def test_question_answered_aloud_and_stored(voice, fake_llm: ScriptedLLM, caller_voice) -> None:  # type: ignore[no-untyped-def]
    client, agent = voice
    # The business's services prime the speech model: "rabies", not "Arabia's".
    facts = {"services": [{"name": "Rabies vaccination", "price": "$32"}]}
    client.patch(f"/api/agents/{agent['id']}", json={"business_facts": facts})
    fake_llm.script(Say("A rabies vaccination is thirty two dollars."))
    started = client.post(f"/api/agents/{agent['id']}/calls")
    assert started.status_code == 201 and started.json()["transport"] == "websocket"
    with client.websocket_connect(started.json()["url"]) as socket:
        call = CallClient(socket)
        ready = call.until(lambda e: e["type"] == "ready")
        greeting = call.until(_turn("agent"))
        assert greeting["text"].startswith("Juniper Vet, Maya speaking")
        assert call.audio_bytes > 24_000  # the greeting was spoken (over half a second)
        call.send_audio(caller_voice("How much is a rabies vaccination?"))
        asked = call.until(_turn("caller"))
        assert "rabies vaccination" in asked["text"].lower()
        answered = call.until(_turn("agent"))
        assert answered["text"] == "A rabies vaccination is thirty two dollars."
        assert answered["timings"]["end_of_speech_to_audio_ms"] > 0
        assert any(e["type"] == "caption" and e["role"] == "caller" for e in call.events)
        socket.send_text(json.dumps({"type": "hangup"}))
        ended = call.until(lambda e: e["type"] == "ended")
        assert ended["reason"] == "caller hung up"
    transcript = client.get(f"/api/conversations/{ready['conversation_id']}").json()
    assert transcript["channel"] == "voice" and transcript["status"] == "ended"
    roles = [t["role"] for t in transcript["turns"]]
    assert roles == ["agent", "caller", "agent"]
    assert "rabies vaccination" in transcript["turns"][1]["text"].lower()
    assert transcript["turns"][2]["timings"]["first_audio_ms"] > 0


def test_booking_by_voice(voice, fake_llm: ScriptedLLM, chat_resources, caller_voice) -> None:  # type: ignore[no-untyped-def]
    client, agent = voice
    fake_llm.script(
        book_when_heard(fake_llm, "555-014-2398", day="tomorrow", time="10am", name="Ann Lee"),
        lambda ctx: Say(last_tool_output(ctx)),
    )
    url = client.post(f"/api/agents/{agent['id']}/calls").json()["url"]
    with client.websocket_connect(url) as socket:
        call = CallClient(socket)
        ready = call.until(lambda e: e["type"] == "ready")
        call.until(_turn("agent"))
        call.send_audio(
            caller_voice("Book me for tomorrow at ten. I am Ann Lee, five five five, zero one "
                         "four, two three nine eight.")
        )  # fmt: skip
        booked = call.until(lambda e: agent_turn(e) and bool(e.get("tool_calls")))
        heard = [e["text"] for e in call.events if e["type"] == "turn" and e["role"] == "caller"]
        assert booked["tool_calls"][0]["name"] == "book_appointment", (heard, booked)
        assert not booked["tool_calls"][0]["error"], (heard, booked)
    with transaction(chat_resources.sessionmaker) as db:
        stored = db.query(Appointment).filter_by(agent_id=agent["id"]).one()
        assert stored.customer_name == "Ann Lee"
        assert stored.conversation_id == ready["conversation_id"]


def test_caller_speech_cuts_the_agent_off(voice, fake_llm: ScriptedLLM, caller_voice) -> None:  # type: ignore[no-untyped-def]
    client, agent = voice
    long_answer = LONG_ANSWER
    fake_llm.script(Say(long_answer), Say("Of course, go ahead."))
    url = client.post(f"/api/agents/{agent['id']}/calls").json()["url"]
    with client.websocket_connect(url) as socket:
        call = CallClient(socket)
        call.until(_turn("agent"))
        call.send_audio(caller_voice("Tell me everything about your clinic."))
        call.until(lambda e: e.get("agent") == "speaking")
        time.sleep(1.0)  # let the long answer play for a moment
        call.send_audio(caller_voice("Wait, stop please."))
        call.until(lambda e: e["type"] == "clear")
        cut = call.until(lambda e: _turn("agent")(e) and e["interrupted"])
        # The agent keeps only what the caller heard.
        assert 0 < len(cut["text"]) < len(long_answer)
