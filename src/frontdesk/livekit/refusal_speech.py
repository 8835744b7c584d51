"""What a caller hears when LiveKit dispatched our worker to their call and it cannot be
answered (the call has ended, its agent is gone, no model can run): one short sentence,
spoken and captioned, then the room is closed so their client shows the call as over
instead of waiting in silence."""

from __future__ import annotations

import logging
import uuid

from livekit import rtc
from livekit.agents import JobContext, tts
from livekit.agents.types import (
    ATTRIBUTE_TRANSCRIPTION_FINAL,
    ATTRIBUTE_TRANSCRIPTION_SEGMENT_ID,
    ATTRIBUTE_TRANSCRIPTION_TRACK_ID,
)

from frontdesk.livekit.call_models import call_models
from frontdesk.resources import Resources

log = logging.getLogger(__name__)

TRANSCRIPTION_TOPIC = "lk.transcription"


async def _voice(resources: Resources) -> tts.TTS | None:
    """The deployment's voice, when it has one that works now."""
    try:
        return (await call_models(resources)).text_to_speech
    except Exception:  # the refusal may be exactly that no model can run
        log.warning("no voice to tell the caller why the call is not answered", exc_info=True)
        return None


async def tell_and_close(ctx: JobContext, resources: Resources, words: str) -> None:
    """Join the job's room, say `words` (with its caption), then close the room."""
    voice = await _voice(resources)
    if voice is None:
        # Nothing to say it with: the room is still closed, so the caller is not left waiting.
        await ctx.delete_room()
        return
    try:
        await ctx.connect()
        source = rtc.AudioSource(voice.sample_rate, voice.num_channels)
        track = rtc.LocalAudioTrack.create_audio_track("agent", source)
        options = rtc.TrackPublishOptions(source=rtc.TrackSource.SOURCE_MICROPHONE)
        published = await ctx.agent.publish_track(track, options)
        await ctx.agent.send_text(
            words,
            topic=TRANSCRIPTION_TOPIC,
            attributes={
                ATTRIBUTE_TRANSCRIPTION_FINAL: "true",
                ATTRIBUTE_TRANSCRIPTION_TRACK_ID: published.sid,
                ATTRIBUTE_TRANSCRIPTION_SEGMENT_ID: uuid.uuid4().hex[:12],
            },
        )
        async with voice.synthesize(words) as stream:
            async for audio in stream:
                await source.capture_frame(audio.frame)
        await source.wait_for_playout()
    except Exception:
        log.warning("could not tell the caller why the call is not answered", exc_info=True)
    finally:
        await ctx.delete_room()
