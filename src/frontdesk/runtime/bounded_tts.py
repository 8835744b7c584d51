"""A voice with a deadline: each piece of text must be synthesized within one attempt's
timeout, or the attempt fails like a remote voice that timed out.

Remote voices get their deadline from their HTTP client; a voice that runs in this process
(Piper in a thread) has none, and livekit does not impose one, so a voice that stopped
answering held the agent's turn for ever: the caller heard silence and every later answer
queued behind it. Bounded, the attempt times out, is retried once (runtime.connect_options)
and then fails, and the agent plays its apology (ReceptionAgent.tts_node).
"""

from __future__ import annotations

import asyncio

from livekit.agents import APIConnectOptions, APITimeoutError, tts
from livekit.agents.types import DEFAULT_API_CONNECT_OPTIONS


class BoundedTTS(tts.TTS):
    """`inner`, with each synthesis attempt limited to its connect options' timeout."""

    def __init__(self, inner: tts.TTS) -> None:
        super().__init__(
            capabilities=inner.capabilities,
            sample_rate=inner.sample_rate,
            num_channels=inner.num_channels,
        )
        self.inner = inner

    @property
    def model(self) -> str:
        return self.inner.model

    @property
    def provider(self) -> str:
        return self.inner.provider

    def synthesize(
        self, text: str, *, conn_options: APIConnectOptions = DEFAULT_API_CONNECT_OPTIONS
    ) -> tts.ChunkedStream:
        return _BoundedStream(tts=self, input_text=text, conn_options=conn_options)


class _BoundedStream(tts.ChunkedStream):
    async def _run(self, output_emitter: tts.AudioEmitter) -> None:
        owner: BoundedTTS = self._tts  # type: ignore[assignment]
        output_emitter.initialize(
            request_id=f"bounded-{id(self)}",
            sample_rate=owner.sample_rate,
            num_channels=owner.num_channels,
            mime_type="audio/pcm",
        )
        # This stream retries; the inner one makes a single attempt per retry.
        once = APIConnectOptions(max_retry=0, timeout=self._conn_options.timeout)
        inner = owner.inner.synthesize(self._input_text, conn_options=once)

        async def relay() -> None:
            async for audio in inner:
                output_emitter.push(audio.frame.data.tobytes())

        try:
            await asyncio.wait_for(relay(), self._conn_options.timeout)
        except TimeoutError as exc:
            raise APITimeoutError(
                f"{owner.provider} made no speech within {self._conn_options.timeout:g} s"
            ) from exc
        finally:
            await inner.aclose()
        output_emitter.flush()
