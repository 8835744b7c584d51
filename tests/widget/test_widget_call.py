"""A widget voice call over the token's WebSocket, with the real speech models and a
scripted LLM: the same call as the owner's, bound to the session's conversation and cut off
when today's minutes run out."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from frontdesk.db import transaction
from frontdesk.models import Conversation
from frontdesk.providers.speech import SpeechModels
from tests.fake_llm import Say, ScriptedLLM
from tests.voice.conftest import caller_voice, speech_models  # noqa: F401 - shared fixtures
from tests.voice.test_voice_calls import CallClient, agent_turn
from tests.widget.conftest import Widget
from tests.widget.test_widget_limits import _earlier_today

pytestmark = pytest.mark.timeout(180)


@pytest.fixture
def voice_widget(widget: Widget, speech_models: SpeechModels) -> Widget:  # noqa: F811
    widget.resources.speech = lambda: speech_models
    return widget


def test_widget_call_is_answered_aloud(
    voice_widget: Widget,
    fake_llm: ScriptedLLM,
    caller_voice: Callable[[str], bytes],  # noqa: F811 - the fixture
) -> None:
    fake_llm.script(Say("We are open until five today."))
    session = voice_widget.session("voice").json()
    url = session["call"]["url"]
    with voice_widget.caller.websocket_connect(url) as socket:
        call = CallClient(socket)
        ready = call.until(lambda e: e["type"] == "ready")
        assert ready["conversation_id"] == session["conversation_id"]
        greeting = call.until(agent_turn)
        assert greeting["text"] == session["greeting"]
        call.send_audio(caller_voice("Are you open today?"))
        asked = call.until(lambda e: e["type"] == "turn" and e["role"] == "caller")
        assert "open" in asked["text"].lower()
        assert call.until(agent_turn)["text"] == "We are open until five today."
        assert call.audio_bytes > 24_000
        socket.send_text(json.dumps({"type": "hangup"}))
        assert call.until(lambda e: e["type"] == "ended")["reason"] == "caller hung up"

    transcript = voice_widget.owner.get(f"/api/conversations/{session['conversation_id']}").json()
    assert transcript["status"] == "ended" and transcript["channel"] == "voice"
    assert [t["role"] for t in transcript["turns"]] == ["agent", "caller", "agent"]
    with transaction(voice_widget.resources.sessionmaker) as db:
        row = db.get(Conversation, session["conversation_id"])
        assert row is not None and row.source == "widget" and row.connected_at is not None

    # The token opened this one call; it cannot open it again.
    with voice_widget.caller.websocket_connect(url) as socket:
        event = socket.receive_json()
        assert event["type"] == "error" and event["error"] == "Conflict"


def test_the_call_ends_when_todays_minutes_run_out(voice_widget: Widget) -> None:
    voice_widget.settings(daily_minutes_cap=1)
    _earlier_today(voice_widget, seconds=55)
    session = voice_widget.session("voice").json()
    with voice_widget.caller.websocket_connect(session["call"]["url"]) as socket:
        call = CallClient(socket)
        call.until(lambda e: e["type"] == "ready")
        ended = call.until(lambda e: e["type"] == "ended", limit_s=30)
    assert ended["reason"] == "Juniper Vet has used today's conversation minutes"
    transcript = voice_widget.owner.get(f"/api/conversations/{session['conversation_id']}").json()
    assert transcript["status"] == "ended"
    assert transcript["end_reason"] == "Juniper Vet has used today's conversation minutes"
