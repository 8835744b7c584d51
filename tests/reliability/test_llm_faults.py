"""A language model endpoint that fails costs the caller one polite apology, never a 500:
the caller's words are stored, and the next message is answered once the endpoint recovers.

The endpoint is a real HTTP server (tests/reliability/faulty_endpoint.py) named in the
workspace's settings, so livekit's OpenAI plugin and its retries run for real."""

from __future__ import annotations

import time

import pytest
from fastapi.testclient import TestClient

from frontdesk.config import Settings
from frontdesk.runtime.reception_agent import MODEL_APOLOGY
from tests.reliability.faulty_endpoint import Fault, FaultyOpenAIServer

pytestmark = pytest.mark.timeout(180)

RECOVERED = "We are open nine to five."


@pytest.fixture
def settings(settings: Settings) -> Settings:
    # The workspace's endpoint is a loopback test server, allowed by the operator.
    return settings.model_copy(update={"outbound_allowed_hosts": ["127.0.0.1"]})


def _use(client: TestClient, endpoint: FaultyOpenAIServer) -> None:
    changed = client.patch(
        "/api/workspace",
        json={"settings": {"llm_base_url": endpoint.base_url, "llm_model": "flaky-8b"}},
    )
    assert changed.status_code == 200, changed.text


def _say(client: TestClient, conversation_id: str, text: str) -> dict:
    response = client.post(f"/api/conversations/{conversation_id}/messages", json={"text": text})
    assert response.status_code == 200, response.text
    return response.json()


@pytest.mark.parametrize(
    "fault",
    [
        Fault.HANG,
        Fault.SERVER_ERROR,
        Fault.RATE_LIMITED,
        Fault.MALFORMED,
        Fault.CUT,
    ],
)
def test_a_failing_endpoint_gets_an_apology_and_the_conversation_goes_on(  # type: ignore[no-untyped-def]
    chat, fault: Fault
) -> None:
    client, agent = chat
    # Every attempt of the first turn fails (livekit retries); then the endpoint recovers.
    with FaultyOpenAIServer(reply=RECOVERED, faults=[fault] * 8) as endpoint:
        _use(client, endpoint)
        started = client.post(f"/api/agents/{agent['id']}/conversations")
        assert started.status_code == 201, started.text
        conversation_id = started.json()["id"]

        failed = _say(client, conversation_id, "When are you open?")
        assert failed["reply"].endswith(MODEL_APOLOGY), failed
        assert failed["ended"] is False

        endpoint.faults.clear()
        assert _say(client, conversation_id, "When are you open?")["reply"] == RECOVERED

    turns = client.get(f"/api/conversations/{conversation_id}").json()["turns"]
    assert [t["role"] for t in turns] == ["agent", "caller", "agent", "caller", "agent"]
    assert turns[1]["text"] == "When are you open?"
    assert turns[2]["text"].endswith(MODEL_APOLOGY)
    assert turns[4]["text"] == RECOVERED
    # The server kept serving everything else meanwhile.
    assert client.get("/api/agents").status_code == 200


def _start(client: TestClient, agent: dict) -> str:
    started = client.post(f"/api/agents/{agent['id']}/conversations")
    assert started.status_code == 201, started.text
    return started.json()["id"]


def test_garbled_tool_arguments_reach_the_model_as_a_tool_error(chat) -> None:  # type: ignore[no-untyped-def]
    client, agent = chat
    with FaultyOpenAIServer(reply=RECOVERED, faults=[Fault.BAD_TOOL_ARGUMENTS]) as endpoint:
        _use(client, endpoint)
        conversation_id = _start(client, agent)
        out = _say(client, conversation_id, "I'm Ann, please call me back")
        [call] = out["tool_calls"]
        assert call["name"] == "capture_lead" and call["error"] is True
        assert out["reply"] == RECOVERED
        # The second request showed the model its failed call and the tool's error.
        tool_messages = [m for m in endpoint.requests[1]["messages"] if m["role"] == "tool"]
        assert tool_messages and tool_messages[0]["content"] == call["result"]
    leads = client.get(f"/api/agents/{agent['id']}/leads").json()
    assert leads == []


def test_a_model_that_only_ever_calls_tools_badly_gets_an_apology(chat) -> None:  # type: ignore[no-untyped-def]
    client, agent = chat
    with FaultyOpenAIServer(reply=RECOVERED, faults=[Fault.BAD_TOOL_ARGUMENTS] * 8) as endpoint:
        _use(client, endpoint)
        conversation_id = _start(client, agent)
        out = _say(client, conversation_id, "I'm Ann, please call me back")
        assert out["tool_calls"] and all(c["error"] for c in out["tool_calls"])
        # Livekit stops after its tool steps; the caller is not left with an empty reply.
        assert out["reply"] == MODEL_APOLOGY
        endpoint.faults.clear()
        assert _say(client, conversation_id, "When are you open?")["reply"] == RECOVERED
    turns = client.get(f"/api/conversations/{conversation_id}").json()["turns"]
    assert [t["text"] for t in turns if t["role"] == "agent"][1:] == [MODEL_APOLOGY, RECOVERED]


def test_an_endpoint_down_for_many_turns_does_not_end_the_conversation(chat) -> None:  # type: ignore[no-untyped-def]
    # livekit closes a session after three unrecoverable model errors in a row unless the
    # agent speaks in between; the apology must count as speaking.
    client, agent = chat
    with FaultyOpenAIServer(reply=RECOVERED, faults=[Fault.SERVER_ERROR] * 100) as endpoint:
        _use(client, endpoint)
        conversation_id = _start(client, agent)
        for _ in range(5):
            assert _say(client, conversation_id, "Hello?")["reply"] == MODEL_APOLOGY
        endpoint.faults.clear()
        assert _say(client, conversation_id, "When are you open?")["reply"] == RECOVERED
    transcript = client.get(f"/api/conversations/{conversation_id}").json()
    assert transcript["status"] == "active" and len(transcript["turns"]) == 13


def _analysed(client: TestClient, conversation_id: str) -> dict:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        transcript = client.get(f"/api/conversations/{conversation_id}").json()
        if transcript["analyzed_at"] is not None:
            return transcript
        time.sleep(0.2)
    raise AssertionError(f"conversation {conversation_id} was not analysed in 60 s")


@pytest.mark.parametrize(
    ("fault", "reason"),
    [
        (Fault.SERVER_ERROR, "The language model failed: Error code: 500"),
        (Fault.RATE_LIMITED, "The language model failed: Error code: 429"),
        (Fault.MALFORMED, "The language model failed"),
    ],
)
def test_the_analysis_of_a_conversation_survives_a_failing_model(  # type: ignore[no-untyped-def]
    chat, fault: Fault, reason: str
) -> None:
    client, agent = chat
    with FaultyOpenAIServer(reply=RECOVERED) as endpoint:
        _use(client, endpoint)
        conversation_id = _start(client, agent)
        assert _say(client, conversation_id, "When are you open?")["reply"] == RECOVERED
        endpoint.faults = [fault] * 8
        assert client.post(f"/api/conversations/{conversation_id}/end").status_code == 204
        transcript = _analysed(client, conversation_id)
    # The outcome never depends on the model; the owner reads why there is no summary.
    assert transcript["outcome"] == "answered"
    assert transcript["summary"] is None
    assert transcript["analysis_error"].startswith(reason), transcript["analysis_error"]
