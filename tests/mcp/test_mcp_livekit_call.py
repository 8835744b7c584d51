"""A LiveKit call's agent (the worker's side, without a LiveKit server, driven with text as in
tests/livekit_calls) gets the agent's MCP tools too, and the call recorder stores the MCP
call with the turn like a built-in tool's."""

from __future__ import annotations

import asyncio

import pytest
from fastapi.testclient import TestClient
from livekit.api import TokenVerifier

from frontdesk.config import Settings
from frontdesk.livekit.worker import prepare_call
from frontdesk.providers.speech import LocalSpeech, SpeechModels
from frontdesk.resources import Resources
from tests.fake_llm import Call, Say, ScriptedLLM, last_tool_output
from tests.livekit_calls.webhook_signing import KEY, SECRET
from tests.mcp.conftest import http_server

pytestmark = pytest.mark.timeout(180)


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(
        update={
            "livekit_url": "wss://frontdesk-test.livekit.cloud",
            "livekit_api_key": KEY,
            "livekit_api_secret": SECRET,
        }
    )


@pytest.fixture(scope="module")
def speech_models(tmp_path_factory: pytest.TempPathFactory) -> SpeechModels:
    return LocalSpeech(tmp_path_factory.mktemp("speech"))()


def test_a_livekit_call_uses_and_records_mcp_tools(  # type: ignore[no-untyped-def]
    chat,
    chat_resources: Resources,
    fake_llm: ScriptedLLM,
    speech_models: SpeechModels,
    order_server_url: str,
) -> None:
    chat_resources.speech = lambda: speech_models
    client: TestClient = chat[0]
    agent: dict = chat[1]
    made = client.post(f"/api/agents/{agent['id']}/mcp-servers", json=http_server(order_server_url))
    assert made.status_code == 201, made.text
    body = client.post(f"/api/agents/{agent['id']}/calls").json()
    claims = TokenVerifier(KEY, SECRET).verify(body["token"])
    assert claims.room_config is not None
    metadata = claims.room_config.agents[0].metadata
    fake_llm.script(
        Call("order_status", {"order_number": "B200"}),
        lambda ctx: Say(last_tool_output(ctx)),
    )

    async def scenario() -> str:
        call = await prepare_call(chat_resources, metadata, room=body["room"])
        greeting = await call.start()
        assert greeting is not None
        await greeting
        result = await call.session.run(user_input="Where is order B200?")
        result.expect.next_event().is_function_call(name="order_status")
        result.expect.next_event().is_function_call_output()
        reply = result.expect.next_event().is_message(role="assistant").event().item
        await call.aclose()
        return reply.text_content or ""

    assert asyncio.run(scenario()) == "Order B200 is being packed, ships tomorrow."
    turns = client.get(f"/api/conversations/{body['conversation_id']}").json()["turns"]
    assert turns[-1]["tool_calls"] == [
        {
            "name": "order_status",
            "arguments": {"order_number": "B200"},
            "result": "Order B200 is being packed, ships tomorrow.",
            "error": False,
        }
    ]
