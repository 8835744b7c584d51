"""Callers first on the embedded model.

The embedded llama.cpp server answers one request at a time, so an exam, an interview
question or a call's analysis in flight used to make a caller wait for it (p50 8.5 s, up to
30 s, against under 2 s idle). Work that no caller waits for runs inside `background_work()`;
the model's clients then pass it through a `ModelGate`:

- a live request (a caller's turn) never waits for the gate. It preempts background requests
  in flight: they are cancelled, which closes their connection, and llama.cpp stops a
  streamed request at its next token, so the caller's turn is served next;
- a background request starts only when no live request is in flight and none ended in the
  last `QUIET_S` (the steps of one turn, a tool call then the answer, are that close), and a
  preempted one is started again from the beginning once the callers are quiet. Its caller
  sees one slower answer, never an error.

Requests come from several event loops (each conversation thread, the job workers), so the
gate's state sits behind a thread lock and waiting is a short poll on the waiter's own loop.
"""

from __future__ import annotations

import asyncio
import functools
import threading
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine, Iterator
from contextlib import asynccontextmanager, contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, ParamSpec, TypeVar

P = ParamSpec("P")
T = TypeVar("T")

_BACKGROUND: ContextVar[bool] = ContextVar("frontdesk_model_background", default=False)

# After a live request ends, background work waits this long before it starts: long enough
# to span one turn's steps (a tool result goes back to the model within milliseconds),
# short enough that an owner's exam goes on between a caller's turns.
QUIET_S = 0.5
POLL_S = 0.05


@contextmanager
def background_work() -> Iterator[None]:
    """Mark the model requests made in this block (and the tasks it starts) as work no caller
    is waiting for: exams, the onboarding interview, analysis, gap re-runs."""
    token = _BACKGROUND.set(True)
    try:
        yield
    finally:
        _BACKGROUND.reset(token)


def in_background() -> bool:
    return _BACKGROUND.get()


def as_background(
    work: Callable[P, Coroutine[Any, Any, T]],
) -> Callable[P, Coroutine[Any, Any, T]]:
    """`work` (an async function) runs as `background_work()`, with everything it starts."""

    @functools.wraps(work)
    async def wrapped(*args: P.args, **kwargs: P.kwargs) -> T:
        with background_work():
            return await work(*args, **kwargs)

    return wrapped


@dataclass(eq=False)
class _Running:
    loop: asyncio.AbstractEventLoop
    task: asyncio.Future[Any]
    preempted: bool = field(default=False)


class ModelGate:
    """Orders one model's requests: callers' turns first (see the module docstring)."""

    def __init__(self, quiet_s: float = QUIET_S) -> None:
        self.quiet_s = quiet_s
        self._lock = threading.Lock()
        self._live = 0
        self._live_ended = float("-inf")
        self._running: set[_Running] = set()
        # For the operator and the tests: how often background work gave way.
        self.preemptions = 0

    @asynccontextmanager
    async def live(self) -> AsyncIterator[None]:
        """Around a caller's model request: background requests in flight give way."""
        with self._lock:
            self._live += 1
            victims = [r for r in self._running if not r.preempted]
            for running in victims:
                running.preempted = True
            self.preemptions += len(victims)
        for running in victims:
            running.loop.call_soon_threadsafe(running.task.cancel)
        try:
            yield
        finally:
            with self._lock:
                self._live -= 1
                self._live_ended = time.monotonic()

    @property
    def background_in_flight(self) -> int:
        with self._lock:
            return len(self._running)

    def _callers_quiet(self) -> bool:
        return self._live == 0 and time.monotonic() - self._live_ended >= self.quiet_s

    async def background(self, request: Callable[[], Awaitable[T]]) -> T:
        """Run `request` (a fresh attempt on each call) when no caller needs the model; start
        it again from the beginning each time a caller's request preempts it."""
        loop = asyncio.get_running_loop()
        while True:
            while True:
                with self._lock:
                    if self._callers_quiet():
                        task = asyncio.ensure_future(request())
                        running = _Running(loop, task)
                        self._running.add(running)
                        break
                await asyncio.sleep(POLL_S)
            try:
                return await task
            except asyncio.CancelledError:
                current = asyncio.current_task()
                if not running.preempted or (current is not None and current.cancelling()):
                    raise  # our own caller gave up (awaiting `task` cancelled it with us)
                # Preempted by a caller's turn: go round, wait for quiet, start again.
            finally:
                with self._lock:
                    self._running.discard(running)
