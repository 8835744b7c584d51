"""`frontdesk agent-worker` refuses to start when it could not answer a single call."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from frontdesk.cli import app

LIVEKIT = ("URL", "API_KEY", "API_SECRET")


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    monkeypatch.setenv("FRONTDESK_DATA_DIR", str(tmp_path / "data"))
    # Whatever the developer's shell holds, these tests decide what is configured.
    for name in LIVEKIT:
        monkeypatch.delenv(f"LIVEKIT_{name}", raising=False)
        monkeypatch.delenv(f"FRONTDESK_LIVEKIT_{name}", raising=False)
    for name in ("OPENAI_API_KEY", "FRONTDESK_OPENAI_API_KEY", "FRONTDESK_LLM_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_agent_worker_without_livekit_says_what_to_set(env: pytest.MonkeyPatch) -> None:
    result = CliRunner().invoke(app, ["agent-worker"])
    assert result.exit_code == 1, result.output
    assert "LiveKit is not configured" in result.output
    assert "LIVEKIT_API_SECRET" in result.output


def test_agent_worker_with_openai_speech_needs_a_key(env: pytest.MonkeyPatch) -> None:
    env.setenv("LIVEKIT_URL", "wss://frontdesk-test.livekit.cloud")
    env.setenv("LIVEKIT_API_KEY", "APIfrontdesktest")
    env.setenv("LIVEKIT_API_SECRET", "a-test-secret")
    env.setenv("FRONTDESK_VOICE_TTS", "openai")
    result = CliRunner().invoke(app, ["agent-worker"])
    assert result.exit_code == 1, result.output
    assert "FRONTDESK_OPENAI_API_KEY" in result.output
