"""Attack: DNS rebinding through an MCP server over HTTP.

The owner names an MCP server by a host whose DNS the attacker controls. It answers a public
address while Frontdesk checks the URL (on save, and right before connecting), then
127.0.0.1: a client that resolves the name again for its connection would reach a loopback
service Frontdesk's address rule forbids. Over the real API, the server is checked and used
in a conversation; the loopback service records every request, and must receive none.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from frontdesk.config import Settings
from frontdesk.resources import Resources
from tests.factories import make_receptionist
from tests.fake_llm import Say, ScriptedLLM
from tests.live_server import owner_client, serving
from tests.security.fake_dns import install
from tests.security.header_trap import HeaderTrap

PUBLIC = "93.184.215.14"
# Public for the save and for the check right before the connection; loopback after that.
CHECKS_BEFORE_CONNECTING = 2


def _rebinding(asked: int) -> list[str]:
    return [PUBLIC] if asked < CHECKS_BEFORE_CONNECTING else ["127.0.0.1"]


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"outbound_allowed_hosts": []})  # loopback is forbidden


@pytest.fixture
def owner_api(chat_resources: Resources) -> Iterator[tuple[httpx.Client, dict]]:
    with serving(chat_resources) as base, owner_client(chat_resources, base) as api:
        yield api, make_receptionist(api)


@pytest.fixture
def trap() -> Iterator[HeaderTrap]:
    with HeaderTrap() as running:
        yield running


def test_checking_a_rebinding_server_reaches_nothing(
    owner_api: tuple[httpx.Client, dict], trap: HeaderTrap, monkeypatch: pytest.MonkeyPatch
) -> None:
    api, agent = owner_api
    install(monkeypatch, {"check.rebind.test": _rebinding})
    base = f"/api/agents/{agent['id']}/mcp-servers"
    saved = api.post(base, json={"name": "Orders", "transport": "http",
                                 "url": f"http://check.rebind.test:{trap.port}/mcp"})  # fmt: skip
    assert saved.status_code == 201, saved.text

    checked = api.post(f"{base}/{saved.json()['id']}/check").json()
    assert trap.received == [], "the connection reached the loopback service"
    assert checked["status"] == "failed"
    # Refused by the connection itself: the check before it still saw the public address.
    assert "127.0.0.1, which is not a public internet address" in checked["last_error"]


def test_a_conversation_with_a_rebinding_server_reaches_nothing(
    owner_api: tuple[httpx.Client, dict],
    trap: HeaderTrap,
    fake_llm: ScriptedLLM,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    api, agent = owner_api
    install(monkeypatch, {"chat.rebind.test": _rebinding})
    saved = api.post(f"/api/agents/{agent['id']}/mcp-servers",
                     json={"name": "Orders", "transport": "http",
                           "url": f"http://chat.rebind.test:{trap.port}/mcp"})  # fmt: skip
    assert saved.status_code == 201, saved.text

    fake_llm.script(Say("How can I help?"))
    started = api.post(f"/api/agents/{agent['id']}/conversations")
    assert started.status_code == 201, started.text
    said = api.post(f"/api/conversations/{started.json()['id']}/messages", json={"text": "Hi"})
    assert said.status_code == 200, said.text
    assert trap.received == [], "the conversation's MCP connection reached the loopback service"
    assert "capture_lead" in fake_llm.tool_names[0]  # the conversation went on without it
    server = api.get(f"/api/agents/{agent['id']}/mcp-servers").json()[0]
    assert server["status"] == "failed"
    assert "127.0.0.1, which is not a public internet address" in server["last_error"]
