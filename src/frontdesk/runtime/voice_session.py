"""One voice session recipe for every voice channel: the local socket and LiveKit rooms.

Both channels run a livekit `AgentSession` over STT → agent → TTS; what differs is only
where audio comes from and goes to. Everything else is decided here once: the business's
words primed into the speech model, utterance engines (Whisper) recognised with a head
start and unable to end the call, whole-piece voices (Piper) fed the first clause early,
turn taking, and the audio of fixed phrases (greeting, apologies) made once.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import AsyncIterator, Callable

from livekit import rtc
from livekit.agents import Agent, AgentSession, TurnHandlingOptions, llm, stt, tts, vad

from frontdesk.runtime.bounded_tts import BoundedTTS
from frontdesk.runtime.connect_options import SESSION_CONNECT
from frontdesk.runtime.reception_agent import VOICE_APOLOGY, ReceptionAgent
from frontdesk.runtime.spec import AgentSpec
from frontdesk.runtime.speech_chunks import ClauseFirstTokenizer
from frontdesk.runtime.utterance_stt import UtteranceSTT

# After the VAD has heard its closing silence, how long the session still waits before it
# answers. livekit counts it from the end of speech, so it passes inside the VAD's silence.
ENDPOINTING_DELAY_S = 0.1

# The VAD decides when the caller is done; plain VAD barge-in ("adaptive" needs a
# downloaded model); no preemptive replies: with one local model slot a guess computed
# before the turn ends would only queue in front of the real answer.
TURN_HANDLING: TurnHandlingOptions = {
    "turn_detection": "vad",
    "endpointing": {"min_delay": ENDPOINTING_DELAY_S, "max_delay": 3.0},
    "interruption": {"enabled": True, "mode": "vad", "min_duration": 0.3},
    "preemptive_generation": {"enabled": False},
}


def vocabulary(spec: AgentSpec) -> str:
    """The words a caller of this business is likely to say that a general speech model
    spells wrong: its name, its people, its services and appointment types."""
    facts = spec.business_facts
    words = [str(facts.get("business_name") or spec.name), spec.persona_name]
    words += [str(s.get("name", "")) for s in facts.get("services") or []]
    words += [str(t.get("name", "")) for t in spec.appointment_types]
    words += [str(c.get("name", "")) for c in facts.get("handoff_contacts") or []]
    return ", ".join(w for w in words if w.strip()) + "."


def call_speech_to_text(
    engine: stt.STT,
    activity: vad.VAD,
    spec: AgentSpec | None,
    on_failure: Callable[[Exception], None],
) -> stt.STT:
    """The speech-to-text one call uses. Streaming engines (cloud plugins) are used as they
    are; utterance engines get the head start and the failure guard of `UtteranceSTT`."""
    prime = getattr(engine, "with_vocabulary", None)
    if prime is not None and spec is not None:
        engine = prime(vocabulary(spec))
    if engine.capabilities.streaming:
        return engine
    return UtteranceSTT(engine, activity, on_failure=on_failure)


def call_text_to_speech(engine: tts.TTS) -> tts.TTS:
    """Streaming voices are used as they are; voices that synthesize whole pieces are fed
    the reply's first clause as soon as it is written, then sentence by sentence."""
    if engine.capabilities.streaming:
        return engine
    return tts.StreamAdapter(tts=BoundedTTS(engine), sentence_tokenizer=ClauseFirstTokenizer())


def new_session(
    *,
    model: llm.LLM,
    speech_to_text: stt.STT,
    text_to_speech: tts.TTS,
    activity: vad.VAD,
    spec: AgentSpec | None,
    on_not_heard: Callable[[Exception], None],
) -> AgentSession:
    """An `AgentSession` for one call on an STT → LLM → TTS pipeline."""
    return AgentSession(
        llm=model,
        stt=call_speech_to_text(speech_to_text, activity, spec, on_not_heard),
        tts=call_text_to_speech(text_to_speech),
        vad=activity,
        turn_handling=TURN_HANDLING,
        conn_options=SESSION_CONNECT,
    )


class SpokenPhrases:
    """Audio of fixed phrases (each agent's greeting, the apologies), synthesized once per
    voice and text: the greeting plays the moment a call opens."""

    def __init__(self, limit: int = 256) -> None:
        self._audio: OrderedDict[tuple[str, str, str], list[rtc.AudioFrame]] = OrderedDict()
        self._limit = limit

    async def get(self, engine: tts.TTS, text: str) -> list[rtc.AudioFrame]:
        key = (engine.provider, engine.model, text)
        if key in self._audio:
            self._audio.move_to_end(key)
            return self._audio[key]
        frames = [event.frame async for event in engine.synthesize(text)]
        self._audio[key] = frames
        while len(self._audio) > self._limit:
            self._audio.popitem(last=False)
        return frames

    async def prepare(self, agent: Agent, engine: tts.TTS) -> None:
        """Give a receptionist the apology it plays when its voice fails mid-turn, made
        while the voice still works."""
        if isinstance(agent, ReceptionAgent):
            agent.apology_audio = await self.get(engine, VOICE_APOLOGY)


async def replay(frames: list[rtc.AudioFrame]) -> AsyncIterator[rtc.AudioFrame]:
    for frame in frames:
        yield frame
