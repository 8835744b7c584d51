"""What a LiveKit call runs on: the language model, speech-to-text, text-to-speech and voice
activity detection the settings choose (a workspace's own over the environment's), or
OpenAI's Realtime model alone. Local models are loaded once per process and shared by
every call the worker answers."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from livekit.agents import llm, stt, tts, vad

from frontdesk.config import Settings
from frontdesk.errors import ConfigurationError
from frontdesk.livekit.tokens import require_livekit
from frontdesk.resources import Resources


def uses_local_speech(settings: Settings) -> bool:
    return not settings.voice_realtime and "local" in (settings.voice_stt, settings.voice_tts)


def uses_openai(settings: Settings) -> bool:
    return settings.voice_realtime or "openai" in (settings.voice_stt, settings.voice_tts)


def openai_api_key(settings: Settings) -> str:
    """The key for OpenAI speech and Realtime. The LLM's key counts only when the LLM
    endpoint is OpenAI itself: another provider's key would be sent to OpenAI."""
    if settings.openai_api_key:
        return settings.openai_api_key
    if settings.llm_api_key and "api.openai.com" in settings.llm_base_url:
        return settings.llm_api_key
    raise ConfigurationError(
        "OpenAI speech (FRONTDESK_VOICE_STT/FRONTDESK_VOICE_TTS=openai) and "
        "FRONTDESK_VOICE_REALTIME need an OpenAI key: set FRONTDESK_OPENAI_API_KEY "
        "(or OPENAI_API_KEY)."
    )


def check_worker_settings(settings: Settings) -> None:
    """Refuse to start a worker that could not answer a single call."""
    require_livekit(settings)
    if uses_openai(settings):
        openai_api_key(settings)


@dataclass
class CallModels:
    """What one call's session runs on: a Realtime model alone, or STT → LLM → TTS."""

    model: llm.LLM | llm.RealtimeModel
    speech_to_text: stt.STT | None = None
    text_to_speech: tts.TTS | None = None
    activity: vad.VAD | None = None

    @property
    def realtime(self) -> bool:
        return isinstance(self.model, llm.RealtimeModel)


async def call_models(
    resources: Resources, workspace_settings: Mapping[str, Any] | None = None
) -> CallModels:
    """The models a new call uses, as the settings choose (the workspace's own over the
    environment's); local ones are shared, loaded once."""
    settings = resources.settings_for(workspace_settings)
    if settings.voice_realtime:
        from livekit.plugins.openai import realtime

        return CallModels(realtime.RealtimeModel(api_key=openai_api_key(settings)))
    model = resources.llm_for(workspace_settings)
    speech_to_text: stt.STT | None = None
    text_to_speech: tts.TTS | None = None
    activity: vad.VAD | None = None
    if uses_local_speech(settings):
        if resources.speech is None:
            raise ConfigurationError("Voice is not available: no speech models configured.")
        local = await asyncio.to_thread(resources.speech)
        speech_to_text = local.speech_to_text if settings.voice_stt == "local" else None
        text_to_speech = local.text_to_speech if settings.voice_tts == "local" else None
        activity = local.activity
    if speech_to_text is None or text_to_speech is None:
        from livekit.plugins import openai as lk_openai

        key = openai_api_key(settings)
        speech_to_text = speech_to_text or lk_openai.STT(api_key=key)
        text_to_speech = text_to_speech or lk_openai.TTS(api_key=key)
    if activity is None:
        from frontdesk.providers.vad.silero_local import SileroLiteVAD

        activity = SileroLiteVAD()
    return CallModels(model, speech_to_text, text_to_speech, activity)
