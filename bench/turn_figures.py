"""One answered turn's figures, as every transport of `bench/voice_turn.py` reports them:
the time at the caller from the end of its words to the agent's first audio, and the stored
turns' own timings (speech-to-text from the caller's turn, the rest from the answer's)."""

from __future__ import annotations

from typing import Any


def turn_figures(
    ended: float, heard: float | None, asked: dict[str, Any], answer: dict[str, Any]
) -> dict[str, Any]:
    return {
        "turn_s": round(heard - ended, 3) if heard is not None else None,
        "stt_ms": asked["timings"].get("end_of_speech_to_transcript_ms"),
        **answer["timings"],
        "reply": answer["text"],
    }
