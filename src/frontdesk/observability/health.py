"""Readiness: can this process serve, i.e. do its database, vector store and job queue answer?

Each check runs in a thread under a short timeout, all three at once, so a load balancer gets
its answer within one timeout however the backends fail. A backend that hangs keeps its
thread until the driver gives up; while it does, later checks of that backend report the
hang instead of starting another thread that would hang too.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field
from threading import Lock, Thread

from huey.storage import RedisStorage
from sqlalchemy import text

from frontdesk.resources import Resources

# user:password@ in any URL an error message repeats (drivers do quote them).
_CREDENTIALS = re.compile(r"(?<=://)[^/@\s]+@")
MAX_REASON_CHARS = 300


def reason_of(exc: BaseException) -> str:
    """What went wrong, for an operator: the error's type and first line, no credentials."""
    first_line = (str(exc).strip().splitlines() or [""])[0]
    reason = f"{type(exc).__name__}: {first_line}" if first_line else type(exc).__name__
    return _CREDENTIALS.sub("***@", reason)[:MAX_REASON_CHARS]


@dataclass
class CheckResult:
    ok: bool
    backend: str
    ms: float
    error: str | None = None


@dataclass
class _Check:
    name: str
    backend: str
    probe: Callable[[], object]
    running: Future[object] | None = None


def _database(resources: Resources) -> _Check:
    engine = resources.engine

    def probe() -> None:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))

    return _Check("database", engine.dialect.name, probe)


def _vector_store(resources: Resources) -> _Check:
    client = resources.store.client
    # Counting collections reads the store itself (the embedded one's files, the server's
    # catalogue); a heartbeat alone would not notice an embedded store gone from disk.
    embedded = not resources.settings.chroma_url
    return _Check(
        "vector_store", "chroma embedded" if embedded else "chroma server", client.count_collections
    )


def _queue(resources: Resources) -> _Check:
    storage = resources.queue.huey.storage
    if isinstance(storage, RedisStorage):
        return _Check("queue", "redis", storage.conn.ping)
    return _Check("queue", "sqlite", storage.queue_size)


@dataclass
class Readiness:
    """The readiness checks of one app's resources."""

    resources: Resources
    timeout_s: float
    _checks: list[_Check] = field(init=False)
    _lock: Lock = field(default_factory=Lock, init=False)

    def __post_init__(self) -> None:
        self._checks = [
            _database(self.resources),
            _vector_store(self.resources),
            _queue(self.resources),
        ]

    def _submit(self, check: _Check) -> Future[object] | None:
        """A fresh run of `check`, or None while the last one is still hanging."""
        with self._lock:
            if check.running is not None and not check.running.done():
                return None
            running: Future[object] = Future()
            # Running, so that a request that stops waiting cannot cancel it: the guard
            # above must see it until the thread really ends.
            running.set_running_or_notify_cancel()
            check.running = running

        def probe() -> None:
            try:
                running.set_result(check.probe())
            except BaseException as exc:  # noqa: BLE001 - handed to the waiting request
                running.set_exception(exc)

        # Its own daemon thread: a hung backend must hold neither the threads requests run
        # on nor the process's exit.
        Thread(target=probe, name=f"ready-{check.name}", daemon=True).start()
        return running

    async def _run(self, check: _Check) -> CheckResult:
        started = time.perf_counter()

        def result(error: str | None = None) -> CheckResult:
            ms = round((time.perf_counter() - started) * 1000, 1)
            return CheckResult(ok=error is None, backend=check.backend, ms=ms, error=error)

        running = self._submit(check)
        if running is None:
            return result(f"no answer: the check before this one still waits on {check.backend}")
        try:
            await asyncio.wait_for(asyncio.wrap_future(running), self.timeout_s)
        except TimeoutError:
            return result(f"no answer within {self.timeout_s:g} s")
        except Exception as exc:  # noqa: BLE001 - any failure is the answer itself
            return result(reason_of(exc))
        return result()

    async def check(self) -> dict[str, CheckResult]:
        results = await asyncio.gather(*(self._run(c) for c in self._checks))
        return {c.name: r for c, r in zip(self._checks, results, strict=True)}
