"""Utterances are recognised with a head start, stale guesses are dropped, and a failing
engine costs one utterance, not the call. Real Silero VAD and Piper-made caller audio; the
engine is a stand-in that reports how much audio it was given."""

from __future__ import annotations

import asyncio
from typing import Any

import numpy as np
import pytest
from livekit import rtc
from livekit.agents import APIConnectOptions, stt
from livekit.agents.types import NOT_GIVEN, NotGivenOr
from livekit.agents.utils import AudioBuffer, merge_frames

from frontdesk.providers.speech import SpeechModels
from frontdesk.providers.stt.whisper_local import LocalWhisperSTT, _repetitive
from frontdesk.runtime.utterance_stt import UtteranceSTT
from frontdesk.runtime.voice_channel import INPUT_RATE

pytestmark = pytest.mark.timeout(120)


class MeasuringEngine(stt.STT):
    """Transcribes any audio as its length in seconds; can be told to fail some calls."""

    def __init__(self, fail: set[int] | None = None) -> None:
        super().__init__(capabilities=stt.STTCapabilities(streaming=False, interim_results=False))
        self.calls: list[float] = []
        self.fail = fail or set()

    async def _recognize_impl(
        self,
        buffer: AudioBuffer,
        *,
        language: NotGivenOr[str] = NOT_GIVEN,
        conn_options: APIConnectOptions,
    ) -> stt.SpeechEvent:
        frame = merge_frames(buffer) if isinstance(buffer, list) else buffer
        self.calls.append(frame.duration)
        await asyncio.sleep(0.05)
        if len(self.calls) in self.fail:
            raise RuntimeError("engine crashed")
        return stt.SpeechEvent(
            type=stt.SpeechEventType.FINAL_TRANSCRIPT,
            alternatives=[stt.SpeechData(language="en", text=f"{frame.duration:.2f}")],
        )


async def _recognise(
    engine: stt.STT, models: SpeechModels, pcm: bytes, failures: list[Exception]
) -> list[stt.SpeechEvent]:
    """Feed PCM in real time (20 ms frames) and collect the stream's events."""
    utterances = UtteranceSTT(engine, models.activity, on_failure=failures.append)
    stream = utterances.stream()
    events: list[stt.SpeechEvent] = []

    async def collect() -> None:
        async for event in stream:
            events.append(event)

    reader = asyncio.create_task(collect())
    step = INPUT_RATE // 50 * 2
    for start in range(0, len(pcm) - step + 1, step):
        stream.push_frame(rtc.AudioFrame(pcm[start : start + step], INPUT_RATE, 1, step // 2))
        await asyncio.sleep(0.02)
    stream.end_input()
    await asyncio.wait_for(reader, 10)
    return events


def _silence(seconds: float) -> bytes:
    return bytes(int(INPUT_RATE * seconds) * 2)


def _trimmed(pcm: bytes) -> bytes:
    """Piper's words without the quiet it puts before and after them (its length varies)."""
    samples = np.frombuffer(pcm, np.int16)
    loud = np.flatnonzero(np.abs(samples) > 500)
    return samples[loud[0] : loud[-1] + 1].tobytes() if len(loud) else pcm


def _finals(events: list[stt.SpeechEvent]) -> list[str]:
    return [
        e.alternatives[0].text for e in events if e.type == stt.SpeechEventType.FINAL_TRANSCRIPT
    ]


def test_the_guess_made_in_the_closing_silence_is_the_transcript(
    speech_models: SpeechModels, caller_voice: Any
) -> None:
    engine = MeasuringEngine()
    failures: list[Exception] = []
    words = _trimmed(caller_voice("How much is a nail trim?", silence_s=0.0))
    events = asyncio.run(_recognise(engine, speech_models, words + _silence(1.0), failures))
    kinds = [e.type for e in events]
    assert kinds == [
        stt.SpeechEventType.START_OF_SPEECH,
        stt.SpeechEventType.END_OF_SPEECH,
        stt.SpeechEventType.FINAL_TRANSCRIPT,
    ]
    # One recognition, of the audio up to ~0.1 s into the silence (measured: words + 0.17 s);
    # the utterance the VAD closes runs 0.4 s into it (words + 0.46 s).
    assert len(engine.calls) == 1 and not failures
    spoken_s = len(words) / 2 / INPUT_RATE
    assert float(_finals(events)[0]) < spoken_s + 0.32, (spoken_s, _finals(events))


def test_a_guess_is_dropped_when_the_caller_goes_on(
    speech_models: SpeechModels, caller_voice: Any
) -> None:
    engine = MeasuringEngine()
    first = _trimmed(caller_voice("How much is a nail trim", silence_s=0.0))
    rest = _trimmed(caller_voice("for a very big dog?", silence_s=0.0))
    # A 0.2 s pause: longer than the head start (0.1 s), shorter than the VAD's 0.4 s.
    pcm = first + _silence(0.2) + rest + _silence(1.0)
    events = asyncio.run(_recognise(engine, speech_models, pcm, []))
    finals = _finals(events)
    # A guess was taken in the pause after "trim", then dropped: one transcript, of the
    # whole sentence (longer than its second half alone).
    assert len(engine.calls) == 2 and engine.calls[0] < engine.calls[1]
    assert len(finals) == 1
    assert float(finals[0]) > len(rest) / 2 / INPUT_RATE


def test_a_failed_utterance_is_reported_and_the_next_one_heard(
    speech_models: SpeechModels, caller_voice: Any
) -> None:
    engine = MeasuringEngine(fail={1})
    failures: list[Exception] = []
    pcm = caller_voice("What are your opening hours?") + caller_voice("Is there parking?")
    events = asyncio.run(_recognise(engine, speech_models, pcm, failures))
    assert [str(f) for f in failures] == ["engine crashed"]
    assert len(_finals(events)) == 1


def test_whisper_reads_a_short_utterance_in_a_short_window(
    speech_models: SpeechModels, caller_voice: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    whisper = speech_models.speech_to_text
    assert isinstance(whisper, LocalWhisperSTT)
    engine = whisper.engine

    def full_window(*args: Any) -> str:
        raise AssertionError("the 30 s window was used")

    monkeypatch.setattr(engine, "_full_window", full_window)
    pcm = np.frombuffer(caller_voice("Do you treat rabbits?", silence_s=0.3), np.int16)
    text = engine.transcribe(pcm.astype(np.float32) / 32768.0, "Juniper Lane Veterinary.")
    assert "rabbits" in text.lower()


def test_repetition_sends_whisper_back_to_the_full_window() -> None:
    assert _repetitive("Where are you located? " * 12)
    assert not _repetitive("Hi, I was wondering whether you're open on Sunday afternoons.")
    # Too short a loop for the compression ratio: seen over 8 kHz phone audio.
    assert _repetitive("vaccination is $ $ $ $ $ $ $ $ $ $ $ $ $ $ $ $")
    assert not _repetitive("No, no, no. Thursday, not Tuesday.")
