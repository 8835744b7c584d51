"""MCP tools in conversations: the scripted model calls the real test server's tools next to
the built-in ones, sees its answers, and the turn records the call; switched-off servers and
tools are not offered, and a server that cannot be reached costs only its own tools."""

from __future__ import annotations

from fastapi.testclient import TestClient

from frontdesk.db import transaction
from frontdesk.models import McpServer
from frontdesk.resources import Resources
from tests.fake_llm import Call, Say, ScriptedLLM, last_tool_output
from tests.mcp.conftest import http_server, running_order_server, stdio_server


def _add(client: TestClient, agent: dict, body: dict) -> dict:
    response = client.post(f"/api/agents/{agent['id']}/mcp-servers", json=body)
    assert response.status_code == 201, response.text
    return response.json()


def _start(client: TestClient, agent: dict) -> str:
    started = client.post(f"/api/agents/{agent['id']}/conversations")
    assert started.status_code == 201, started.text
    return str(started.json()["id"])


def _say(client: TestClient, conversation_id: str, text: str) -> dict:
    response = client.post(f"/api/conversations/{conversation_id}/messages", json={"text": text})
    assert response.status_code == 200, response.text
    return response.json()


def test_the_model_calls_an_mcp_tool_and_reads_its_answer(  # type: ignore[no-untyped-def]
    chat, fake_llm: ScriptedLLM, order_server_url: str
) -> None:
    client, agent = chat
    _add(client, agent, http_server(order_server_url))
    fake_llm.script(
        Call("order_status", {"order_number": "a100"}),
        lambda ctx: Say(f"Here it is: {last_tool_output(ctx)}"),
        Call("order_status", {"order_number": "Z999"}),
        lambda ctx: Say(f"Hmm: {last_tool_output(ctx)}"),
    )
    conversation_id = _start(client, agent)
    out = _say(client, conversation_id, "Where is my order A100?")

    offered = fake_llm.tool_names[0]
    assert {"order_status", "cancel_order", "capture_lead", "book_appointment"} <= set(offered)
    # What the real server answered is what the model was shown next, as plain text.
    assert last_tool_output(fake_llm.seen[1]) == (
        "Order A100 is shipped on November 24, arriving November 27."
    )
    assert out["reply"] == (
        "Here it is: Order A100 is shipped on November 24, arriving November 27."
    )
    assert out["tool_calls"] == [
        {
            "name": "order_status",
            "arguments": {"order_number": "a100"},
            "result": "Order A100 is shipped on November 24, arriving November 27.",
            "error": False,
        }
    ]
    stored = client.get(f"/api/conversations/{conversation_id}").json()["turns"][-1]
    assert stored["tool_calls"] == out["tool_calls"]

    # The server's own refusal reaches the model as a tool error, and the call goes on.
    unknown = _say(client, conversation_id, "And order Z999?")
    assert unknown["tool_calls"][0]["error"] is True
    assert "There is no order Z999" in unknown["reply"]

    # The conversation's connection recorded what it found on the server.
    server = client.get(f"/api/agents/{agent['id']}/mcp-servers").json()[0]
    assert server["status"] == "ok"
    assert {t["name"] for t in server["tools"]} == {"order_status", "cancel_order"}


def test_stdio_server_tools_in_a_conversation(chat, fake_llm: ScriptedLLM) -> None:  # type: ignore[no-untyped-def]
    client, agent = chat
    _add(client, agent, stdio_server())
    fake_llm.script(
        Call("cancel_order", {"order_number": "b200"}),
        lambda ctx: Say(last_tool_output(ctx)),
    )
    conversation_id = _start(client, agent)
    out = _say(client, conversation_id, "Cancel B200 please")
    assert out["reply"] == "Order B200 is cancelled."
    assert out["tool_calls"][0]["name"] == "cancel_order"
    client.post(f"/api/conversations/{conversation_id}/end", json={"reason": "done"})


def test_switched_off_servers_and_tools_are_not_offered(  # type: ignore[no-untyped-def]
    chat, fake_llm: ScriptedLLM, order_server_url: str
) -> None:
    client, agent = chat
    base = f"/api/agents/{agent['id']}/mcp-servers"
    server = _add(client, agent, http_server(order_server_url))
    client.patch(f"{base}/{server['id']}", json={"disabled_tools": ["cancel_order"]})
    fake_llm.script(
        Call("cancel_order", {"order_number": "B200"}),
        lambda ctx: Say(f"Sorry: {last_tool_output(ctx)}"),
    )
    out = _say(client, _start(client, agent), "Cancel B200")
    assert "order_status" in fake_llm.tool_names[0]
    assert "cancel_order" not in fake_llm.tool_names[0]
    # livekit refuses a call to a tool the agent was not given; nothing reached the server.
    assert not [c for c in out["tool_calls"] if c["error"] is False]
    assert "cancelled" not in out["reply"]

    client.patch(f"{base}/{server['id']}", json={"enabled": False})
    fake_llm.script(Say("How can I help?"))
    _say(client, _start(client, agent), "Hi")
    offered = fake_llm.tool_names[-1]
    assert "order_status" not in offered and "capture_lead" in offered


def test_a_server_that_cannot_start_costs_only_its_tools(  # type: ignore[no-untyped-def]
    chat, fake_llm: ScriptedLLM, chat_resources: Resources, order_server_url: str
) -> None:
    client, agent = chat
    _add(client, agent, http_server(order_server_url))
    broken = _add(
        client,
        agent,
        {"name": "Stock", "transport": "http", "url": "http://127.0.0.1:9/mcp"},
    )
    fake_llm.script(Say("We see cats and dogs."))
    out = _say(client, _start(client, agent), "Do you treat cats?")
    assert out["reply"] == "We see cats and dogs."
    assert "order_status" in fake_llm.tool_names[0]  # the working server's tools are there

    with transaction(chat_resources.sessionmaker) as db:
        row = db.get(McpServer, broken["id"])
        assert row is not None and row.status == "failed"
        assert row.last_error == (
            "The server at http://127.0.0.1:9/mcp did not answer "
            "(nothing accepts connections there)."
        )

    # A stdio command the operator later took off the allow-list is not run at all.
    stdio = _add(client, agent, stdio_server())
    chat_resources.settings.mcp_stdio_commands = ["/usr/bin/some-other-program"]
    fake_llm.script(Say("Hello again."))
    assert _say(client, _start(client, agent), "Hi")["reply"] == "Hello again."
    listed = {s["id"]: s for s in client.get(f"/api/agents/{agent['id']}/mcp-servers").json()}
    assert listed[stdio["id"]]["status"] == "failed"
    assert "FRONTDESK_MCP_STDIO_COMMANDS" in listed[stdio["id"]]["last_error"]


def test_a_server_that_stops_mid_conversation_is_a_tool_error(  # type: ignore[no-untyped-def]
    chat, fake_llm: ScriptedLLM
) -> None:
    client, agent = chat
    with running_order_server() as (url, process):
        _add(client, agent, http_server(url))
        fake_llm.script(
            Call("order_status", {"order_number": "A100"}),
            lambda ctx: Say(f"Sorry: {last_tool_output(ctx)}"),
            Say("Anything else?"),
        )
        conversation_id = _start(client, agent)
        process.terminate()
        process.wait(timeout=10)
        out = _say(client, conversation_id, "Where is A100?")
    assert out["tool_calls"][0]["name"] == "order_status"
    assert out["tool_calls"][0]["error"] is True
    assert out["reply"] == (
        "Sorry: The order_status tool is not working right now (its server cannot be "
        "reached). Tell the caller you cannot look this up at the moment."
    )
    # The conversation goes on.
    assert _say(client, conversation_id, "Ok")["reply"] == "Anything else?"
