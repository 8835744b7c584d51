"""The receptionist Agent that every channel runs, built from an AgentSpec."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterable
from datetime import UTC, datetime

from livekit.agents import Agent, ModelSettings, llm
from livekit.agents.types import FlushSentinel

from frontdesk.runtime.prompt import system_prompt
from frontdesk.runtime.services import ReceptionServices
from frontdesk.runtime.spec import AgentSpec
from frontdesk.runtime.tools import RELEVANCE_FLOOR, Clock, ReceptionTools, build_tools

log = logging.getLogger(__name__)
NOTE_CHARS = 400
KNOWLEDGE_NOTE = "Knowledge that may answer the caller's next message:"


class ReceptionAgent(Agent):
    """Looks up the knowledge base before the model answers each caller turn.

    Small models pick the wrong tool for plain questions; fetching the few relevant snippets
    ourselves and placing them last, right before the caller's words, keeps the cached
    prefix intact and leaves tool calls for actions (booking, leads, messages).
    """

    def __init__(self, spec: AgentSpec, tools: ReceptionTools) -> None:
        super().__init__(instructions=system_prompt(spec, tools.clock()), tools=build_tools(tools))
        self.spec = spec
        self.reception = tools

    async def llm_node(  # type: ignore[override]
        self,
        chat_ctx: llm.ChatContext,
        tools: list[llm.Tool],
        model_settings: ModelSettings,
    ) -> AsyncIterable[llm.ChatChunk | str | FlushSentinel]:
        # Every channel's generations pass here (text input never reaches the speech-turn
        # hooks), so this is where each fresh caller turn gets its knowledge note.
        last = chat_ctx.items[-1] if chat_ctx.items else None
        if last is not None and last.type == "message" and last.role == "user":
            note = await self._knowledge_note(last.text_content or "")
            if note:
                chat_ctx = chat_ctx.copy()
                chat_ctx.items.insert(len(chat_ctx.items) - 1, note)
        async for chunk in Agent.default.llm_node(self, chat_ctx, tools, model_settings):
            yield chunk

    async def _knowledge_note(self, question: str) -> llm.ChatMessage | None:
        if not question.strip() or not self.spec.tool_enabled("search_knowledge"):
            return None
        try:
            snippets = await self.reception.services.search_knowledge(question, 3)
        except Exception:  # noqa: BLE001 - a failed lookup must not cost the caller the turn
            log.warning("knowledge lookup failed", exc_info=True)
            return None
        relevant = [s for s in snippets if s.score >= RELEVANCE_FLOOR]
        if not relevant:
            return None
        # Two trimmed snippets: every token after the cached prefix costs ~20 ms on 2 cores.
        text = "\n".join(f"- {s.text[:NOTE_CHARS]}" for s in relevant[:2])
        return llm.ChatMessage(role="system", content=[f"{KNOWLEDGE_NOTE}\n{text}"])


def build_agent(
    spec: AgentSpec, services: ReceptionServices, *, clock: Clock | None = None
) -> ReceptionAgent:
    """The livekit Agent for a spec: instructions ordered for caching, enabled tools only."""
    return ReceptionAgent(
        spec, ReceptionTools(spec, services, clock or (lambda: datetime.now(UTC)))
    )
