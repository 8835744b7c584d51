"""A whole LiveKit deployment on loopback for one test: the Frontdesk server under uvicorn,
LiveKit's own server sending its signed webhooks to it, and `frontdesk agent-worker`'s
server registered with LiveKit (in a thread of the test process, so the test can hand it the
scripted model and the real speech models the Frontdesk server has). The fixtures are
imported by the test modules that use them: as a conftest they would move every LiveKit
test onto a real server."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import httpx
import pytest
from livekit.agents import AgentServer

from frontdesk.config import Settings
from frontdesk.db import transaction
from frontdesk.livekit.worker_server import build_server
from frontdesk.models import Conversation
from frontdesk.providers.speech import SpeechModels
from frontdesk.resources import Resources
from tests.factories import PASSWORD, make_owner, make_receptionist, price_rabies
from tests.fake_llm import ScriptedStructuredModel
from tests.live_server import serving
from tests.livekit_calls.room_caller import RoomCaller
from tests.livekit_server import KEY, SECRET, LiveKitServer, free_port, running_livekit

REGISTER_TIMEOUT_S = 60.0


ANALYSIS = {
    "summary": "The caller asked the price of a rabies vaccination and booked a visit.",
    "unanswered": [],
    "caller_name": "Ann Lee",
    "caller_phone": None,
    "caller_email": None,
}


@pytest.fixture(name="database_url")
def database_url_fixture(tmp_path: Path) -> str:
    """SQLite only: every backend is covered by the tests without a room; a call through a
    real server is among the slowest tests there are."""
    return f"sqlite:///{tmp_path / 'frontdesk.db'}"


@pytest.fixture(name="livekit_port")
def livekit_port_fixture() -> int:
    return free_port()


@pytest.fixture(name="settings")
def settings_fixture(settings: Settings, livekit_port: int) -> Settings:
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
        return self._row(conversation_id).answered_at

    def answered_by(self, conversation_id: str) -> str | None:
        """The LiveKit worker id of the worker that took the call."""
        return self._row(conversation_id).answered_by

    def _row(self, conversation_id: str) -> Conversation:
        with transaction(self.resources.sessionmaker) as db:
            row = db.get(Conversation, conversation_id)
            assert row is not None
            db.expunge(row)
            return row


@pytest.fixture(name="deployment")
def deployment_fixture(
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


@pytest.fixture(name="line")
def line_fixture(deployment: Deployment, chat_resources: Resources) -> Iterator[Deployment]:
    """The deployment with `frontdesk agent-worker` registered under the tokens' agent name."""
    with agent_worker(chat_resources):
        yield deployment


def joined(body: dict, seconds: float, *, until: Callable[[RoomCaller], bool] | None = None):  # type: ignore[no-untyped-def]
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


@dataclass
class WorkerThread:
    """One registered agent worker, and the loop it runs on."""

    server: AgentServer
    loop: asyncio.AbstractEventLoop
    thread: threading.Thread
    worker_id: str

    def stop(self) -> None:
        """Leave LiveKit as `frontdesk agent-worker` does on SIGTERM: calls in progress end."""
        if self.thread.is_alive():
            closing = asyncio.run_coroutine_threadsafe(self.server.aclose(), self.loop)
            closing.result(timeout=60)
        self.thread.join(timeout=60)


@contextmanager
def livekit_line(
    resources: Resources, frontdesk_url: str, port: int, tmp_path: Path
) -> Iterator[LiveKitServer]:
    """LiveKit's server on `port`, its webhooks pointed at the Frontdesk server at
    `frontdesk_url`, and an agent worker registered with it."""
    webhook = f"{frontdesk_url}/api/livekit/webhook"
    with running_livekit(tmp_path, webhook, port=port) as livekit, agent_worker(resources):
        yield livekit


@contextmanager
def agent_worker(resources: Resources) -> Iterator[WorkerThread]:
    """`frontdesk agent-worker`'s server (`build_server`), registered with the LiveKit server
    the settings name, for the duration of the block."""
    loop = asyncio.new_event_loop()
    registered = threading.Event()
    worker_ids: list[str] = []
    failure: list[BaseException] = []
    server = build_server(resources, port=0)

    def on_registered(worker_id: str, server_info: object) -> None:
        worker_ids.append(worker_id)
        registered.set()

    server.on("worker_registered", on_registered)

    def run() -> None:
        asyncio.set_event_loop(loop)
        try:
            loop.run_until_complete(server.run(devmode=False))
        except BaseException as exc:  # reported to the test below, not lost in the thread
            failure.append(exc)
            registered.set()
        finally:
            loop.close()

    thread = threading.Thread(target=run, name="agent-worker", daemon=True)
    thread.start()
    if not registered.wait(REGISTER_TIMEOUT_S) or failure:
        raise AssertionError(f"the agent worker did not register with LiveKit: {failure}")
    worker = WorkerThread(server, loop, thread, worker_ids[0])
    try:
        yield worker
    finally:
        worker.stop()
