"""Attack: point a target address at your own server and receive the secret stored for it.

Headers, keys and passwords are write-only: the API never shows them back. But whoever may
edit the address they are sent to could change it to a receiver of their own and let
Frontdesk deliver the secret there. Over the real API: a member changes an MCP server's URL
to their loopback receiver and has it checked; an admin changes the workspace's LLM endpoint
to their receiver and starts a conversation. The receiver must never see the old secret. A
legitimate edit that keeps the origin (scheme, host, port) and changes only the path keeps
the secret, and the LiveKit keys go when the LiveKit URL moves to another origin.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from frontdesk.config import Settings
from frontdesk.resources import Resources
from tests.factories import PASSWORD, make_member, make_owner, make_receptionist
from tests.live_server import serving
from tests.security.fake_dns import install
from tests.security.header_trap import HeaderTrap

MCP_TOKEN = "Bearer partner-mcp-token-7431"
LLM_KEY = "sk-workspace-own-key-5518"
PUBLIC = "93.184.215.14"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    # The attacker's receiver lives on loopback, which the test operator allows (as a
    # developer's setup would); the rule under test is about the secret, not the address.
    return settings.model_copy(update={"outbound_allowed_hosts": ["127.0.0.1"]})


@pytest.fixture(autouse=True)
def partner_dns(monkeypatch: pytest.MonkeyPatch) -> None:
    install(monkeypatch, {"mcp.partner.test": [PUBLIC], "llm.partner.test": [PUBLIC],
                          "lk.partner.test": [PUBLIC], "lk.elsewhere.test": [PUBLIC]})  # fmt: skip


def _client(base: str, email: str) -> httpx.Client:
    client = httpx.Client(base_url=base, timeout=60)
    login = client.post("/api/auth/login", json={"email": email, "password": PASSWORD})
    assert login.status_code == 200, login.text
    return client


@pytest.fixture
def team(chat_resources: Resources) -> Iterator[tuple[httpx.Client, httpx.Client, httpx.Client]]:
    """The owner, an admin and a member of one workspace, each signed in over real HTTP."""
    workspace, owner = make_owner(chat_resources)
    admin = make_member(chat_resources, workspace, role="admin")
    member = make_member(chat_resources, workspace, role="member")
    with serving(chat_resources) as base:
        clients = [_client(base, u.email) for u in (owner, admin, member)]
        try:
            yield clients[0], clients[1], clients[2]
        finally:
            for c in clients:
                c.close()


def test_a_member_cannot_move_an_mcp_servers_authorization_to_their_receiver(
    team: tuple[httpx.Client, httpx.Client, httpx.Client],
) -> None:
    owner, _, member = team
    agent = make_receptionist(owner)
    base = f"/api/agents/{agent['id']}/mcp-servers"
    saved = owner.post(base, json={"name": "Partner", "transport": "http",
                                   "url": "https://mcp.partner.test/mcp",
                                   "headers": {"Authorization": MCP_TOKEN}})  # fmt: skip
    assert saved.status_code == 201, saved.text
    server_id = saved.json()["id"]

    with HeaderTrap() as trap:
        moved = member.patch(f"{base}/{server_id}", json={"url": trap.url("/mcp")})
        assert moved.status_code == 200, moved.text
        member.post(f"{base}/{server_id}/check")
        # Sent back exactly as the API shows it, the masked value must not revive the secret.
        member.patch(
            f"{base}/{server_id}", json={"headers": {"Authorization": "••••7431"}}
        ).raise_for_status()
        member.post(f"{base}/{server_id}/check")
        assert trap.received, "the check did reach the new address"
        assert not trap.saw("partner-mcp-token-7431"), "the stored header followed the URL"
    assert moved.json()["headers"] == {}


def test_a_path_change_on_the_same_origin_keeps_the_header(
    team: tuple[httpx.Client, httpx.Client, httpx.Client],
) -> None:
    owner, _, _ = team
    agent = make_receptionist(owner)
    base = f"/api/agents/{agent['id']}/mcp-servers"
    with HeaderTrap() as trap:
        saved = owner.post(base, json={"name": "Own", "transport": "http",
                                       "url": trap.url("/old/mcp"),
                                       "headers": {"Authorization": MCP_TOKEN}})  # fmt: skip
        assert saved.status_code == 201, saved.text
        moved = owner.patch(f"{base}/{saved.json()['id']}", json={"url": trap.url("/v2/mcp")})
        assert moved.json()["headers"] == {"Authorization": "••••7431"}
        owner.post(f"{base}/{saved.json()['id']}/check")
        assert trap.saw("partner-mcp-token-7431")


def test_an_admin_cannot_move_the_workspace_llm_key_to_their_receiver(
    team: tuple[httpx.Client, httpx.Client, httpx.Client],
) -> None:
    owner, admin, _ = team
    stored = owner.patch("/api/workspace", json={"settings": {
        "llm_base_url": "https://llm.partner.test/v1", "llm_api_key": LLM_KEY}})  # fmt: skip
    assert stored.status_code == 200, stored.text
    agent = make_receptionist(owner)

    with HeaderTrap() as trap:
        moved = admin.patch("/api/workspace", json={"settings": {"llm_base_url": trap.url("/v1")}})
        assert moved.status_code == 200, moved.text
        started = admin.post(f"/api/agents/{agent['id']}/conversations")
        if started.status_code == 201:
            admin.post(f"/api/conversations/{started.json()['id']}/messages",
                       json={"text": "Hello?"})  # fmt: skip
        assert trap.received, "the conversation did reach the new endpoint"
        assert not trap.saw(LLM_KEY), "the workspace key followed the endpoint"
    assert moved.json()["settings"]["llm_api_key"] == {"set": False, "hint": None}

    # The same origin with another path keeps the key; a new key sent with a move is kept.
    again = owner.patch("/api/workspace", json={"settings": {
        "llm_base_url": "https://llm.partner.test/v1", "llm_api_key": LLM_KEY}}).json()  # fmt: skip
    assert again["settings"]["llm_api_key"]["set"] is True
    path_only = owner.patch("/api/workspace", json={"settings": {
        "llm_base_url": "https://llm.partner.test/openai/v1"}}).json()  # fmt: skip
    assert path_only["settings"]["llm_api_key"] == {"set": True, "hint": "…5518"}


def test_livekit_keys_stay_with_their_project(
    team: tuple[httpx.Client, httpx.Client, httpx.Client],
) -> None:
    owner, admin, _ = team
    owner.patch("/api/workspace", json={"settings": {
        "livekit_url": "wss://lk.partner.test", "livekit_api_key": "APIpartnerkey",
        "livekit_api_secret": "partner-livekit-secret-0042"}}).raise_for_status()  # fmt: skip
    moved = admin.patch("/api/workspace", json={"settings": {
        "livekit_url": "wss://lk.elsewhere.test"}}).json()["settings"]  # fmt: skip
    assert moved["livekit_api_key"] == {"set": False, "hint": None}
    assert moved["livekit_api_secret"] == {"set": False, "hint": None}
    # Re-entered together with the new address, they are kept.
    kept = admin.patch("/api/workspace", json={"settings": {
        "livekit_url": "wss://lk.partner.test", "livekit_api_key": "APIotherkey1",
        "livekit_api_secret": "other-livekit-secret-0043"}}).json()["settings"]  # fmt: skip
    assert kept["livekit_api_secret"] == {"set": True, "hint": "…0043"}
