"""Speech providers that fail mid-call cost the caller one apology or one skipped turn,
never the call: a speech-to-text engine that hangs or hears nothing, a voice that hangs,
makes no audio or makes audio that cannot be decoded. Each fake wraps the real local model
behind livekit's real STT/TTS interface; the call runs over the real call socket.

(tests/voice/test_provider_failures.py covers engines that raise.)"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from livekit.agents import APIConnectOptions, stt, tts
from livekit.agents.types import DEFAULT_API_CONNECT_OPTIONS

from frontdesk.providers.speech import SpeechModels
from frontdesk.providers.tts.piper_local import LocalPiperTTS
from frontdesk.resources import Resources
from frontdesk.runtime.reception_agent import VOICE_APOLOGY
from tests.factories import price_rabies
from tests.fake_llm import Say, ScriptedLLM
from tests.voice import conftest as voice_fixtures
from tests.voice.test_provider_failures import _call, _transcript
from tests.voice.test_voice_calls import CallClient, agent_turn

pytestmark = pytest.mark.timeout(240)

# The voice tests' fixtures (real Whisper, Piper and Silero, loaded once per run).
speech_models = voice_fixtures.speech_models
caller_voice = voice_fixtures.caller_voice
voice = voice_fixtures.voice

ANSWER = "A rabies vaccination is thirty two dollars."
QUESTION = "How much is a rabies vaccination?"


class FaultySTT(stt.STT):
    """Whisper, except for the first utterance: then it never answers ("hang") or hears
    nothing ("empty")."""

    def __init__(self, inner: stt.STT, mode: str) -> None:
        super().__init__(capabilities=inner.capabilities)
        self.inner = inner
        self.mode = mode
        self.faults = 1

    async def _recognize_impl(self, buffer: Any, **kwargs: Any) -> stt.SpeechEvent:
        if self.faults:
            self.faults -= 1
            if self.mode == "hang":
                await asyncio.Event().wait()
            alternative = stt.SpeechData(language="en", text="")
            return stt.SpeechEvent(stt.SpeechEventType.FINAL_TRANSCRIPT, alternatives=[alternative])
        return await self.inner.recognize(buffer, **kwargs)


class _FaultyStream(tts.ChunkedStream):
    def __init__(self, mode: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._mode = mode

    async def _run(self, output_emitter: tts.AudioEmitter) -> None:
        if self._mode == "hang":
            await asyncio.Event().wait()
        mime = "audio/mp3" if self._mode == "garbled" else "audio/pcm"
        output_emitter.initialize(
            request_id="faulty", sample_rate=22050, num_channels=1, mime_type=mime
        )
        if self._mode == "garbled":
            output_emitter.push(b"\x00\x01 definitely not an mp3 frame " * 200)
        output_emitter.flush()


class FaultyTTS(LocalPiperTTS):
    """Piper, except for sentences that mention the "trouble" word: then the voice hangs,
    makes no audio ("silent") or audio that cannot be decoded ("garbled")."""

    def __init__(self, inner: LocalPiperTTS, mode: str) -> None:
        super().__init__()
        self._voice = inner._voice
        self.mode = mode

    def synthesize(
        self, text: str, *, conn_options: APIConnectOptions = DEFAULT_API_CONNECT_OPTIONS
    ) -> tts.ChunkedStream:
        if "trouble" in text:
            return _FaultyStream(self.mode, tts=self, input_text=text, conn_options=conn_options)
        return super().synthesize(text, conn_options=conn_options)


@pytest.mark.parametrize("mode", ["hang", "empty"])
def test_speech_to_text_that_hangs_or_hears_nothing(  # type: ignore[no-untyped-def]
    voice, chat_resources: Resources, speech_models: SpeechModels, fake_llm, caller_voice, mode
) -> None:
    client, agent = voice
    price_rabies(client, agent)  # what ANSWER states, so the grounding check lets it through
    chat_resources.speech = lambda: SpeechModels(
        FaultySTT(speech_models.speech_to_text, mode),
        speech_models.text_to_speech,
        speech_models.activity,
    )
    fake_llm.script(Say(ANSWER))
    with _call(client, agent) as socket:
        call = CallClient(socket)
        call.until(agent_turn)
        call.send_audio(caller_voice(QUESTION))
        if mode == "hang":
            # Past the recognition's deadline the caller is asked to repeat.
            assert call.until(agent_turn, limit_s=90)["text"] == VOICE_APOLOGY
        call.send_audio(caller_voice(QUESTION))
        assert call.until(agent_turn)["text"] == ANSWER
        turns = _transcript(client, call)
    said = [(t["role"], t["text"]) for t in turns]
    # Nothing heard is no turn at all; the question that was heard was answered once.
    assert said.count(("agent", ANSWER)) == 1
    assert [r for r, _ in said].count("caller") == 1
    assert (("agent", VOICE_APOLOGY) in said) is (mode == "hang")


@pytest.mark.parametrize("mode", ["silent", "garbled", "hang"])
def test_a_voice_that_fails_mid_turn(  # type: ignore[no-untyped-def]
    voice,
    chat_resources: Resources,
    speech_models: SpeechModels,
    fake_llm: ScriptedLLM,
    caller_voice,
    mode,
) -> None:
    client, agent = voice
    price_rabies(client, agent)  # what ANSWER states, so the grounding check lets it through
    faulty = FaultyTTS(speech_models.text_to_speech, mode)  # type: ignore[arg-type]
    chat_resources.speech = lambda: SpeechModels(
        speech_models.speech_to_text, faulty, speech_models.activity
    )
    fake_llm.script(Say("This answer is trouble for the voice."), Say(ANSWER))
    with _call(client, agent) as socket:
        call = CallClient(socket)
        call.until(agent_turn)
        call.send_audio(caller_voice("What are your opening hours?"))
        before = call.audio_bytes
        broken = call.until(agent_turn, limit_s=90)
        # The caller heard the apology (synthesized at the start of the call).
        assert call.audio_bytes - before > 24_000, broken
        call.send_audio(caller_voice(QUESTION))
        assert call.until(agent_turn)["text"] == ANSWER
        turns = _transcript(client, call)
    assert "trouble for the voice" in turns[2]["text"]
