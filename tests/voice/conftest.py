"""Real speech models (Whisper base, Piper, Silero), loaded once for the voice tests."""

from __future__ import annotations

import pytest
from livekit import rtc

from frontdesk.providers.speech import LocalSpeech, SpeechModels
from frontdesk.resources import Resources
from frontdesk.runtime.voice_channel import INPUT_RATE


@pytest.fixture(scope="session")
def speech_models(tmp_path_factory: pytest.TempPathFactory) -> SpeechModels:
    return LocalSpeech(tmp_path_factory.mktemp("speech"))()


@pytest.fixture(scope="session")
def caller_voice(speech_models: SpeechModels):  # type: ignore[no-untyped-def]
    """Caller audio for a sentence, as a client would send it: 16 kHz PCM16 with a second
    of silence after it (so the VAD closes the utterance)."""
    piper = speech_models.text_to_speech

    def speak(text: str, silence_s: float = 1.2) -> bytes:
        pcm = piper.pcm(text)  # type: ignore[attr-defined]
        frame = rtc.AudioFrame(pcm, piper.sample_rate, 1, len(pcm) // 2)
        resampler = rtc.AudioResampler(
            input_rate=piper.sample_rate, output_rate=INPUT_RATE, num_channels=1
        )
        out = b"".join(bytes(f.data) for f in [*resampler.push(frame), *resampler.flush()])
        return out + bytes(int(INPUT_RATE * silence_s) * 2)

    return speak


@pytest.fixture
def voice(chat, chat_resources: Resources, speech_models: SpeechModels):  # type: ignore[no-untyped-def]
    """The `chat` client and agent, with the real speech models for calls."""
    chat_resources.speech = lambda: speech_models
    return chat
