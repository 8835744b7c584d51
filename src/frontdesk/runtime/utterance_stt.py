"""Speech-to-text for engines that recognise whole utterances (Whisper): each utterance cut
by the VAD, recognised with a head start, and never able to end the call.

livekit's own adapter waits for the VAD's closing silence (0.4 s) before it hands the
utterance to the engine, so the caller waits for the silence and then for the engine. Here
the engine starts on what was said once the caller has been quiet for `head_start_s`; if
the caller goes on talking the guess is thrown away, and if the silence holds until the VAD
closes the utterance, the guess is the transcript (the audio after it was silence). With
Whisper base on 2 cores that takes ~0.3 s off every turn.

A failed recognition (the engine raised, or did not answer within the attempts its connect
options allow: 20.5 s with runtime.connect_options) is reported to `on_failure` (the voice
channel has the agent ask the caller to repeat) and the stream keeps listening: an
exception inside livekit's STT stream would leave the agent deaf for the rest of the call.
Only the recognition whose transcript is used can fail the turn; a discarded guess fails
silently.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable

from livekit import rtc
from livekit.agents import APIConnectOptions, stt, utils, vad
from livekit.agents.stt.stream_adapter import DEFAULT_STREAM_ADAPTER_API_CONNECT_OPTIONS
from livekit.agents.types import DEFAULT_API_CONNECT_OPTIONS, NOT_GIVEN, NotGivenOr

log = logging.getLogger(__name__)

HEAD_START_S = 0.1  # quiet this long starts the engine on what was said so far

OnFailure = Callable[[Exception], None]


class UtteranceSTT(stt.StreamAdapter):
    def __init__(
        self,
        engine: stt.STT,
        activity: vad.VAD,
        *,
        on_failure: OnFailure,
        head_start_s: float = HEAD_START_S,
    ) -> None:
        super().__init__(stt=engine, vad=activity)
        self.activity = activity
        self.on_failure = on_failure
        self.head_start_s = head_start_s

    def stream(
        self,
        *,
        language: NotGivenOr[str] = NOT_GIVEN,
        conn_options: APIConnectOptions = DEFAULT_API_CONNECT_OPTIONS,
    ) -> stt.RecognizeStream:
        return _UtteranceStream(self, language=language, conn_options=conn_options)


class _UtteranceStream(stt.RecognizeStream):
    def __init__(
        self,
        owner: UtteranceSTT,
        *,
        language: NotGivenOr[str],
        conn_options: APIConnectOptions,
    ) -> None:
        super().__init__(stt=owner, conn_options=DEFAULT_STREAM_ADAPTER_API_CONNECT_OPTIONS)
        self._owner = owner
        self._language = language
        self._engine_options = conn_options

    async def _run(self) -> None:
        activity = self._owner.activity.stream()

        async def forward() -> None:
            async for item in self._input_ch:
                if isinstance(item, self._FlushSentinel):
                    activity.flush()
                else:
                    activity.push_frame(item)
            activity.end_input()

        tasks = [asyncio.create_task(forward()), asyncio.create_task(self._listen(activity))]
        try:
            await asyncio.gather(*tasks)
        finally:
            await utils.aio.cancel_and_wait(*tasks)
            await activity.aclose()

    def _recognize(self, frames: list[rtc.AudioFrame]) -> asyncio.Task[stt.SpeechEvent]:
        return asyncio.create_task(
            self._owner.wrapped_stt.recognize(
                buffer=utils.merge_frames(frames),
                language=self._language,
                conn_options=self._engine_options,
            )
        )

    async def _listen(self, activity: vad.VADStream) -> None:
        heard: list[rtc.AudioFrame] = []  # the utterance so far
        guess: asyncio.Task[stt.SpeechEvent] | None = None
        async for event in activity:
            if event.type == vad.VADEventType.START_OF_SPEECH:
                heard = list(event.frames)
                _discard(guess)
                guess = None
                self._event_ch.send_nowait(stt.SpeechEvent(stt.SpeechEventType.START_OF_SPEECH))
            elif event.type == vad.VADEventType.INFERENCE_DONE:
                if not heard:
                    continue  # between utterances
                heard.extend(event.frames)
                if event.silence_duration <= 0:
                    _discard(guess)  # still talking: what was guessed is stale
                    guess = None
                elif guess is None and event.silence_duration >= self._owner.head_start_s:
                    guess = self._recognize(heard)
            elif event.type == vad.VADEventType.END_OF_SPEECH:
                ended = time.time() - event.silence_duration - event.inference_duration
                self._event_ch.send_nowait(
                    stt.SpeechEvent(stt.SpeechEventType.END_OF_SPEECH, speech_end_time=ended)
                )
                work = guess or self._recognize(list(event.frames))
                heard, guess = [], None
                await self._finish(work, ended)

    async def _finish(self, work: asyncio.Task[stt.SpeechEvent], ended: float) -> None:
        try:
            # livekit bounds neither a local engine nor a whole recognition: an engine that
            # never answers would hold this loop, and the agent would not hear another word.
            result = await asyncio.wait_for(work, _budget(self._engine_options))
        except Exception as exc:  # noqa: BLE001 - reported, and the call goes on
            log.exception("speech-to-text failed on an utterance")
            self._owner.on_failure(exc)
            return
        if not result.alternatives or not result.alternatives[0].text:
            return
        self._event_ch.send_nowait(
            stt.SpeechEvent(
                type=stt.SpeechEventType.FINAL_TRANSCRIPT,
                alternatives=[result.alternatives[0]],
                speech_end_time=result.speech_end_time or ended,
            )
        )


def _budget(options: APIConnectOptions) -> float:
    """Seconds one recognition may take with every attempt and pause the options allow."""
    attempts = options.max_retry + 1
    return options.timeout * attempts + options.retry_interval * options.max_retry


def _discard(guess: asyncio.Task[stt.SpeechEvent] | None) -> None:
    """Drop a guess nobody will read (its engine call may still finish in its thread)."""
    if guess is not None:
        guess.cancel()
        # Retrieve its outcome so a failure is not logged as "never retrieved".
        guess.add_done_callback(lambda task: task.cancelled() or task.exception())
