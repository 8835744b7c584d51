"""Which LLM a conversation talks to.

A configured OpenAI-compatible endpoint is used through livekit's OpenAI plugin, with native
tool calls. The embedded local model is the default for installs without keys.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
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


class EndpointModels:
    """The models of endpoints that workspaces name for themselves, by (URL, model, key).

    The factories are cached, not the clients: a client's connection pool belongs to the
    event loop that first used it, and LiveKit calls each run on a loop of their own, so
    every conversation gets a fresh client, as with the environment's endpoint.
    """

    def __init__(self, limit: int = 256) -> None:
        # livekit registers a plugin when it is first imported and refuses to do so off the
        # main thread, where resources are built; a conversation runs on another thread.
        from livekit.plugins import openai  # noqa: F401

        self._limit = limit
        self._factories: OrderedDict[tuple[str, str, str], tuple[LLMFactory, StructuredFactory]]
        self._factories = OrderedDict()
        self._lock = threading.Lock()

    def _pair(self, settings: Settings) -> tuple[LLMFactory, StructuredFactory]:
        key = (settings.llm_base_url, settings.llm_model, settings.llm_api_key)
        with self._lock:
            pair = self._factories.get(key)
            if pair is None:
                pair = (remote_llm_factory(settings), build_structured_factory(settings, None))
                self._factories[key] = pair
                if len(self._factories) > self._limit:
                    self._factories.popitem(last=False)
            else:
                self._factories.move_to_end(key)
            return pair

    def llm(self, settings: Settings) -> llm.LLM:
        return self._pair(settings)[0]()

    def structured(self, settings: Settings) -> StructuredModel:
        return self._pair(settings)[1]()
