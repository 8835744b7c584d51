"""A provider that fails mid-call costs the caller one apology, never the call: the agent
says sorry, the turn is stored, and the next question is answered."""

from __future__ import annotations

import json
from typing import Any

import pytest
from livekit.agents import APIConnectOptions, stt, tts
from livekit.agents.types import DEFAULT_API_CONNECT_OPTIONS

from frontdesk.providers.speech import SpeechModels
from frontdesk.providers.tts.piper_local import LocalPiperTTS
from frontdesk.resources import Resources
from frontdesk.runtime.reception_agent import MODEL_APOLOGY, VOICE_APOLOGY
from tests.factories import price_rabies
from tests.fake_llm import Fail, Say, ScriptedLLM
from tests.voice.test_voice_calls import CallClient, agent_turn

pytestmark = pytest.mark.timeout(180)


class _BrokenStream(tts.ChunkedStream):
    async def _run(self, output_emitter: tts.AudioEmitter) -> None:
        raise RuntimeError("voice engine crashed")


class CrashingTTS(LocalPiperTTS):
    """Piper, except that any sentence mentioning "crash" breaks the engine."""

    def __init__(self, inner: LocalPiperTTS) -> None:
        super().__init__()
        self._voice = inner._voice

    def synthesize(
        self, text: str, *, conn_options: APIConnectOptions = DEFAULT_API_CONNECT_OPTIONS
    ) -> tts.ChunkedStream:
        if "crash" in text:
            return _BrokenStream(tts=self, input_text=text, conn_options=conn_options)
        return super().synthesize(text, conn_options=conn_options)


class FlakySTT(stt.STT):
    """Whisper that fails on the first utterance it is asked to recognise."""

    def __init__(self, inner: stt.STT) -> None:
        super().__init__(capabilities=inner.capabilities)
        self.inner = inner
        self.failures = 1

    async def _recognize_impl(self, buffer: Any, **kwargs: Any) -> stt.SpeechEvent:
        if self.failures:
            self.failures -= 1
            raise RuntimeError("speech model crashed")
        return await self.inner.recognize(buffer, **kwargs)


def _call(client, agent):  # type: ignore[no-untyped-def]
    url = client.post(f"/api/agents/{agent['id']}/calls").json()["url"]
    return client.websocket_connect(url)


def _transcript(client, call: CallClient) -> list[dict]:  # type: ignore[no-untyped-def]
    call.socket.send_text(json.dumps({"type": "hangup"}))
    call.until(lambda e: e["type"] == "ended")
    return client.get(f"/api/conversations/{call.conversation_id}").json()["turns"]


def test_language_model_failure(voice, fake_llm: ScriptedLLM, caller_voice) -> None:  # type: ignore[no-untyped-def]
    client, agent = voice
    price_rabies(client, agent)
    fake_llm.script(Fail(), Say("A rabies vaccination is thirty two dollars."))
    with _call(client, agent) as socket:
        call = CallClient(socket)
        call.until(agent_turn)
        call.send_audio(caller_voice("How much is a rabies vaccination?"))
        sorry = call.until(agent_turn)
        assert sorry["text"] == MODEL_APOLOGY
        heard = call.audio_bytes
        call.send_audio(caller_voice("How much is a rabies vaccination?"))
        assert call.until(agent_turn)["text"].startswith("A rabies vaccination")
        assert call.audio_bytes > heard  # still speaking after the failure
        turns = _transcript(client, call)
    assert [t["text"] for t in turns if t["role"] == "agent"][1] == MODEL_APOLOGY


def test_text_to_speech_failure(  # type: ignore[no-untyped-def]
    voice, chat_resources: Resources, speech_models: SpeechModels, fake_llm, caller_voice
) -> None:
    client, agent = voice
    crashing = CrashingTTS(speech_models.text_to_speech)  # type: ignore[arg-type]
    chat_resources.speech = lambda: SpeechModels(
        speech_models.speech_to_text, crashing, speech_models.activity
    )
    fake_llm.script(Say("This answer will crash the voice."), Say("Now it works."))
    with _call(client, agent) as socket:
        call = CallClient(socket)
        call.until(agent_turn)
        call.send_audio(caller_voice("What are your opening hours?"))
        before = call.audio_bytes
        broken = call.until(agent_turn)
        # The caller heard the apology (pre-synthesized at the start of the call).
        assert call.audio_bytes - before > 24_000, broken
        call.send_audio(caller_voice("Hello, are you there?"))
        assert call.until(agent_turn)["text"] == "Now it works."
        turns = _transcript(client, call)
    assert "crash the voice" in turns[2]["text"]


def test_speech_to_text_failure(  # type: ignore[no-untyped-def]
    voice, chat_resources: Resources, speech_models: SpeechModels, fake_llm, caller_voice
) -> None:
    client, agent = voice
    chat_resources.speech = lambda: SpeechModels(
        FlakySTT(speech_models.speech_to_text),
        speech_models.text_to_speech,
        speech_models.activity,
    )
    price_rabies(client, agent)
    fake_llm.script(Say("A rabies vaccination is thirty two dollars."))
    with _call(client, agent) as socket:
        call = CallClient(socket)
        call.until(agent_turn)
        call.send_audio(caller_voice("How much is a rabies vaccination?"))
        assert call.until(agent_turn)["text"] == VOICE_APOLOGY
        call.send_audio(caller_voice("How much is a rabies vaccination?"))
        assert call.until(agent_turn)["text"].startswith("A rabies vaccination")
        turns = _transcript(client, call)
    assert VOICE_APOLOGY in [t["text"] for t in turns]
