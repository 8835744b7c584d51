"""Piper's near-silent start of each sentence is cut, so the caller hears the answer sooner,
and nothing of the words is lost."""

from __future__ import annotations

import numpy as np

from frontdesk.providers.speech import SpeechModels
from frontdesk.providers.tts.piper_local import (
    LEAD_IN_FLOOR,
    LEAD_IN_KEPT_S,
    SAMPLE_RATE,
    LocalPiperTTS,
    trim_lead_in,
)


def _first_sound_s(pcm: bytes) -> float:
    samples = np.abs(np.frombuffer(pcm, dtype="<i2").astype(np.int32))
    return int(np.flatnonzero(samples > LEAD_IN_FLOOR)[0]) / SAMPLE_RATE


def test_an_answer_starts_with_its_first_sound(speech_models: SpeechModels) -> None:
    piper = speech_models.text_to_speech
    assert isinstance(piper, LocalPiperTTS)
    text = "We're at 14 Juniper Lane, Millbrook."
    piper.load()
    # Piper's own output waits before the first sound; what the agent says does not.
    raw = b"".join(c.audio_int16_bytes for c in piper._voice.synthesize(text))  # type: ignore[union-attr]
    assert _first_sound_s(raw) > 0.02
    assert _first_sound_s(piper.pcm(text)) <= LEAD_IN_KEPT_S + 1 / SAMPLE_RATE
    # Only the start is cut: every sample from the first sound on is Piper's own.
    trimmed = trim_lead_in(raw)
    assert _first_sound_s(trimmed) <= LEAD_IN_KEPT_S + 1 / SAMPLE_RATE
    assert raw.endswith(trimmed)
    cut_s = _first_sound_s(raw) - LEAD_IN_KEPT_S
    assert len(raw) - len(trimmed) == round(cut_s * SAMPLE_RATE) * 2


def test_silence_is_left_as_it_is() -> None:
    quiet = bytes(400)
    assert trim_lead_in(quiet) == quiet
