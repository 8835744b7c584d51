"""Phone numbers on LiveKit SIP, against LiveKit's own server on loopback: adding a number
makes its inbound trunk and dispatch rule there, removing it removes both, and bad input or
an unreachable LiveKit changes nothing."""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis as redis_lib
from fastapi.testclient import TestClient
from livekit import api

from frontdesk.config import Settings
from frontdesk.db import transaction
from frontdesk.models import PhoneNumber
from frontdesk.resources import Resources
from tests.livekit_server import KEY, SECRET, LiveKitServer, free_port, running_livekit

# A Redis database of LiveKit's own: SIP trunks and rules are kept in Redis.
LIVEKIT_DB = 7
REDIS_URL = os.environ.get("FRONTDESK_TEST_REDIS_URL", "")


@pytest.fixture
def livekit(tmp_path: Path) -> Iterator[LiveKitServer]:
    if not REDIS_URL:
        pytest.skip("FRONTDESK_TEST_REDIS_URL is not set")
    base = REDIS_URL.rsplit("/", 1)[0] if REDIS_URL.count("/") > 2 else REDIS_URL
    # (A database in the URL wins over a `db` argument: the URL names LiveKit's own.)
    redis = redis_lib.Redis.from_url(f"{base}/{LIVEKIT_DB}")
    redis.flushdb()  # no trunks left from an earlier run
    with running_livekit(tmp_path, redis=f"{base}/{LIVEKIT_DB}") as server:
        yield server
    redis.flushdb()


@pytest.fixture
def settings(settings: Settings, livekit: LiveKitServer) -> Settings:
    return settings.model_copy(
        update={"livekit_url": livekit.url, "livekit_api_key": KEY, "livekit_api_secret": SECRET}
    )


def on_server(livekit: LiveKitServer) -> tuple[list, list]:
    """The inbound trunks and dispatch rules LiveKit holds."""

    async def read() -> tuple[list, list]:
        async with api.LiveKitAPI(livekit.http_url, KEY, SECRET) as server:
            trunks = await server.sip.list_inbound_trunk(api.ListSIPInboundTrunkRequest())
            rules = await server.sip.list_dispatch_rule(api.ListSIPDispatchRuleRequest())
        return list(trunks.items), list(rules.items)

    return asyncio.run(read())


def test_a_number_gets_its_trunk_and_rule_and_loses_them_when_removed(
    chat: tuple[TestClient, dict], livekit: LiveKitServer, settings: Settings
) -> None:
    client, agent = chat
    added = client.post(
        f"/api/agents/{agent['id']}/phone-numbers", json={"number": "+1 (555) 010-0000"}
    )
    assert added.status_code == 201, added.text
    number = added.json()
    assert number["number"] == "+15550100000"
    trunks, rules = on_server(livekit)
    assert [(t.sip_trunk_id, list(t.numbers)) for t in trunks] == [
        (number["trunk_id"], ["+15550100000"])
    ]
    (rule,) = rules
    assert rule.sip_dispatch_rule_id == number["dispatch_rule_id"]
    assert list(rule.trunk_ids) == [number["trunk_id"]]
    assert rule.rule.dispatch_rule_individual.room_prefix == "phone-"
    (dispatch,) = rule.room_config.agents
    assert dispatch.agent_name == settings.livekit_agent_name
    assert json.loads(dispatch.metadata)["agent_id"] == agent["id"]
    assert json.loads(dispatch.metadata)["phone_number_id"] == number["id"]
    assert client.get(f"/api/agents/{agent['id']}/phone-numbers").json() == [number]

    # One project routes a number to one agent.
    again = client.post(f"/api/agents/{agent['id']}/phone-numbers", json={"number": "+15550100000"})
    assert again.status_code == 409, again.text
    assert len(on_server(livekit)[0]) == 1

    removed = client.delete(f"/api/agents/{agent['id']}/phone-numbers/{number['id']}")
    assert removed.status_code == 204, removed.text
    assert on_server(livekit) == ([], [])
    assert client.get(f"/api/agents/{agent['id']}/phone-numbers").json() == []
    missing = client.delete(f"/api/agents/{agent['id']}/phone-numbers/{number['id']}")
    assert missing.status_code == 404


def test_a_bad_number_is_refused_in_plain_words(
    chat: tuple[TestClient, dict], livekit: LiveKitServer
) -> None:
    client, agent = chat
    for raw in ("call me maybe", "12"):
        refused = client.post(f"/api/agents/{agent['id']}/phone-numbers", json={"number": raw})
        assert refused.status_code == 422, (raw, refused.text)
    assert on_server(livekit) == ([], [])


def test_an_unreachable_livekit_saves_nothing(
    chat: tuple[TestClient, dict], chat_resources: Resources
) -> None:
    client, agent = chat
    chat_resources.settings = chat_resources.settings.model_copy(
        update={"livekit_url": f"ws://127.0.0.1:{free_port()}"}
    )
    refused = client.post(
        f"/api/agents/{agent['id']}/phone-numbers", json={"number": "+15550100000"}
    )
    assert refused.status_code == 503, refused.text
    assert "nothing was changed" in refused.json()["detail"]
    with transaction(chat_resources.sessionmaker) as db:
        assert db.query(PhoneNumber).count() == 0


def test_without_livekit_the_owner_is_told_what_to_set(
    chat: tuple[TestClient, dict], chat_resources: Resources
) -> None:
    client, agent = chat
    chat_resources.settings = chat_resources.settings.model_copy(update={"livekit_url": ""})
    refused = client.post(
        f"/api/agents/{agent['id']}/phone-numbers", json={"number": "+15550100000"}
    )
    assert refused.status_code == 409
    assert "LiveKit is not configured" in refused.json()["detail"]
