"""Polling helpers for tests that wait on background ingestion."""

from __future__ import annotations

import time
from typing import Any

from fastapi.testclient import TestClient


def wait_for_agent(client: TestClient, agent_id: str, timeout: float = 120.0) -> dict[str, Any]:
    """Wait until no source of the agent is queued or running; return the agent."""
    deadline = time.monotonic() + timeout
    while True:
        agent = client.get(f"/api/agents/{agent_id}").json()
        # The agent row and its sources are read by two statements: on PostgreSQL a job
        # can commit between them, so the agent's status must have caught up too.
        done = all(s["status"] in ("ready", "failed") for s in agent["sources"])
        if done and agent["status"] != "ingesting":
            return agent
        if time.monotonic() > deadline:
            raise AssertionError(f"ingestion did not finish in {timeout} s: {agent}")
        time.sleep(0.2)
