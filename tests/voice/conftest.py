"""Real speech models (Whisper base, Piper, Silero), loaded once for the voice tests."""

from __future__ import annotations

import pytest

from frontdesk.providers.speech import LocalSpeech, SpeechModels
from frontdesk.providers.tts.piper_local import LocalPiperTTS
from frontdesk.resources import Resources
from frontdesk.runtime.voice_channel import INPUT_RATE
from tests.voice.caller_audio import spoken


@pytest.fixture(scope="session")
def speech_models(tmp_path_factory: pytest.TempPathFactory) -> SpeechModels:
    return LocalSpeech(tmp_path_factory.mktemp("speech"))()


@pytest.fixture(scope="session")
def caller_voice(speech_models: SpeechModels):  # type: ignore[no-untyped-def]
    """Caller audio for a sentence, as a client would send it: 16 kHz PCM16 with a second
    of silence after it (so the VAD closes the utterance)."""
    piper = speech_models.text_to_speech
    assert isinstance(piper, LocalPiperTTS)

    def speak(text: str, silence_s: float = 1.2) -> bytes:
        return spoken(piper, text) + bytes(int(INPUT_RATE * silence_s) * 2)

    return speak


@pytest.fixture
def voice(chat, chat_resources: Resources, speech_models: SpeechModels):  # type: ignore[no-untyped-def]
    """The `chat` client and agent, with the real speech models for calls."""
    chat_resources.speech = lambda: speech_models
    return chat
