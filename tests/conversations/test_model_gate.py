"""The gate in front of the embedded model: callers' turns preempt background work, which
waits for quiet and starts again; a background caller that gives up stops its request.
The requests here are plain coroutines standing in for HTTP requests to the model (the
real model is driven through the gate in test_embedded_model.py)."""

from __future__ import annotations

import asyncio
import threading

import pytest

from frontdesk.providers.llm.priority import (
    ModelGate,
    as_background,
    background_work,
    in_background,
)

pytestmark = pytest.mark.timeout(30)


class Request:
    """A model request that takes `seconds` and records each attempt and how it ended."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.attempts: list[str] = []
        self.started = asyncio.Event()

    async def __call__(self) -> str:
        self.attempts.append("started")
        self.started.set()
        try:
            await asyncio.sleep(self.seconds)
        except asyncio.CancelledError:
            self.attempts[-1] = "cancelled"
            raise
        self.attempts[-1] = "finished"
        return f"answer after {len(self.attempts)} attempt(s)"


async def _live_turn(gate: ModelGate, seconds: float, log: list[str]) -> None:
    async with gate.live():
        log.append("live started")
        await asyncio.sleep(seconds)
        log.append("live finished")


def test_a_callers_turn_preempts_background_work_which_starts_again_after() -> None:
    async def scenario() -> None:
        gate = ModelGate(quiet_s=0.1)
        request = Request(0.5)
        background = asyncio.create_task(gate.background(request))
        await request.started.wait()
        log: list[str] = []
        await _live_turn(gate, 0.2, log)
        assert request.attempts[0] == "cancelled"  # gave way at once, not after 0.5 s
        assert await background == "answer after 2 attempt(s)"
        assert request.attempts == ["cancelled", "finished"]
        assert gate.preemptions == 1

    asyncio.run(scenario())


def test_background_work_waits_while_a_caller_is_served_and_for_quiet_after() -> None:
    async def scenario() -> None:
        gate = ModelGate(quiet_s=0.3)
        log: list[str] = []
        live = asyncio.create_task(_live_turn(gate, 0.3, log))
        await asyncio.sleep(0.05)
        request = Request(0.01)
        background = asyncio.create_task(gate.background(request))
        await asyncio.sleep(0.4)  # the caller's turn ended 0.1 s ago: still not quiet
        assert log == ["live started", "live finished"]
        assert request.attempts == []
        await background
        assert request.attempts == ["finished"]
        assert gate.preemptions == 0
        await live

    asyncio.run(scenario())


def test_a_background_caller_that_gives_up_stops_its_request_without_a_retry() -> None:
    async def scenario() -> None:
        gate = ModelGate(quiet_s=0.0)
        request = Request(5.0)
        background = asyncio.create_task(gate.background(request))
        await request.started.wait()
        background.cancel()
        with pytest.raises(asyncio.CancelledError):
            await background
        await asyncio.sleep(0.1)
        assert request.attempts == ["cancelled"]

    asyncio.run(scenario())


def test_a_caller_on_another_thread_preempts_work_on_this_loop() -> None:
    """Conversations and job workers run on event loops of their own threads."""

    async def scenario() -> None:
        gate = ModelGate(quiet_s=0.05)
        request = Request(1.0)
        background = asyncio.create_task(gate.background(request))
        await request.started.wait()
        log: list[str] = []
        caller = threading.Thread(target=lambda: asyncio.run(_live_turn(gate, 0.2, log)))
        caller.start()
        await asyncio.sleep(0.1)
        assert request.attempts == ["cancelled"]
        await asyncio.to_thread(caller.join)
        assert await background == "answer after 2 attempt(s)"

    asyncio.run(scenario())


def test_background_work_is_marked_for_everything_it_starts() -> None:
    @as_background
    async def exam() -> list[bool]:
        inner = asyncio.create_task(asyncio.sleep(0, result=in_background()))
        return [in_background(), await inner]

    async def scenario() -> None:
        assert not in_background()
        assert await exam() == [True, True]
        assert not in_background()  # a caller's turn after it is not background work
        with background_work():
            assert in_background()
        assert not in_background()

    asyncio.run(scenario())
