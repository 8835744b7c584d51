"""Workspace settings that take precedence over the environment's for one workspace.

The dashboard stores them in `Workspace.settings`; everything that picks a language model,
a speech provider or a LiveKit project for a workspace's conversations and calls reads the
result of `effective_settings(settings, workspace.settings)` instead of the environment's
`Settings` alone. This module only knows `Settings`, so the runtime side (resources,
LiveKit worker) can use it without the HTTP side.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from frontdesk.config import Settings

LLM_FIELDS = ("llm_base_url", "llm_model", "llm_api_key")
LIVEKIT_FIELDS = ("livekit_url", "livekit_api_key", "livekit_api_secret")
SPEECH_FIELDS = ("openai_api_key", "voice_stt", "voice_tts")
# The Twilio account's auth token: it proves a phone webhook came from the business's account.
TWILIO_FIELDS = ("twilio_auth_token",)
FIELDS = LLM_FIELDS + SPEECH_FIELDS + LIVEKIT_FIELDS + TWILIO_FIELDS
# Never shown back once stored: responses say whether they are set and their last characters.
SECRET_FIELDS = frozenset(
    {"llm_api_key", "openai_api_key", "livekit_api_key", "livekit_api_secret", "twilio_auth_token"}
)
SPEECH_CHOICES = ("local", "openai")


def stored_overrides(stored: Mapping[str, Any] | None) -> dict[str, str]:
    """The overriding values a workspace has set (unknown keys and empty values dropped)."""
    if not stored:
        return {}
    own = {k: v for k in FIELDS if isinstance(v := stored.get(k), str) and v}
    for name in ("voice_stt", "voice_tts"):
        if own.get(name) not in SPEECH_CHOICES:
            own.pop(name, None)
    return own


def effective_settings(settings: Settings, stored: Mapping[str, Any] | None) -> Settings:
    """The environment's settings with a workspace's values on top.

    Each value the workspace sets replaces the environment's, with two exceptions that keep
    the operator's credentials with the service they belong to:

    - a workspace that names its own LLM endpoint uses its own key there (or none), never
      the environment's key;
    - LiveKit settings count only as a complete set (URL, key and secret): a token signed
      with one project's secret is useless on another project's server.
    """
    own = stored_overrides(stored)
    if not own:
        return settings
    update: dict[str, str] = {}
    if own.get("llm_base_url"):
        update["llm_base_url"] = own["llm_base_url"]
        update["llm_api_key"] = own.get("llm_api_key", "")
    elif own.get("llm_api_key"):
        update["llm_api_key"] = own["llm_api_key"]
    if own.get("llm_model"):
        update["llm_model"] = own["llm_model"]
    for name in SPEECH_FIELDS:
        if name in own:
            update[name] = own[name]
    if all(own.get(name) for name in LIVEKIT_FIELDS):
        update.update({name: own[name] for name in LIVEKIT_FIELDS})
    if own.get("twilio_auth_token"):
        update["twilio_auth_token"] = own["twilio_auth_token"]
    return settings.model_copy(update=update)


def own_llm_endpoint(settings: Settings, effective: Settings) -> bool:
    """Whether `effective` talks to another LLM endpoint (or model, or key) than the
    environment's, so it needs a client of its own."""
    if not effective.llm_base_url:
        return False  # the embedded model, shared by every workspace
    return any(getattr(effective, name) != getattr(settings, name) for name in LLM_FIELDS)
