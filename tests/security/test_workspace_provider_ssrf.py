"""Attack: use the workspace's own provider settings to make Frontdesk call inside its network.

An admin may name the workspace's own LLM endpoint and LiveKit project. Over the real API,
the admin points them at loopback, a private network and a name that resolves to one; each
save must be refused with a clear 422 (the house's JSON error shape), and a conversation
started afterwards must not reach the loopback server. When the operator names the host in
FRONTDESK_OUTBOUND_ALLOWED_HOSTS, the same save is accepted; the operator's own environment
settings are never checked.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from frontdesk.resources import Resources
from tests.factories import make_receptionist
from tests.live_server import owner_client, serving
from tests.security.fake_dns import install
from tests.security.header_trap import HeaderTrap


@pytest.fixture(autouse=True)
def inside_dns(monkeypatch: pytest.MonkeyPatch) -> None:
    install(monkeypatch, {"models.inside.test": ["10.1.2.3"], "lk.inside.test": ["192.168.7.7"]})


@pytest.fixture
def admin(chat_resources: Resources) -> Iterator[httpx.Client]:
    with serving(chat_resources) as base, owner_client(chat_resources, base) as client:
        yield client


def _refused(response: httpx.Response, *words: str) -> None:
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["error"] == "UnsafeURL"
    for word in words:
        assert word in body["detail"]


def test_private_provider_addresses_are_refused(
    admin: httpx.Client, chat_resources: Resources
) -> None:
    chat_resources.settings.outbound_allowed_hosts = []
    agent = make_receptionist(admin)
    with HeaderTrap() as trap:
        for field, url in (
            ("llm_base_url", trap.url("/v1")),
            ("llm_base_url", "http://localhost:11434/v1"),
            ("llm_base_url", "http://10.0.0.5/v1"),
            ("llm_base_url", "http://169.254.169.254/latest/"),
            ("llm_base_url", "https://models.inside.test/v1"),
            ("livekit_url", f"ws://127.0.0.1:{trap.port}"),
            ("livekit_url", "wss://lk.inside.test"),
            ("livekit_url", "ws://[::1]:7880"),
        ):
            response = admin.patch("/api/workspace", json={"settings": {field: url}})
            _refused(response, "not a public internet address", "FRONTDESK_OUTBOUND_ALLOWED_HOSTS")
        settings = admin.get("/api/workspace").json()["settings"]
        assert settings["llm_base_url"] is None and settings["livekit_url"] is None
        # Nothing was stored, so a conversation does not go there either.
        started = admin.post(f"/api/agents/{agent['id']}/conversations")
        if started.status_code == 201:
            admin.post(f"/api/conversations/{started.json()['id']}/messages",
                       json={"text": "Hello?"})  # fmt: skip
        assert trap.received == []


def test_the_operators_allow_list_opens_a_named_host(
    admin: httpx.Client, chat_resources: Resources
) -> None:
    chat_resources.settings.outbound_allowed_hosts = ["127.0.0.1"]
    saved = admin.patch(
        "/api/workspace",
        json={"settings": {"llm_base_url": "http://127.0.0.1:11434/v1",
                           "livekit_url": "ws://127.0.0.1:7880"}},
    )  # fmt: skip
    assert saved.status_code == 200, saved.text
    # The allow-list names the host as written: another spelling of loopback stays refused.
    _refused(
        admin.patch("/api/workspace", json={"settings": {"llm_base_url": "http://localhost/v1"}})
    )
