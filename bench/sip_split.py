"""Where a phone turn's extra time goes on the LiveKit SIP path: the two media legs apart.

`bench/voice_turn.py --transport sip` gives what the phone path adds to a turn in all; this
splits the media part of it. The same SIP call as there (bench/sip_turn.py: a SIP phone,
livekit-sip, livekit-server and the agent worker on loopback, all in this one process but
the two Go services, so one clock times both ends), with the agent's side of the room
watched through livekit's own audio classes:

- inbound_ms: the caller's first 20 ms packet with speech in it sent → the agent's first
  loud frame of that speech taken from the room (livekit-sip's decoding, resampling and
  Opus, the SFU, the agent's WebRTC receiver and jitter buffer, the room input's framing);
- outbound_ms: the agent's first frame of the answer handed to the room → the first packet
  with sound at the phone (WebRTC's sending and Opus, the SFU, livekit-sip's decoding, its
  mixer's buffering and G.711).

The server's own part (end of speech → first audio frame) is in the stored turns and in
voice_turn.py's figures. Prints one JSON line: {"turns", "inbound_p50_ms",
"outbound_p50_ms", "media_p50_ms", "turn_p50_s"}.

    .venv/bin/python bench/sip_split.py --turns 6
"""

from __future__ import annotations

import argparse
import json
import logging
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from livekit import rtc

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT))

from tests.telephony.earpiece import loud  # noqa: E402
from tests.telephony.sip_caller import SipCaller  # noqa: E402

import sip_turn  # noqa: E402
import voice_turn  # noqa: E402

FRAME_BYTES = 320  # 20 ms of 8 kHz PCM16, one RTP packet's worth


class Watch:
    """Timestamps (time.monotonic()) at the three points the legs run between."""

    def __init__(self) -> None:
        self.room_in: list[tuple[float, bool]] = []  # each frame the agent took from the room
        self.room_out: list[float] = []  # each frame the agent handed to the room
        self.speech_sent: list[float] = []  # each question's first loud packet at the phone
        self.legs: list[dict[str, float | None]] = []

    def install(self) -> None:
        watch = self
        take, hand, say = rtc.AudioStream.__anext__, rtc.AudioSource.capture_frame, SipCaller.say

        async def taken(stream: rtc.AudioStream) -> rtc.AudioFrameEvent:
            event = await take(stream)
            # The phone's own test of speech (earpiece.loud), on the agent's side of the room.
            watch.room_in.append((time.monotonic(), loud(event.frame.data.tobytes())))
            return event

        async def handed(source: rtc.AudioSource, frame: rtc.AudioFrame) -> None:
            watch.room_out.append(time.monotonic())
            await hand(source, frame)

        async def said(caller: SipCaller, pcm_8k: bytes) -> float:
            # The phone sends the words from its next 20 ms tick: the first loud packet goes
            # out that many packets later (half a tick on average).
            packets = range(0, len(pcm_8k), FRAME_BYTES)
            first = next((i for i in packets if loud(pcm_8k[i : i + FRAME_BYTES])), 0)
            watch.speech_sent.append(time.monotonic() + 0.02 * first / FRAME_BYTES + 0.01)
            return await say(caller, pcm_8k)

        rtc.AudioStream.__anext__ = taken  # type: ignore[method-assign,assignment]
        rtc.AudioSource.capture_frame = handed  # type: ignore[method-assign,assignment]
        SipCaller.say = said  # type: ignore[method-assign,assignment]
        figures = sip_turn.turn_figures

        def timed(ended: float, heard: float | None, asked: Any, answer: Any) -> dict[str, Any]:
            watch.legs.append(watch.split(ended, heard))
            return figures(ended, heard, asked, answer)

        sip_turn.turn_figures = timed  # type: ignore[assignment]

    def split(self, ended: float, heard: float | None) -> dict[str, float | None]:
        sent = self.speech_sent[-1] if self.speech_sent else None
        arrived = next((at for at, is_loud in self.room_in if is_loud and sent and at > sent), None)
        answered = next((at for at in self.room_out if at > ended), None)
        return {
            "inbound_ms": _ms(arrived - sent) if arrived and sent else None,
            "outbound_ms": _ms(heard - answered) if heard and answered else None,
            "turn_s": round(heard - ended, 3) if heard else None,
        }


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 1)


def _p50(values: list[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    return round(statistics.median(known), 3) if known else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=6, help="caller turns on the call")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    watch = Watch()
    watch.install()
    with tempfile.TemporaryDirectory() as tmp:
        speech = voice_turn.LocalSpeech(Path(tmp))()
        # voice_turn.measure_models' setup, with the figures printed before anything closes.
        resources, principal, agent_id = voice_turn._setup(Path(tmp), embedded=True, crawl=True)
        resources.speech = lambda: speech
        assert resources.embedded_llm is not None
        resources.embedded_llm.server()
        key = voice_turn._api_key(resources, principal)
        questions = voice_turn.QUESTIONS
        audio = [
            voice_turn.caller_audio(speech, questions[i % len(questions)])
            for i in range(args.turns + 1)
        ]
        sip_turn.measure(resources, key, agent_id, audio, warm=True, serving=voice_turn.serving)
        report(watch)
        resources.close()


def report(watch: Watch) -> None:
    for number, legs in enumerate(watch.legs, 1):
        print(f"turn {number}: {json.dumps(legs)}", file=sys.stderr)
    media = [
        leg["inbound_ms"] + leg["outbound_ms"]
        for leg in watch.legs
        if leg["inbound_ms"] is not None and leg["outbound_ms"] is not None
    ]
    result = {
        "turns": len(watch.legs),
        "inbound_p50_ms": _p50([leg["inbound_ms"] for leg in watch.legs]),
        "outbound_p50_ms": _p50([leg["outbound_ms"] for leg in watch.legs]),
        "media_p50_ms": _p50(list(media)),
        "turn_p50_s": _p50([leg["turn_s"] for leg in watch.legs]),
    }
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
