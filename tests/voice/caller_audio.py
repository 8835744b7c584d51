"""Caller audio made with Piper, as a client sends it: 16 kHz mono PCM16."""

from __future__ import annotations

from livekit import rtc

from frontdesk.providers.tts.piper_local import LocalPiperTTS
from frontdesk.runtime.voice_channel import INPUT_RATE


def spoken(piper: LocalPiperTTS, text: str) -> bytes:
    pcm = piper.pcm(text)
    frame = rtc.AudioFrame(pcm, piper.sample_rate, 1, len(pcm) // 2)
    resampler = rtc.AudioResampler(
        input_rate=piper.sample_rate, output_rate=INPUT_RATE, num_channels=1
    )
    return b"".join(bytes(f.data) for f in [*resampler.push(frame), *resampler.flush()])
