"""Phone audio benchmark: what telephone sound costs speech recognition.

The same caller phrases (questions, names, numbers, times a receptionist hears) spoken by
Piper, transcribed by the embedded Whisper twice: as a browser sends them (16 kHz PCM) and as
a phone line carries them (resampled to 8 kHz, G.711 μ-law both ways, back to 16 kHz for
Whisper, as the Twilio path does). Word error rate against the text, after the same
normalisation (case, punctuation, numbers written as words or digits).

Prints one JSON line: {"phrases", "wer_16k", "wer_8k_mulaw", "wer_increase", "worse_phrases"}.

    .venv/bin/python bench/phone_audio.py
"""

from __future__ import annotations

import json
import re
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.telephony.twilio_caller import to_rate  # noqa: E402
from tests.voice.caller_audio import spoken  # noqa: E402

from frontdesk.providers.speech import LocalSpeech  # noqa: E402
from frontdesk.providers.tts.piper_local import LocalPiperTTS  # noqa: E402
from frontdesk.telephony import mulaw  # noqa: E402

PHRASES = [
    "How much is a rabies vaccination?",
    "What time do you open on Saturday?",
    "Can I book a table for four this Friday at seven?",
    "My name is Ann Lee and my number is five five five, zero one four, two three nine eight.",
    "Do you have parking near the clinic?",
    "I'd like to cancel my appointment for tomorrow morning.",
    "Is the dentist taking new patients?",
    "How long does a full service take?",
    "Can you fix the brakes on a Subaru Outback?",
    "Do you do gluten free birthday cakes?",
    "I need an emergency plumber, my kitchen pipe burst.",
    "What is your address?",
    "Can I pay with Afterpay?",
    "Could someone call me back after three thirty?",
    "Please put me through to a person.",
    "Are you open on Christmas Eve?",
    "How much is a haircut and colour for long hair?",
    "We're a group of ten, can we come on Sunday?",
    "Do you accept walk-ins for yoga classes?",
    "My email is ann dot lee at example dot com.",
    "Is there a cancellation fee if I'm late?",
    "What's the price of the tasting menu with wine pairing?",
    "Can I bring my dog to the bed and breakfast?",
    "Do you offer a free consultation for family law?",
    "I want to move my booking from Tuesday to Thursday at ten.",
]
_NUMBERS = {
    "zero": "0", "one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6",
    "seven": "7", "eight": "8", "nine": "9", "ten": "10", "thirty": "30",
}  # fmt: skip


def words(text: str) -> list[str]:
    text = text.lower().replace("-", " ").replace("@", " at ")
    text = re.sub(r"[^a-z0-9' ]+", " ", text)
    out: list[str] = []
    for word in text.split():
        word = _NUMBERS.get(word, word)
        # "555" said as digits is three words; "five five five" as well.
        out += list(word) if word.isdigit() and len(word) > 2 else [word]
    return out


def word_errors(reference: list[str], heard: list[str]) -> int:
    """Levenshtein distance over words: substitutions, insertions and deletions."""
    row = list(range(len(heard) + 1))
    for i, want in enumerate(reference, 1):
        previous, row[0] = row[0], i
        for j, got in enumerate(heard, 1):
            previous, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, previous + (want != got))
    return row[-1]


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        speech = LocalSpeech(Path(tmp))()
        piper = speech.text_to_speech
        assert isinstance(piper, LocalPiperTTS)
        whisper = speech.speech_to_text

        def hear(pcm_16k: bytes) -> str:
            samples = np.frombuffer(pcm_16k, dtype=np.int16).astype(np.float32) / 32768.0
            return str(whisper.transcribe(samples))  # type: ignore[attr-defined]

        totals = {"16k": 0, "8k": 0}
        reference_words = 0
        worse: list[dict[str, str]] = []
        for phrase in PHRASES:
            wide = spoken(piper, phrase)
            line = mulaw.decode(mulaw.encode(to_rate(wide, 16_000, mulaw.PHONE_RATE)))
            narrow = to_rate(line, mulaw.PHONE_RATE, 16_000)
            reference = words(phrase)
            reference_words += len(reference)
            heard = {"16k": hear(wide), "8k": hear(narrow)}
            errors = {k: word_errors(reference, words(v)) for k, v in heard.items()}
            for key in totals:
                totals[key] += errors[key]
            if errors["8k"] > errors["16k"]:
                worse.append({"said": phrase, "16k": heard["16k"], "8k": heard["8k"]})
            print(f"{phrase!r}: {json.dumps(heard)}", file=sys.stderr)
    wide_wer = totals["16k"] / reference_words
    narrow_wer = totals["8k"] / reference_words
    print(
        json.dumps(
            {
                "phrases": len(PHRASES),
                "wer_16k": round(wide_wer, 3),
                "wer_8k_mulaw": round(narrow_wer, 3),
                "wer_increase": round(narrow_wer - wide_wer, 3),
                "worse_phrases": worse,
            }
        )
    )


if __name__ == "__main__":
    main()
