"""Attack: a forged LiveKit dispatch, and long-lived, over-privileged call tokens.

Whoever holds a LiveKit project's API secret can mint a token whose agent dispatch carries
any metadata, and a workspace that brings its own LiveKit project holds its secret. So the
attacker (workspace B, with its own project) forges dispatches naming other conversations:
a typed chat, an ended call, a call in another room, another workspace's call, and A's live
call sent to the worker of B's project. The worker must refuse each job before it touches
the conversation: nothing may be ended, answered or read out by a session it should not run.

The caller's own token, minted over real HTTP for the owner's console and for the public
widget, must only get its holder into the call's room for minutes and only with a
microphone (no camera, no screen share).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from typing import Any

import httpx
import jwt
import pytest
from livekit.agents.testing import fake_job_context
from livekit.api import TokenVerifier

from frontdesk.config import Settings
from frontdesk.db import transaction
from frontdesk.livekit.worker import answer, prepare_call
from frontdesk.models import Agent, Conversation, ConversationTurn
from frontdesk.resources import Resources
from tests.factories import PASSWORD, make_owner, make_receptionist
from tests.live_server import serving
from tests.livekit_calls.webhook_signing import KEY, SECRET
from tests.security.live_widget import live_widget, open_session

pytestmark = pytest.mark.timeout(240)

PROJECT_URL = "wss://frontdesk-test.livekit.cloud"
B_URL, B_KEY = "wss://cedar.livekit.cloud", "APIcedarown"
B_SECRET = "cedar-own-livekit-secret-long-enough-for-hs256-0000"
MAX_TTL_S = 15 * 60


@pytest.fixture
def settings(settings: Settings) -> Settings:
    # The deployment's LiveKit project: the one `frontdesk agent-worker` registers with. The
    # workspace's own project is a name with no DNS here, so the operator allows it by name.
    return settings.model_copy(
        update={
            "livekit_url": PROJECT_URL,
            "livekit_api_key": KEY,
            "livekit_api_secret": SECRET,
            "outbound_allowed_hosts": ["cedar.livekit.cloud"],
        }
    )


def _short_and_microphone_only(token: str, key: str, secret: str) -> None:
    claims = TokenVerifier(key, secret).verify(token)
    assert claims.video is not None and claims.video.room_join
    raw = jwt.decode(token, options={"verify_signature": False})
    assert raw["exp"] - raw["nbf"] <= MAX_TTL_S, raw
    assert raw["video"]["canPublishSources"] == ["microphone"], raw["video"]


def _metadata(token: str, key: str, secret: str) -> dict[str, Any]:
    claims = TokenVerifier(key, secret).verify(token)
    assert claims.room_config is not None
    return json.loads(claims.room_config.agents[0].metadata)


def _workspace_of(resources: Resources, agent_id: str) -> str:
    with transaction(resources.sessionmaker) as db:
        agent = db.get(Agent, agent_id)
        assert agent is not None
        return agent.workspace_id


def _state(resources: Resources, conversation_id: str) -> tuple[Any, ...]:
    with transaction(resources.sessionmaker) as db:
        row = db.get(Conversation, conversation_id)
        assert row is not None
        turns = db.query(ConversationTurn).filter_by(conversation_id=conversation_id).count()
        return row.status, row.end_reason, row.connected_at, turns


def _job(resources: Resources, metadata: dict[str, Any], room: str) -> bool:
    """Run the worker's entry logic on a dispatched job in `room`; whether it joined."""

    async def run() -> bool:
        with fake_job_context(job_metadata=json.dumps(metadata)) as ctx:
            ctx.job.room.name = room  # the room LiveKit put the job in
            # A job that fails is judged by what it changed, below.
            with contextlib.suppress(Exception):
                await answer(ctx, resources)
            return ctx.room.isconnected()

    return asyncio.run(run())


def test_forged_dispatches_are_refused_and_tokens_are_short(
    chat_resources: Resources, caplog: pytest.LogCaptureFixture
) -> None:
    with serving(chat_resources) as base, live_widget(chat_resources, base) as widget:
        owner_a, agent_a = widget.owner, widget.agent
        # The tokens a caller gets: the owner's console call and the public widget's call.
        live = owner_a.post(f"/api/agents/{agent_a['id']}/calls")
        assert live.status_code == 201, live.text
        live_call = live.json()
        _short_and_microphone_only(live_call["token"], KEY, SECRET)
        with widget.caller() as visitor:
            session = open_session(visitor, widget.key, "voice")
            assert session.status_code == 201, session.text
            assert session.json()["call"]["transport"] == "livekit"
            _short_and_microphone_only(session.json()["call"]["token"], KEY, SECRET)

        text = owner_a.post(f"/api/agents/{agent_a['id']}/conversations").json()["id"]
        ended = owner_a.post(f"/api/agents/{agent_a['id']}/calls").json()["conversation_id"]
        assert owner_a.post(f"/api/conversations/{ended}/end").status_code == 204

        # Workspace B, the attacker, brings its own LiveKit project and holds its secret.
        _, user_b = make_owner(chat_resources, workspace_name="Cedar Dental")
        with httpx.Client(base_url=base, timeout=60) as owner_b:
            login = owner_b.post(
                "/api/auth/login", json={"email": user_b.email, "password": PASSWORD}
            )
            assert login.status_code == 200, login.text
            own = {"livekit_url": B_URL, "livekit_api_key": B_KEY, "livekit_api_secret": B_SECRET}
            assert owner_b.patch("/api/workspace", json={"settings": own}).status_code == 200
            agent_b = make_receptionist(owner_b, name="Cedar Dental")
            b_call = owner_b.post(f"/api/agents/{agent_b['id']}/calls").json()
            _short_and_microphone_only(b_call["token"], B_KEY, B_SECRET)

    a = {"agent_id": agent_a["id"], "workspace_id": _workspace_of(chat_resources, agent_a["id"])}
    b = {"agent_id": agent_b["id"], "workspace_id": _workspace_of(chat_resources, agent_b["id"])}
    genuine = _metadata(live_call["token"], KEY, SECRET)
    assert genuine["conversation_id"] == live_call["conversation_id"]

    def forged(conversation_id: str, claims: dict[str, str]) -> dict[str, str]:
        return {**claims, "conversation_id": conversation_id}

    def room(conversation_id: str) -> str:
        return f"call-{conversation_id}"

    live_id, b_id = live_call["conversation_id"], b_call["conversation_id"]
    attempts = [
        ("a typed chat", forged(text, a), room(text), text, "is not a LiveKit call"),
        ("an ended call", forged(ended, a), room(ended), ended, "has already ended"),
        ("a live call, from another room", forged(live_id, a), "call-elsewhere", live_id,
         "is not the room"),
        ("B's call, claimed as A's", forged(b_id, a), room(b_id), b_id, "no conversation"),
        ("B's call, sent to A's project", forged(b_id, b), room(b_id), b_id,
         "a call of another LiveKit project"),
    ]  # fmt: skip
    # This worker has no speech models: a job it wrongly accepted would fail on them and end
    # the conversation it was given, which the checks below would see.
    chat_resources.speech = None
    for what, metadata, job_room, target, reason in attempts:
        before = _state(chat_resources, target)
        caplog.clear()
        with caplog.at_level(logging.WARNING, logger="frontdesk.livekit.worker"):
            joined = _job(chat_resources, metadata, job_room)
        assert joined is False, what
        assert "refused LiveKit job" in caplog.text and reason in caplog.text, (what, caplog.text)
        assert _state(chat_resources, target) == before, f"{what}: the conversation changed"

    # The worker of B's project: A's live call, with A's true agent, workspace and room.
    project_a = chat_resources.settings
    chat_resources.settings = project_a.model_copy(
        update={"livekit_url": B_URL, "livekit_api_key": B_KEY, "livekit_api_secret": B_SECRET}
    )
    before = _state(chat_resources, live_id)
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="frontdesk.livekit.worker"):
        assert _job(chat_resources, genuine, room(live_id)) is False
    assert "a call of another LiveKit project" in caplog.text, caplog.text
    assert _state(chat_resources, live_id) == before

    # The genuine dispatch, on the worker of A's project, is still answered (a Realtime
    # model here: it needs no speech models and connects only once the call starts).
    chat_resources.settings = project_a.model_copy(
        update={"voice_realtime": True, "openai_api_key": "sk-test-not-used"}
    )

    async def accepted() -> str:
        call = await prepare_call(chat_resources, json.dumps(genuine), room=room(live_id))
        return call.conversation_id

    assert asyncio.run(accepted()) == live_id
