"""Rate limits per API key: the request after the limit is a 429 in the one error shape with
Retry-After and X-RateLimit-* headers, naming the limit; it counts nowhere and does nothing.
Other keys and signed-in owners are not affected. With Redis, two `frontdesk serve`
processes count one key's requests together."""

from __future__ import annotations

import os
import signal
import subprocess
import time
import uuid
from pathlib import Path

import httpx
import pytest
import redis
from fastapi.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from frontdesk.config import Settings
from frontdesk.workspace.api_key_limits import ApiKeyLimits
from tests.factories import make_signed_in_client
from tests.fake_llm import Say, ScriptedLLM
from tests.knowledge.test_resume import PASSWORD, _client, _free_port, _start

REDIS_URL = os.environ.get("FRONTDESK_TEST_REDIS_URL", "")


def _limits(client: TestClient, **limits: str) -> None:
    """The app's limiter, rebuilt with tighter limits (the lifespan built the default one)."""
    app = client.app
    settings = app.state.resources.settings.model_copy(update=limits)  # type: ignore[attr-defined]
    app.state.api_key_limits = ApiKeyLimits(settings)  # type: ignore[attr-defined]


def _new_key(owner: TestClient, name: str = "zapier") -> dict[str, str]:
    created = owner.post("/api/api-keys", json={"name": name})
    assert created.status_code == 201, created.text
    return {"Authorization": f"Bearer {created.json()['key']}"}


def _counted(response: httpx.Response, *, limit: int, remaining: int) -> None:
    assert response.status_code < 400, response.text
    assert response.headers["x-ratelimit-limit"] == str(limit)
    assert response.headers["x-ratelimit-remaining"] == str(remaining)
    reset = int(response.headers["x-ratelimit-reset"])
    assert time.time() - 1 <= reset <= time.time() + 61  # within the minute window


def _too_many(response: httpx.Response, *, limit: int) -> str:
    assert response.status_code == 429, response.text
    assert response.json()["error"] == "TooManyRequests"
    wait = int(response.headers["retry-after"])
    assert 1 <= wait <= 60
    assert response.headers["x-ratelimit-limit"] == str(limit)
    assert response.headers["x-ratelimit-remaining"] == "0"
    assert int(response.headers["x-ratelimit-reset"]) >= time.time()
    detail = response.json()["detail"]
    assert detail.endswith(f"try again in {wait} second{'s' if wait != 1 else ''}.")
    return detail


def test_requests_per_key(app_client: TestClient, resources) -> None:  # type: ignore[no-untyped-def]
    owner, _ = make_signed_in_client(app_client, resources)
    first, second = _new_key(owner, "first"), _new_key(owner, "second")
    _limits(app_client, api_key_requests="3/minute;100/hour")

    # The minute window is the tightest: the headers count down from it.
    for remaining in (2, 1, 0):
        _counted(app_client.get("/api/agents", headers=first), limit=3, remaining=remaining)
    detail = _too_many(app_client.get("/api/agents", headers=first), limit=3)
    assert detail.startswith("This API key made 3 requests in the last minute, its limit;")
    # X-API-Key is the same key, counted the same.
    key = first["Authorization"].removeprefix("Bearer ")
    _too_many(app_client.get("/api/auth/me", headers={"X-API-Key": key}), limit=3)

    _counted(app_client.get("/api/agents", headers=second), limit=3, remaining=2)
    # The signed-in owner is not limited by any key's count, and not told about it.
    for _ in range(5):
        mine = owner.get("/api/agents")
        assert mine.status_code == 200 and "x-ratelimit-limit" not in mine.headers
    # A key that is not valid is a 401, and no rate limit answers for it.
    wrong = app_client.get("/api/agents", headers={"Authorization": "Bearer fdk_nope"})
    assert wrong.status_code == 401 and "x-ratelimit-limit" not in wrong.headers


def test_a_refused_request_does_nothing(app_client: TestClient, resources) -> None:  # type: ignore[no-untyped-def]
    owner, _ = make_signed_in_client(app_client, resources)
    key = _new_key(owner)
    _limits(app_client, api_key_requests="2/minute")
    assert app_client.post("/api/api-keys", json={"name": "made"}, headers=key).status_code == 201
    before = {k["name"]: k for k in owner.get("/api/api-keys").json()}
    assert set(before) == {"zapier", "made"} and before["zapier"]["last_used_at"]

    _counted(app_client.get("/api/agents", headers=key), limit=2, remaining=0)
    used = {k["name"]: k["last_used_at"] for k in owner.get("/api/api-keys").json()}
    _too_many(app_client.post("/api/api-keys", json={"name": "refused"}, headers=key), limit=2)
    # No key was made, and even the key's last use was not written.
    after = {k["name"]: k["last_used_at"] for k in owner.get("/api/api-keys").json()}
    assert after == used


def test_conversations_and_messages_per_key(
    chat: tuple[TestClient, dict], fake_llm: ScriptedLLM
) -> None:
    owner, agent = chat
    key = _new_key(owner)
    _limits(owner, api_key_requests="5/minute", api_key_conversations="2/minute")
    fake_llm.script(Say("We open at nine."), Say("Not said."))

    started = owner.post(f"/api/agents/{agent['id']}/conversations", headers=key)
    assert started.status_code == 201, started.text
    conversation = started.json()["id"]
    said = owner.post(
        f"/api/conversations/{conversation}/messages",
        json={"text": "When do you open?"},
        headers=key,
    )
    # Two of the two answers in the conversations window are spent: it is the tightest.
    _counted(said, limit=2, remaining=0)
    refused = owner.post(
        f"/api/conversations/{conversation}/messages", json={"text": "And Sunday?"}, headers=key
    )
    detail = _too_many(refused, limit=2)
    assert detail.startswith(
        "This API key made an agent answer 2 times in the last minute (new conversations, "
        "calls and messages), its limit;"
    )
    assert _too_many(owner.post(f"/api/agents/{agent['id']}/calls", headers=key), limit=2)

    # The refusals said nothing to the agent and used none of the 5 requests: reading the
    # transcript is the 3rd and 4th, and shows only the first message and its answer.
    transcript = owner.get(f"/api/conversations/{conversation}", headers=key)
    _counted(transcript, limit=5, remaining=2)
    texts = [t["text"] for t in transcript.json()["turns"]]
    assert "And Sunday?" not in texts and "Not said." not in texts
    assert texts[-2:] == ["When do you open?", "We open at nine."]
    # The owner in the dashboard keeps talking.
    assert (
        owner.post(
            f"/api/conversations/{conversation}/messages", json={"text": "Thanks"}
        ).status_code
        == 200
    )


@pytest.mark.redis
@pytest.mark.skipif(not REDIS_URL, reason="FRONTDESK_TEST_REDIS_URL is not set")
def test_two_serve_processes_share_a_key_count(tmp_path: Path, database_url: str) -> None:
    queue_name = f"frontdesk-test-{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "FRONTDESK_DATABASE_URL": database_url,
        "FRONTDESK_QUEUE_URL": REDIS_URL,
        "FRONTDESK_QUEUE_NAME": queue_name,
        "FRONTDESK_OWNER_PASSWORD": PASSWORD,
        "FRONTDESK_EMBEDDED_WORKERS": "0",
        "FRONTDESK_EMBEDDED_LLM": "false",
        "FRONTDESK_API_KEY_REQUESTS": "4/minute",
    }
    servers: list[subprocess.Popen] = []
    try:
        clients = []
        # One after the other: the first creates the owner from the environment.
        for name in ("first", "second"):
            port, log = _free_port(), tmp_path / f"{name}.log"
            data_dir = str(tmp_path / name)  # Chroma files are per process; the database is not
            servers.append(_start({**env, "FRONTDESK_DATA_DIR": data_dir}, port, log))
            clients.append(_client(port, log))
        first, second = clients
        created = first.post("/api/api-keys", json={"name": "shared"})
        assert created.status_code == 201, created.text
        key = {"X-API-Key": created.json()["key"]}

        # Split across both processes, the key's requests count as one.
        for remaining, server in zip((3, 2, 1, 0), (first, second, first, second), strict=True):
            _counted(server.get("/api/agents", headers=key), limit=4, remaining=remaining)
        for server in (first, second):
            detail = _too_many(server.get("/api/agents", headers=key), limit=4)
            assert detail.startswith("This API key made 4 requests in the last minute")
        # The owner's session is not limited in either process.
        assert second.get("/api/agents").status_code == 200
    finally:
        for server in servers:
            server.send_signal(signal.SIGTERM)
        for server in servers:
            server.wait(timeout=30)
        store = redis.Redis.from_url(REDIS_URL)
        for name in store.scan_iter(f"{queue_name}:*"):
            store.delete(name)
        store.close()


def test_limits_are_validated_when_read() -> None:
    with pytest.raises(ValueError, match="not a rate limit"):
        Settings(api_key_requests="lots")
    assert Settings(api_key_conversations="10/minute;200/day").api_key_conversations


def test_a_call_socket_is_a_request_of_the_key(app_client: TestClient, resources) -> None:  # type: ignore[no-untyped-def]
    owner, _ = make_signed_in_client(app_client, resources)
    key = _new_key(owner)
    _limits(app_client, api_key_requests="1/minute")
    _counted(app_client.get("/api/agents", headers=key), limit=1, remaining=0)
    # Refused before the socket is accepted, with the limit in the close reason.
    with (
        pytest.raises(WebSocketDisconnect) as closed,
        app_client.websocket_connect("/api/agents/any/calls/ws", headers=key),
    ):
        pass
    assert closed.value.code == 4429
    assert closed.value.reason.startswith("This API key made 1 request in the last minute")
