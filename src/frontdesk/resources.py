"""The long-lived objects of one process, built once and handed to whoever needs them.

`create_app`'s lifespan, `frontdesk worker` and the CLI commands all build the same
`Resources`; nothing connects at import time.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from livekit.agents import llm
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from frontdesk.config import Settings
from frontdesk.conversations.analysis_job import ConversationAnalyzer
from frontdesk.db import build_engine, build_sessionmaker
from frontdesk.jobs import JobQueue
from frontdesk.knowledge.ingestion import IngestionRunner
from frontdesk.knowledge.search import HybridSearcher
from frontdesk.knowledge.vector_store import VectorStore, connect_chroma
from frontdesk.livekit.unanswered import UnansweredCalls
from frontdesk.observability.conversation_metrics import watch_conversations
from frontdesk.privacy.retention import TranscriptRetention
from frontdesk.providers.embeddings.base import Embedder
from frontdesk.providers.embeddings.checked import CheckedEmbedder
from frontdesk.providers.embeddings.minilm_onnx import MiniLMOnnxEmbedder
from frontdesk.providers.llm.embedded import EmbeddedModel
from frontdesk.providers.llm.factory import (
    EndpointModels,
    LLMFactory,
    build_llm_factory,
    build_structured_factory,
)
from frontdesk.providers.llm.structured import StructuredFactory, StructuredModel
from frontdesk.providers.speech import LocalSpeech, SpeechModels
from frontdesk.webhooks.delivery import WebhookSender
from frontdesk.webhooks.events import DISPATCH_KEY as WEBHOOK_DISPATCH
from frontdesk.workspace.overrides import effective_settings, own_llm_endpoint


@dataclass
class Resources:
    settings: Settings
    engine: Engine
    sessionmaker: sessionmaker[Session]
    store: VectorStore
    embedder: Embedder
    searcher: HybridSearcher
    runner: IngestionRunner
    queue: JobQueue
    llm_factory: LLMFactory
    # Schema-constrained answers (exam questions, the onboarding interview).
    structured_factory: StructuredFactory
    embedded_llm: EmbeddedModel | None = None
    # VAD, speech-to-text and text-to-speech for voice calls, loaded on the first call.
    speech: Callable[[], SpeechModels] | None = None
    # Endpoints that workspaces name in their own settings (the dashboard's).
    endpoint_models: EndpointModels = field(default_factory=EndpointModels)

    def settings_for(self, workspace_settings: Mapping[str, Any] | None) -> Settings:
        """One workspace's settings: its own values over the environment's."""
        return effective_settings(self.settings, workspace_settings)

    def llm_for(self, workspace_settings: Mapping[str, Any] | None) -> llm.LLM:
        """A new conversation's model: the workspace's own endpoint when it names one, else
        this process's (the configured endpoint, or the embedded model every workspace
        shares)."""
        effective = self.settings_for(workspace_settings)
        if own_llm_endpoint(self.settings, effective):
            return self.endpoint_models.llm(effective)
        return self.llm_factory()

    def structured_for(self, workspace_settings: Mapping[str, Any] | None) -> StructuredModel:
        """The same choice as `llm_for`, for schema-constrained answers."""
        effective = self.settings_for(workspace_settings)
        if own_llm_endpoint(self.settings, effective):
            return self.endpoint_models.structured(effective)
        return self.structured_factory()

    def close(self) -> None:
        if self.embedded_llm is not None:
            self.embedded_llm.close()
        self.engine.dispose()


def build_resources(
    settings: Settings,
    *,
    embedder: Embedder | None = None,
    llm_factory: LLMFactory | None = None,
    structured_factory: StructuredFactory | None = None,
    speech: Callable[[], SpeechModels] | None = None,
) -> Resources:
    engine = build_engine(settings.sqlalchemy_url)
    sessions = build_sessionmaker(engine)
    store = VectorStore(connect_chroma(settings))
    # Checked: a failing or garbled model fails one source or one search, in words.
    embedder = CheckedEmbedder(
        embedder or MiniLMOnnxEmbedder(threads=settings.embed_threads or None)
    )
    runner = IngestionRunner(settings, sessions, store, embedder)
    queue = JobQueue(settings)
    queue.bind(runner)
    embedded = None
    if llm_factory is None and not settings.llm_base_url and settings.embedded_llm:
        embedded = EmbeddedModel(settings.resolved_data_dir, threads=settings.llm_threads)
    resources = Resources(
        settings=settings,
        engine=engine,
        sessionmaker=sessions,
        store=store,
        embedder=embedder,
        searcher=HybridSearcher(store, embedder),
        runner=runner,
        queue=queue,
        llm_factory=llm_factory or build_llm_factory(settings, embedded),
        structured_factory=structured_factory or build_structured_factory(settings, embedded),
        embedded_llm=embedded,
        speech=speech or LocalSpeech(settings.resolved_data_dir, threads=settings.llm_threads),
    )
    queue.bind_analysis(ConversationAnalyzer(resources))
    queue.bind_webhooks(WebhookSender(settings, sessions))
    queue.bind_retention(TranscriptRetention(sessions))
    queue.bind_unanswered(UnansweredCalls(settings, sessions, queue))
    # Events are written by services that only hold a session; this is how their
    # deliveries reach the queue once the session commits (webhooks/events.py).
    sessions.configure(info={WEBHOOK_DISPATCH: queue.enqueue_webhook})
    watch_conversations(sessions)
    return resources
