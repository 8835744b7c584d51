"""The speech models of a voice call: VAD, speech-to-text and text-to-speech.

Loaded once per process and shared by every call (each call opens its own streams on
them). The local set runs on this machine from bundled weights; cloud plugins implement
the same livekit interfaces and slot in here.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

from livekit.agents import stt, tts, vad

from frontdesk.providers.stt.whisper_local import LocalWhisperSTT
from frontdesk.providers.tts.piper_local import LocalPiperTTS
from frontdesk.providers.vad.silero_local import SileroLiteVAD


@dataclass(frozen=True)
class SpeechModels:
    speech_to_text: stt.STT
    text_to_speech: tts.TTS
    activity: vad.VAD


class LocalSpeech:
    """Whisper base, Piper "joe" and Silero, created on first use (about 1.5 s)."""

    def __init__(self, data_dir: Path, threads: int = 2) -> None:
        self.data_dir = data_dir
        self.threads = threads
        self._models: SpeechModels | None = None
        self._lock = threading.Lock()

    def __call__(self) -> SpeechModels:
        with self._lock:
            if self._models is None:
                whisper = LocalWhisperSTT(self.data_dir, threads=self.threads)
                piper = LocalPiperTTS()
                whisper.load()
                piper.load()
                activity = SileroLiteVAD()
                activity.prewarm()
                self._models = SpeechModels(whisper, piper, activity)
            return self._models
