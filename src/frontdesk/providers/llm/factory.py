"""Which LLM a conversation talks to.

A configured OpenAI-compatible endpoint is used through livekit's OpenAI plugin, with native
tool calls. The embedded local model is the default for installs without keys.
"""

from __future__ import annotations

from collections.abc import Callable

from livekit.agents import llm

from frontdesk.config import Settings
from frontdesk.errors import ConfigurationError
from frontdesk.providers.llm.embedded import EmbeddedModel
from frontdesk.providers.llm.structured import (
    OpenAIStructuredModel,
    StructuredFactory,
    StructuredModel,
)

LLMFactory = Callable[[], llm.LLM]


def remote_llm_factory(settings: Settings) -> LLMFactory:
    from livekit.plugins import openai as lk_openai

    def make() -> llm.LLM:
        return lk_openai.LLM(
            model=settings.llm_model,
            base_url=settings.llm_base_url,
            api_key=settings.llm_api_key or "not-needed",
            temperature=0.2,
        )

    return make


NO_MODEL = (
    "No language model is configured: set FRONTDESK_LLM_BASE_URL (and "
    "FRONTDESK_LLM_API_KEY, FRONTDESK_LLM_MODEL) to an OpenAI-compatible endpoint, "
    "or enable the embedded model (FRONTDESK_EMBEDDED_LLM=true)."
)


def build_llm_factory(settings: Settings, embedded: EmbeddedModel | None) -> LLMFactory:
    """The remote endpoint when configured, else the embedded model (None: no model at all)."""
    if settings.llm_base_url:
        return remote_llm_factory(settings)
    if embedded is not None:
        return embedded.llm

    def unavailable() -> llm.LLM:
        raise ConfigurationError(NO_MODEL, status=503)

    return unavailable


def build_structured_factory(
    settings: Settings, embedded: EmbeddedModel | None
) -> StructuredFactory:
    """The same choice of model as conversations, for schema-constrained answers."""
    if settings.llm_base_url:
        base_url = settings.llm_base_url

        def remote() -> StructuredModel:
            return OpenAIStructuredModel(
                base_url=base_url, api_key=settings.llm_api_key, model=settings.llm_model
            )

        return remote
    if embedded is not None:
        return embedded.structured

    def unavailable() -> StructuredModel:
        raise ConfigurationError(NO_MODEL, status=503)

    return unavailable
