"""Live ingestion progress as Server-Sent Events.

Workers may run in other processes (or machines), so progress travels through the database:
the stream polls the agent's source rows and sends a `progress` event whenever one changed,
then `done` once nothing is queued or running. Cheap: one small query per interval.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable
from typing import Any

from starlette.concurrency import run_in_threadpool

from frontdesk.db import transaction
from frontdesk.knowledge.repository import KnowledgeRepository
from frontdesk.models import Agent
from frontdesk.models.knowledge_source import ACTIVE_SOURCE_STATUSES
from frontdesk.resources import Resources


def _snapshot(resources: Resources, agent_id: str) -> dict[str, Any] | None:
    with transaction(resources.sessionmaker) as db:
        agent = db.get(Agent, agent_id)
        if agent is None:
            return None
        repo = KnowledgeRepository(db)
        sources = []
        for s in repo.sources(agent_id):
            failures = [
                {"url": p.url, "error": p.error}
                for p in repo.failed_pages(s.id, s.generation, limit=10)
            ]
            sources.append(
                {
                    "source_id": s.id,
                    "kind": s.kind,
                    "url": s.url,
                    "file_name": s.file_name,
                    "status": s.status,
                    "error": s.error,
                    "pages_found": s.pages_found,
                    "pages_fetched": s.pages_fetched,
                    "pages_indexed": s.pages_indexed,
                    "pages_failed": s.pages_failed,
                    "chunks": s.chunk_count,
                    "failures": failures,
                }
            )
        return {"agent_id": agent.id, "agent_status": agent.status, "sources": sources}


def _event(name: str, data: dict[str, Any]) -> str:
    return f"event: {name}\ndata: {json.dumps(data, default=str)}\n\n"


async def progress_events(
    resources: Resources,
    agent_id: str,
    is_disconnected: Callable[[], Any],
    interval: float = 0.5,
    keepalive: float = 15.0,
) -> AsyncIterator[str]:
    last: dict[str, Any] = {}
    idle = 0.0
    while True:
        snap = await run_in_threadpool(_snapshot, resources, agent_id)
        if snap is None:
            yield _event("error", {"error": "NotFound", "detail": "The agent was deleted."})
            return
        for source in snap["sources"]:
            if last.get(source["source_id"]) != source:
                last[source["source_id"]] = source
                idle = 0.0
                yield _event("progress", {"agent_status": snap["agent_status"], **source})
        if not any(s["status"] in ACTIVE_SOURCE_STATUSES for s in snap["sources"]):
            yield _event("done", {"agent_status": snap["agent_status"], "sources": snap["sources"]})
            return
        if await is_disconnected():
            return
        await asyncio.sleep(interval)
        idle += interval
        if idle >= keepalive:
            idle = 0.0
            yield ": keep-alive\n\n"
