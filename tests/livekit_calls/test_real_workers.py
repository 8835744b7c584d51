"""Two `frontdesk agent-worker` processes registered with LiveKit's own server under one agent
name: calls spread over both, and when one is killed mid-call the next call goes to the
other. The workers are the real command in subprocesses (killed with SIGKILL: nothing runs
on the way out), on the test's database, with the embedded model and local speech."""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from frontdesk.config import Settings
from tests.livekit_calls.real_room import (  # noqa: F401 (the fixtures)
    Deployment,
    database_url_fixture,
    deployment_fixture,
    livekit_port_fixture,
    settings_fixture,
)
from tests.livekit_calls.room_caller import RoomCaller
from tests.livekit_server import KEY, SECRET
from tests.reliability.processes import Process

# The voice tests' real speech models (imported, so they are defined once).
from tests.voice.conftest import speech_models  # noqa: F401

pytestmark = pytest.mark.timeout(1800)

# What livekit-agents logs when a full worker reports itself free again.
AVAILABLE = "marking as available"
REGISTERED = re.compile(r"registered with LiveKit as worker (\S+),")
# A worker loads the speech models and prepares the embedded model before registering.
REGISTER_LIMIT_S = 240.0


def _registered(worker: Process) -> str:
    """The LiveKit worker id `worker` registered as, once it has."""
    deadline = time.monotonic() + REGISTER_LIMIT_S
    while (found := REGISTERED.search(worker.log.read_text(errors="replace"))) is None:
        if worker.popen.poll() is not None:
            raise AssertionError(f"the agent worker exited: {worker.tail()}")
        if time.monotonic() > deadline:
            raise AssertionError(f"the agent worker did not register: {worker.tail()}")
        time.sleep(0.5)
    return found.group(1)


@pytest.fixture
def workers(deployment: Deployment, settings: Settings, tmp_path: Path) -> Iterator[list[Process]]:
    env = {
        "FRONTDESK_DATA_DIR": str(settings.data_dir),
        "FRONTDESK_DATABASE_URL": settings.database_url,
        "FRONTDESK_LOG_LEVEL": "INFO",
        "LIVEKIT_URL": deployment.livekit.url,
        "LIVEKIT_API_KEY": KEY,
        "LIVEKIT_API_SECRET": SECRET,
        # One call each: a worker on a call is full, so LiveKit must send the next call to
        # the other one (with room to spare, it may pick either).
        "FRONTDESK_LIVEKIT_MAX_CALLS": "1",
    }
    started = [
        Process(["agent-worker", "--port", "0"], env, tmp_path / f"worker-{n}.log") for n in (1, 2)
    ]
    try:
        yield started
    finally:
        for worker in started:
            worker.stop()


def test_calls_spread_over_two_workers_and_one_killed_leaves_the_other(  # type: ignore[no-untyped-def]
    deployment: Deployment, workers: list[Process]
) -> None:
    ids = [_registered(worker) for worker in workers]
    first, second = deployment.start_call(), deployment.start_call()

    async def greeted(body: dict) -> RoomCaller:
        caller = RoomCaller()
        await caller.join(body["url"], body["token"])
        await caller.until(lambda: bool(caller.agent_captions()), limit_s=120)
        return caller

    async def two_calls() -> str:
        one = await greeted(first)
        two = await greeted(second)  # while the first call is still going
        answered = [deployment.answered_by(c["conversation_id"]) for c in (first, second)]
        assert set(answered) == set(ids), "both calls went to one worker"
        # The first call's worker dies mid-call.
        workers[ids.index(answered[0])].kill9()
        # The second call ends; its worker tells LiveKit it is free again (LiveKit offers a
        # call only to a free worker, once, when the caller joins).
        survivor = workers[ids.index(answered[1])]
        freed = survivor.log.read_text().count(AVAILABLE)
        await two.leave()
        deadline = time.monotonic() + 60
        while survivor.log.read_text().count(AVAILABLE) == freed:
            assert time.monotonic() < deadline, survivor.tail()
            await asyncio.sleep(0.2)
        await one.leave()
        return answered[1]

    survivor = asyncio.run(two_calls())

    third = deployment.start_call()

    async def after_the_kill() -> RoomCaller:
        caller = await greeted(third)
        await caller.leave()
        return caller

    caller = asyncio.run(after_the_kill())
    assert caller.agent_captions()[0].startswith("Juniper Vet, Maya speaking")
    assert deployment.answered_by(third["conversation_id"]) == survivor
    # Every call ends once its caller has left, the killed worker's included.
    for call in (first, second, third):
        row = deployment.wait_for(call["conversation_id"], lambda c: c["status"] == "ended")
        assert row["turns"][0]["role"] == "agent", row
