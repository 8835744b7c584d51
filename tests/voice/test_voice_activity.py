"""Silero voice activity detection as a call uses it: an utterance opens on speech and closes
on silence, and each call's stream runs on a model loaded before the call (a shared,
prewarmed pool), reset between calls so one caller's speech never leaks into the next."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from livekit import rtc
from livekit.agents import vad

from frontdesk.providers.vad.silero_local import SileroLiteVAD
from frontdesk.runtime.voice_channel import INPUT_RATE

FRAME = INPUT_RATE // 50  # 20 ms


def _events(activity: SileroLiteVAD, pcm: bytes) -> list[vad.VADEventType]:
    async def run() -> list[vad.VADEventType]:
        stream = activity.stream()
        for start in range(0, len(pcm) - FRAME * 2 + 1, FRAME * 2):
            chunk = pcm[start : start + FRAME * 2]
            stream.push_frame(rtc.AudioFrame(chunk, INPUT_RATE, 1, FRAME))
        stream.end_input()
        seen = [event.type async for event in stream]
        await stream.aclose()
        return [t for t in seen if t != vad.VADEventType.INFERENCE_DONE]

    return asyncio.run(run())


def test_each_call_runs_on_a_prewarmed_model_reset_between_calls(
    caller_voice: Callable[..., bytes],
) -> None:
    activity = SileroLiteVAD()
    activity.prewarm()
    [model] = activity._idle  # loaded before any call, off the calls' event loops
    speech = caller_voice("How much is a rabies vaccination?")
    utterance = [vad.VADEventType.START_OF_SPEECH, vad.VADEventType.END_OF_SPEECH]
    assert _events(activity, speech) == utterance
    assert activity._idle == [model]  # given back once the call's stream closed
    # The next call starts from a clean model: silence stays silence.
    assert _events(activity, bytes(INPUT_RATE * 2)) == []
    assert _events(activity, speech) == utterance
    assert activity._idle == [model]
