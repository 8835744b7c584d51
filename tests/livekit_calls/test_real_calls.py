"""Calls through LiveKit's own server on loopback, answered by the agent worker it dispatched.

The caller is the `livekit` SDK in a real room, speaking Piper-made sentences into a
microphone track in real time; the worker is `frontdesk agent-worker`'s server with the real
speech models and a scripted LLM; LiveKit's signed webhooks reach the Frontdesk server under
uvicorn. Nothing between the caller and the database is a stand-in.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from livekit import api as lk_api

from frontdesk.config import Settings
from frontdesk.db import transaction
from frontdesk.livekit.unanswered import unanswered_reason
from frontdesk.livekit.worker import CALL_OVER
from frontdesk.models import Appointment, Conversation
from frontdesk.providers.speech import SpeechModels
from frontdesk.resources import Resources
from tests.factories import PASSWORD, make_owner, make_receptionist, price_rabies
from tests.fake_llm import Call, Say, ScriptedLLM, ScriptedStructuredModel, last_tool_output
from tests.live_server import serving
from tests.livekit_calls.real_room import agent_worker
from tests.livekit_calls.room_caller import RoomCaller
from tests.livekit_server import KEY, SECRET, LiveKitServer, free_port, running_livekit

# The voice tests' real speech models and caller audio (imported, so they are defined once).
from tests.voice.conftest import caller_voice, speech_models  # noqa: F401

# `make test` builds the server first; run alone on a fresh machine, the first test here
# builds it (the module download and compile take minutes), within this longer limit.
pytestmark = pytest.mark.timeout(1800)

ANSWER = "A rabies vaccination is thirty two dollars."
ANALYSIS = {
    "summary": "The caller asked the price of a rabies vaccination and booked a visit.",
    "unanswered": [],
    "caller_name": "Ann Lee",
    "caller_phone": None,
    "caller_email": None,
}


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    """SQLite only: every backend is covered by the tests without a room; a call through a
    real server is among the slowest tests there are."""
    return f"sqlite:///{tmp_path / 'frontdesk.db'}"


@pytest.fixture
def livekit_port() -> int:
    return free_port()


@pytest.fixture
def settings(settings: Settings, livekit_port: int) -> Settings:
    return settings.model_copy(
        update={
            "livekit_url": f"ws://127.0.0.1:{livekit_port}",
            "livekit_api_key": KEY,
            "livekit_api_secret": SECRET,
        }
    )


@dataclass
class Deployment:
    """The Frontdesk server (an owner signed in, an agent made) and LiveKit's server."""

    api: httpx.Client
    agent: dict
    livekit: LiveKitServer
    resources: Resources
    analysis: ScriptedStructuredModel

    def start_call(self) -> dict:
        started = self.api.post(f"/api/agents/{self.agent['id']}/calls")
        assert started.status_code == 201, started.text
        body = started.json()
        assert body["transport"] == "livekit" and body["url"] == self.livekit.url
        return body

    def conversation(self, conversation_id: str) -> dict:
        return self.api.get(f"/api/conversations/{conversation_id}").json()

    def wait_for(
        self, conversation_id: str, wanted: Callable[[dict], bool], limit_s: float = 60
    ) -> dict:
        deadline = time.monotonic() + limit_s
        while not wanted(row := self.conversation(conversation_id)):
            assert time.monotonic() < deadline, f"timed out; the conversation is {row}"
            time.sleep(0.2)
        return row

    def answered_at(self, conversation_id: str) -> datetime | None:
        with transaction(self.resources.sessionmaker) as db:
            row = db.get(Conversation, conversation_id)
            assert row is not None
            return row.answered_at


@pytest.fixture
def deployment(
    chat_resources: Resources,
    speech_models: SpeechModels,  # noqa: F811
    livekit_port: int,
    tmp_path: Path,
) -> Iterator[Deployment]:
    chat_resources.speech = lambda: speech_models
    analysis = ScriptedStructuredModel([ANALYSIS])
    chat_resources.structured_factory = lambda: analysis
    _, owner = make_owner(chat_resources)
    with (
        serving(chat_resources) as url,
        running_livekit(tmp_path, f"{url}/api/livekit/webhook", port=livekit_port) as livekit,
        httpx.Client(base_url=url, timeout=60) as api,
    ):
        login = api.post("/api/auth/login", json={"email": owner.email, "password": PASSWORD})
        assert login.status_code == 200, login.text
        agent = make_receptionist(api)
        price_rabies(api, agent)  # what the scripted answer states
        yield Deployment(api, agent, livekit, chat_resources, analysis)


@pytest.fixture
def line(deployment: Deployment, chat_resources: Resources) -> Iterator[Deployment]:
    """The deployment with `frontdesk agent-worker` registered under the tokens' agent name."""
    with agent_worker(chat_resources):
        yield deployment


def test_a_call_is_answered_by_the_dispatched_worker_and_stored(  # type: ignore[no-untyped-def]
    line: Deployment,
    fake_llm: ScriptedLLM,
    chat_resources: Resources,
    caller_voice,  # noqa: F811
) -> None:
    fake_llm.script(
        Say(ANSWER),
        Call("book_appointment", {"day": "tomorrow", "time": "10am", "name": "Ann Lee",
                                  "phone": "555-014-2398"}),
        lambda ctx: Say(last_tool_output(ctx)),
    )  # fmt: skip
    body = line.start_call()
    conversation_id = body["conversation_id"]

    async def call() -> tuple[RoomCaller, float]:
        caller = RoomCaller()
        await caller.join(body["url"], body["token"])
        # LiveKit dispatched the worker when the caller joined: it greets, aloud and captioned.
        await caller.until(lambda: len(caller.agent_captions()) >= 1)
        await caller.until(lambda: bool(caller.agent_audio))
        asked = await caller.say(caller_voice("How much is a rabies vaccination?"))
        await caller.until(lambda: len(caller.agent_captions()) >= 2)
        heard = caller.audio_after(asked)
        assert heard is not None, "the answer was captioned but never heard"
        await caller.say(
            caller_voice("Book me for tomorrow at ten. I am Ann Lee, five five five, zero one "
                         "four, two three nine eight.")
        )  # fmt: skip
        await caller.until(lambda: len(caller.agent_captions()) >= 3)
        await caller.leave()  # the caller hangs up
        return caller, heard - asked

    caller, answer_s = asyncio.run(call())
    greeting, answer, booked = caller.agent_captions()[:3]
    assert greeting.startswith("Juniper Vet, Maya speaking")
    assert answer == ANSWER
    assert booked.startswith("Booked"), booked
    assert any("rabies" in text.lower() for text in caller.caller_captions())
    # End of the caller's speech to the agent's first audio, heard at the caller.
    assert 0 < answer_s < 30

    # The caller left: LiveKit's signed webhook ends the call; the worker's ending (once every
    # turn is stored) changes nothing, and the analysis ran once.
    row = line.wait_for(conversation_id, lambda c: c["analyzed_at"] is not None)
    assert row["channel"] == "livekit" and row["status"] == "ended"
    assert row["end_reason"] == "The caller left the LiveKit room"
    assert row["outcome"] == "booked"
    roles = [t["role"] for t in row["turns"]]
    assert roles == ["agent", "caller", "agent", "caller", "agent"], row["turns"]
    assert "rabies" in row["turns"][1]["text"].lower()
    assert row["turns"][2]["text"] == ANSWER
    assert row["turns"][2]["timings"]["end_of_speech_to_audio_ms"] > 0
    assert row["turns"][4]["tool_calls"][0]["name"] == "book_appointment"
    with transaction(chat_resources.sessionmaker) as db:
        stored = db.query(Appointment).filter_by(agent_id=line.agent["id"]).one()
        assert stored.customer_name == "Ann Lee"
        assert stored.conversation_id == conversation_id
    time.sleep(2)  # a second ending, had there been one, would have queued a second analysis
    assert len(line.analysis.prompts) == 1


def _joined(body: dict, seconds: float, *, until: Callable[[RoomCaller], bool] | None = None):  # type: ignore[no-untyped-def]
    """Join the call's room as the caller and stay `seconds` (or until `until` holds)."""

    async def stay() -> RoomCaller:
        caller = RoomCaller()
        await caller.join(body["url"], body["token"])
        try:
            if until is None:
                await asyncio.sleep(seconds)
            else:
                await caller.until(lambda: until(caller), limit_s=seconds)
        finally:
            if not caller.left:
                await caller.leave()
        return caller

    return asyncio.run(stay())


def test_a_caller_of_an_ended_call_is_told_so_and_the_room_closes(line: Deployment) -> None:
    body = line.start_call()
    assert line.api.post(f"/api/conversations/{body['conversation_id']}/end").status_code == 204
    # The caller joins with the token they were given (a reconnect after the call ended).
    caller = _joined(body, 60, until=lambda c: c.left)
    assert caller.agent_captions() == [CALL_OVER]
    assert caller.agent_audio, "the apology was captioned but not heard"
    assert line.conversation(body["conversation_id"])["end_reason"] != CALL_OVER


def test_a_dispatch_into_another_room_is_turned_down_before_joining(
    line: Deployment, caplog: pytest.LogCaptureFixture
) -> None:
    real = line.start_call()
    # Someone holding the project's secret forges a token for a room of their own whose
    # dispatch names the real call.
    claims = lk_api.TokenVerifier(KEY, SECRET).verify(real["token"])
    assert claims.room_config is not None
    forged = (
        lk_api.AccessToken(KEY, SECRET)
        .with_identity("caller-elsewhere")
        .with_grants(lk_api.VideoGrants(room_join=True, room="call-elsewhere"))
        .with_room_config(claims.room_config)
        .to_jwt()
    )
    with caplog.at_level(logging.WARNING, logger="frontdesk.livekit.worker"):
        elsewhere = _joined({"url": real["url"], "token": forged}, 8)
    assert "turned down LiveKit job" in caplog.text and "call-elsewhere" in caplog.text
    assert elsewhere.others() == [] and elsewhere.captions == []
    assert line.answered_at(real["conversation_id"]) is None
    assert line.conversation(real["conversation_id"])["status"] == "active"
    # The worker still answers the real call.
    caller = _joined(real, 60, until=lambda c: bool(c.agent_captions()))
    assert caller.agent_captions()[0].startswith("Juniper Vet, Maya speaking")
    assert line.answered_at(real["conversation_id"]) is not None


def test_a_call_no_worker_takes_is_ended_after_the_timeout(
    deployment: Deployment, chat_resources: Resources
) -> None:
    # A worker is registered, under another business's agent name: no dispatch reaches it.
    other = replace(
        chat_resources,
        settings=chat_resources.settings.model_copy(update={"livekit_agent_name": "another"}),
    )
    with agent_worker(other):
        body = deployment.start_call()
        conversation_id = body["conversation_id"]

        async def wait_unanswered() -> RoomCaller:
            caller = RoomCaller()
            await caller.join(body["url"], body["token"])
            await asyncio.sleep(8)
            assert caller.others() == [], "a worker joined a call not dispatched to it"
            # The queue's minute sweep, as it runs once the timeout has passed.
            timeout = chat_resources.settings.livekit_answer_timeout_s
            later = datetime.now(UTC) + timedelta(seconds=timeout + 1)
            assert chat_resources.queue.unanswered is not None
            ended = await asyncio.to_thread(chat_resources.queue.unanswered.run, later)
            assert ended == 1
            await caller.until(lambda: caller.left, limit_s=30)  # the room closed on them
            return caller

        asyncio.run(wait_unanswered())
    row = deployment.wait_for(conversation_id, lambda c: c["status"] == "ended")
    assert row["end_reason"] == unanswered_reason(chat_resources.settings.livekit_answer_timeout_s)
    assert row["turns"] == []
