"""Speech-to-text that cannot end a call: a failed utterance becomes a polite request to
repeat, and the call keeps listening.

livekit's session reads one long STT stream per call; an exception inside it would stop the
agent from hearing anything more (a dead call). This wrapper recognises each utterance in
its own try, reports the failure (the voice channel makes the agent ask the caller to say
it again), and hands the session an empty transcript, which it ignores.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from livekit.agents import APIConnectOptions, stt
from livekit.agents.types import NOT_GIVEN, NotGivenOr
from livekit.agents.utils import AudioBuffer

log = logging.getLogger(__name__)


class GuardedSTT(stt.STT):
    def __init__(self, inner: stt.STT, on_failure: Callable[[Exception], None]) -> None:
        super().__init__(capabilities=inner.capabilities)
        self.inner = inner
        self.on_failure = on_failure

    @property
    def model(self) -> str:
        return self.inner.model

    @property
    def provider(self) -> str:
        return self.inner.provider

    async def _recognize_impl(
        self,
        buffer: AudioBuffer,
        *,
        language: NotGivenOr[str] = NOT_GIVEN,
        conn_options: APIConnectOptions,
    ) -> stt.SpeechEvent:
        try:
            return await self.inner.recognize(buffer, language=language, conn_options=conn_options)
        except Exception as exc:  # noqa: BLE001 - reported, and the call goes on
            log.exception("speech-to-text failed on an utterance")
            self.on_failure(exc)
            return stt.SpeechEvent(type=stt.SpeechEventType.FINAL_TRANSCRIPT, alternatives=[])
