"""The embedded model as a service of the process: started on first need, warmed per agent."""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from livekit.agents import Agent, llm
from openai import OpenAI

from frontdesk.providers.llm.json_actions import (
    JsonActionLLM,
    offered_specs,
    to_messages,
    tool_guide,
)
from frontdesk.providers.llm.local_model import Progress, ensure_model
from frontdesk.providers.llm.local_server import LocalModelServer
from frontdesk.providers.llm.priority import ModelGate
from frontdesk.providers.llm.structured import OpenAIStructuredModel

log = logging.getLogger(__name__)

# The business facts are in the prompt and the agent adds retrieved knowledge to every turn,
# so the 1.5B model is not offered these look-up tools: it picks them in place of answering.
LOOKUP_TOOLS = frozenset({"business_info", "search_knowledge"})


class EmbeddedModel:
    def __init__(self, data_dir: Path, threads: int = 2) -> None:
        self.data_dir = data_dir
        self.threads = threads
        self._server: LocalModelServer | None = None
        self._lock = threading.Lock()
        # One gate for every client of this model: callers' turns before background work.
        self.gate = ModelGate()

    def prepare(self, progress: Progress | None = None) -> Path:
        """Join and verify the model file (slow only the first time)."""
        return ensure_model(self.data_dir, progress)

    def server(self) -> LocalModelServer:
        with self._lock:
            if self._server is None:
                server = LocalModelServer(self.prepare(), threads=self.threads)
                server.start()
                log.info("embedded model loaded in %.1f s", server.load_seconds)
                self._server = server
            return self._server

    def llm(self) -> llm.LLM:
        server = self.server()
        return JsonActionLLM(
            base_url=server.base_url,
            api_key=server.api_key,
            hidden_tools=LOOKUP_TOOLS,
            context_tokens=server.context,
            gate=self.gate,
        )

    def structured(self) -> OpenAIStructuredModel:
        server = self.server()
        return OpenAIStructuredModel(
            base_url=server.base_url, api_key=server.api_key, model="local", gate=self.gate
        )

    def warm_agent(self, agent: Agent) -> None:
        """Warm the exact prefix this agent's turns will start with (instructions + tools)."""
        specs = offered_specs(list(agent.tools), LOOKUP_TOOLS)
        self.warm(str(agent.instructions), tool_guide(specs) if specs else "")

    def warm(self, system_prompt: str, guide: str) -> None:
        """Compute the stable prefix once so the first caller's turn only pays for its words."""
        server = self.server()
        ctx = llm.ChatContext.empty()
        ctx.add_message(role="system", content=system_prompt)
        ctx.add_message(role="user", content="Hello")
        client = OpenAI(base_url=server.base_url, api_key=server.api_key, max_retries=0)
        try:
            client.chat.completions.create(
                model="local",
                messages=to_messages(ctx, guide),
                max_tokens=1,  # type: ignore[arg-type]
            )
        finally:
            client.close()

    def close(self) -> None:
        with self._lock:
            if self._server is not None:
                self._server.stop()
                self._server = None
