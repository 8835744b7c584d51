"""Voice-turn benchmark: recorded caller turns through the local voice path, as a client.

A real `frontdesk` server (uvicorn on loopback) and a WebSocket client that streams caller
audio in real time (20 ms frames, each sent once spoken), the way a browser does. A turn is
timed from the end of the caller's words (the last speech frame sent) to the first agent
audio received.

1. Embedded models: Silero VAD, Whisper base, the embedded LLM, Piper; the agent knows the
   Juniper Lane test website. Per-stage medians come from the stored turn timings.
2. Instant fakes for STT, LLM and TTS (the VAD stays real): the
   time from the final transcript to the first audio frame sent, measured on the server, is
   the bridge's and the runtime's own overhead (the VAD's closing silence and the
   endpointing delay are deliberate waits, reported in the turn time, not here).
3. Concurrent calls with fixed-latency fakes (STT 100 ms, LLM 200 ms, TTS 50 ms): the most
   sessions whose median turn stays within 20% of a single session's.

Prints one JSON line last:
{"turn_p50_s", "turn_p95_s", "stt_p50_s", "llm_ttft_p50_s", "tts_first_audio_p50_s",
 "server_turn_p50_s", "overhead_p95_ms", "max_sessions"}; with `--transport livekit`,
part 1 runs again through LiveKit's own server (bench/livekit_turn.py) and its figures are
added as "livekit_…", with "livekit_to_websocket_turn_p50" (the p50s' ratio) and
"livekit_extra_p50_ms" (the median, question by question, of what LiveKit adds to a turn:
the steadier of the two); with `--transport twilio` the same through a Twilio Media Stream
(bench/twilio_turn.py), as "twilio_…"; with `--transport sip` a SIP phone calling the
agent's number through LiveKit's SIP service (bench/sip_turn.py), as "sip_…".

    .venv/bin/python bench/voice_turn.py            # 20 turns
    .venv/bin/python bench/voice_turn.py --quick    # a few turns per part: under a minute
    .venv/bin/python bench/voice_turn.py --transport livekit --models-only
    .venv/bin/python bench/voice_turn.py --transport twilio --models-only
    .venv/bin/python bench/voice_turn.py --transport sip --models-only
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import socket
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import uvicorn
import websockets
from livekit.agents import APIConnectOptions, stt, tts
from livekit.agents.types import DEFAULT_API_CONNECT_OPTIONS, NOT_GIVEN, NotGivenOr

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from tests.fake_llm import Say, ScriptedLLM  # noqa: E402
from tests.voice.caller_audio import spoken  # noqa: E402

import livekit_turn  # noqa: E402
import sip_turn  # noqa: E402
import twilio_turn  # noqa: E402
from frontdesk.app import create_app  # noqa: E402
from frontdesk.db import transaction  # noqa: E402
from frontdesk.providers.speech import LocalSpeech, SpeechModels  # noqa: E402
from frontdesk.providers.tts.piper_local import LocalPiperTTS  # noqa: E402
from frontdesk.providers.vad.silero_local import SileroLiteVAD  # noqa: E402
from frontdesk.resources import Resources  # noqa: E402
from frontdesk.runtime.voice_channel import INPUT_RATE, OUTPUT_RATE  # noqa: E402
from frontdesk.workspace.service import create_api_key  # noqa: E402
from text_turn import QUESTIONS, _setup  # noqa: E402

CHUNK_S = 0.02  # the browser's capture worklet sends 20 ms frames (web/src/voice/)
TRAILING_SILENCE_S = 1.2


class InstantSTT(stt.STT):
    """Whisper's stand-in: a fixed transcript after a fixed delay."""

    def __init__(self, delay_s: float = 0.0) -> None:
        super().__init__(capabilities=stt.STTCapabilities(streaming=False, interim_results=False))
        self.delay_s = delay_s

    async def _recognize_impl(
        self,
        buffer: Any,
        *,
        language: NotGivenOr[str] = NOT_GIVEN,
        conn_options: APIConnectOptions,
    ) -> stt.SpeechEvent:
        await asyncio.sleep(self.delay_s)
        return stt.SpeechEvent(
            type=stt.SpeechEventType.FINAL_TRANSCRIPT,
            alternatives=[stt.SpeechData(language="en", text="How much is a nail trim?")],
        )


class ToneTTS(tts.TTS):
    """Piper's stand-in: a quarter second of quiet tone per sentence after a fixed delay."""

    def __init__(self, delay_s: float = 0.0) -> None:
        super().__init__(
            capabilities=tts.TTSCapabilities(streaming=False),
            sample_rate=OUTPUT_RATE,
            num_channels=1,
        )
        self.delay_s = delay_s

    def synthesize(
        self, text: str, *, conn_options: APIConnectOptions = DEFAULT_API_CONNECT_OPTIONS
    ) -> tts.ChunkedStream:
        return _ToneStream(tts=self, input_text=text, conn_options=conn_options)


class _ToneStream(tts.ChunkedStream):
    async def _run(self, output_emitter: tts.AudioEmitter) -> None:
        owner: ToneTTS = self._tts  # type: ignore[assignment]
        await asyncio.sleep(owner.delay_s)
        output_emitter.initialize(
            request_id="tone", sample_rate=OUTPUT_RATE, num_channels=1, mime_type="audio/pcm"
        )
        t = np.arange(OUTPUT_RATE // 4) / OUTPUT_RATE
        output_emitter.push((np.sin(2 * np.pi * 440 * t) * 3000).astype(np.int16).tobytes())
        output_emitter.flush()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def serving(resources: Resources) -> Iterator[str]:
    port = _free_port()
    config = uvicorn.Config(
        create_app(resources=resources), host="127.0.0.1", port=port, log_level="warning"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    try:
        yield f"ws://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)


def _api_key(resources: Resources, principal: Any) -> str:
    with transaction(resources.sessionmaker) as db:
        _, key = create_api_key(db, principal, "bench")
    return key


def caller_audio(speech: SpeechModels, text: str) -> bytes:
    piper = speech.text_to_speech
    assert isinstance(piper, LocalPiperTTS)
    return spoken(piper, text)


async def _speak(ws: Any, pcm: bytes, chunk: int) -> None:
    """`pcm` in real time as the browser's microphone sends it: each frame once its 20 ms
    have been spoken (sent at the start of its interval instead, the server would hold the
    words a frame before the caller finished them)."""
    started = time.perf_counter()
    for number, start in enumerate(range(0, len(pcm), chunk), 1):
        await asyncio.sleep(max(0.0, started + number * CHUNK_S - time.perf_counter()))
        await ws.send(pcm[start : start + chunk])


async def _talk(url: str, key: str, agent_id: str, utterances: list[bytes]) -> list[dict]:
    """One call: each utterance in real time, then silence; one result per agent answer."""
    chunk = int(INPUT_RATE * CHUNK_S) * 2
    silence = bytes(int(INPUT_RATE * TRAILING_SILENCE_S) * 2)
    results: list[dict] = []
    headers = {"Authorization": f"Bearer {key}"}
    async with websockets.connect(
        f"{url}/api/agents/{agent_id}/calls/ws", additional_headers=headers, max_size=None
    ) as ws:
        turn: dict[str, Any] = {}
        first_audio = asyncio.Event()
        answered = asyncio.Event()
        greeted = asyncio.Event()
        speech_ended = 0.0

        async def receive() -> None:
            nonlocal turn
            async for message in ws:
                if isinstance(message, bytes):
                    if speech_ended and not first_audio.is_set():
                        turn["turn_s"] = time.perf_counter() - speech_ended
                        first_audio.set()
                    continue
                event = json.loads(message)
                if event["type"] == "turn" and event["role"] == "caller":
                    turn["stt_ms"] = event["timings"].get("end_of_speech_to_transcript_ms")
                elif event["type"] == "turn" and event["role"] == "agent":
                    if not greeted.is_set():
                        greeted.set()
                    else:
                        turn.update(event["timings"], reply=event["text"])
                        answered.set()

        reader = asyncio.create_task(receive())
        await asyncio.wait_for(greeted.wait(), 60)
        for pcm in utterances:
            turn, speech_ended = {}, 0.0
            first_audio.clear()
            answered.clear()
            await _speak(ws, pcm, chunk)
            speech_ended = time.perf_counter()
            await _speak(ws, silence, chunk)
            await asyncio.wait_for(answered.wait(), 120)
            results.append(turn)
        await ws.send(json.dumps({"type": "hangup"}))
        reader.cancel()
    return results


# The paths a call can take besides the browser's WebSocket, each beside it in the same run.
TRANSPORTS: dict[str, Any] = {"livekit": livekit_turn, "twilio": twilio_turn, "sip": sip_turn}


def _p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, int(round(len(ordered) * q)) - 1)]


def measure_models(
    turns: int, speech: SpeechModels, crawl: bool, warm: bool = True, transport: str = "websocket"
) -> tuple[dict[str, float | None], list[dict]]:
    """The summary of `turns` answered turns, and each turn's figures."""
    with tempfile.TemporaryDirectory() as tmp:
        resources, principal, agent_id = _setup(Path(tmp), embedded=True, crawl=crawl)
        resources.speech = lambda: speech
        assert resources.embedded_llm is not None
        resources.embedded_llm.server()
        key = _api_key(resources, principal)
        audio = [caller_audio(speech, QUESTIONS[i % 10]) for i in range(turns + 1)]
        if transport in TRANSPORTS:
            through = TRANSPORTS[transport]
            results = through.measure(resources, key, agent_id, audio, warm=warm, serving=serving)
        else:
            with serving(resources) as url:
                if warm:  # one call computes the agent's prompt prefix, as serving callers do
                    asyncio.run(_talk(url, key, agent_id, audio[:1]))
                results = asyncio.run(_talk(url, key, agent_id, audio[1:]))
        resources.close()
    for number, result in enumerate(results, 1):
        print(f"{transport} turn {number}: {json.dumps(result)}", file=sys.stderr)
    turn_s = [r["turn_s"] for r in results if r.get("turn_s") is not None]
    if len(turn_s) < len(results):
        raise SystemExit(f"{transport}: {len(results) - len(turn_s)} answer(s) never heard")

    def median(name: str) -> float | None:
        values = [r[name] / 1000 for r in results if r.get(name) is not None]
        return round(statistics.median(values), 3) if values else None

    summary = {
        "turn_p50_s": round(statistics.median(turn_s), 3),
        "turn_p95_s": round(_p(turn_s, 0.95), 3),
        "stt_p50_s": median("stt_ms"),
        "llm_ttft_p50_s": median("first_token_ms"),
        "tts_first_audio_p50_s": median("first_audio_ms"),
        # The same turns timed on the server (the VAD's end of speech to the first audio
        # frame sent): what a transport adds is turn_p50_s' rise over this one's.
        "server_turn_p50_s": median("end_of_speech_to_audio_ms"),
    }
    return summary, results


def paired_extra_ms(websocket: list[dict], other: list[dict]) -> float:
    """The median, over the same questions, of what a turn takes longer through LiveKit (or
    the phone line).
    A p50 of ten turns lands on either side of the gap between answers written in code
    (half a second) and answers the model writes (seconds): the p50s' ratio swings run to
    run with that, where the question-by-question difference does not."""
    return round(
        statistics.median(
            (room["turn_s"] - socket["turn_s"]) * 1000
            for socket, room in zip(websocket, other, strict=True)
        ),
        1,
    )


def _fake_resources(tmp: Path, delays: tuple[float, float, float]) -> tuple[Resources, Any, str]:
    stt_s, llm_s, tts_s = delays
    fake = ScriptedLLM()
    fake.script(*[Say("A nail trim is fifteen dollars.", delay_s=llm_s) for _ in range(2000)])
    resources, principal, agent_id = _setup(
        tmp, embedded=False, llm_factory=lambda: fake, crawl=False
    )
    models = SpeechModels(InstantSTT(stt_s), ToneTTS(tts_s), SileroLiteVAD())
    resources.speech = lambda: models
    return resources, principal, agent_id


def measure_overhead(turns: int, utterance: bytes) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        resources, principal, agent_id = _fake_resources(Path(tmp), (0.0, 0.0, 0.0))
        key = _api_key(resources, principal)
        with serving(resources) as url:
            results = asyncio.run(_talk(url, key, agent_id, [utterance] * turns))
        resources.close()
    # Server-side, with instant STT, LLM and TTS: from the final transcript to the first
    # audio frame sent is the bridge's and the runtime's own time.
    return round(_p([r["transcript_to_audio_ms"] for r in results], 0.95), 1)


def measure_sessions(utterance: bytes, levels: list[int], turns: int) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        resources, principal, agent_id = _fake_resources(Path(tmp), (0.1, 0.2, 0.05))
        key = _api_key(resources, principal)
        best, single = 0, None
        with serving(resources) as url:
            for sessions in levels:

                async def calls(n: int = sessions) -> list[list[dict]]:
                    return await asyncio.gather(
                        *[_talk(url, key, agent_id, [utterance] * turns) for _ in range(n)]
                    )

                results = asyncio.run(calls())
                p50 = statistics.median(r["turn_s"] for call in results for r in call)
                single = single or p50
                print(f"{sessions} sessions: turn p50 {p50:.3f} s", file=sys.stderr)
                if p50 > single * 1.2:
                    break
                best = sessions
        resources.close()
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a few turns per part")
    parser.add_argument("--turns", type=int, default=20, help="caller turns with the models")
    parser.add_argument("--models-only", action="store_true", help="skip the fake-model parts")
    parser.add_argument(
        "--transport",
        choices=["websocket", *TRANSPORTS],
        default="websocket",
        help="livekit: also the same turns through LiveKit's own server (livekit_* figures); "
        "twilio: through a Twilio Media Stream on the phone line (twilio_* figures); sip: "
        "a SIP phone calling the agent's number through LiveKit SIP (sip_* figures)",
    )
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    with tempfile.TemporaryDirectory() as tmp:
        speech = LocalSpeech(Path(tmp))()
        utterance = caller_audio(speech, "How much is a nail trim?")
        # --quick leaves the website out: a short prompt warms in seconds, not a minute.
        turns, crawl, warm = (1, False, False) if args.quick else (args.turns, True, True)
        summary, socket_turns = measure_models(turns, speech, crawl=crawl, warm=warm)
        result: dict[str, Any] = dict(summary)
        if args.transport != "websocket":
            # The same agent, models and questions, beside the WebSocket figures.
            name = args.transport
            through, other_turns = measure_models(
                turns, speech, crawl=crawl, warm=warm, transport=name
            )
            result.update({f"{name}_{key}": value for key, value in through.items()})
            result[f"{name}_to_websocket_turn_p50"] = round(
                (through["turn_p50_s"] or 0) / (summary["turn_p50_s"] or 1), 3
            )
            result[f"{name}_extra_p50_ms"] = paired_extra_ms(socket_turns, other_turns)
    if args.models_only:
        print(json.dumps(result))
        return
    result["overhead_p95_ms"] = measure_overhead(1 if args.quick else 10, utterance)
    levels = [1, 2] if args.quick else [1, 2, 4, 8, 16, 32]
    result["max_sessions"] = measure_sessions(utterance, levels, 1 if args.quick else 3)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
