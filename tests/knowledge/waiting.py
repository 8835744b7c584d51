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
        if all(s["status"] in ("ready", "failed") for s in agent["sources"]):
            return agent
        if time.monotonic() > deadline:
            raise AssertionError(f"ingestion did not finish in {timeout} s: {agent}")
        time.sleep(0.2)
