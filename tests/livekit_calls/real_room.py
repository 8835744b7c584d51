"""A whole LiveKit deployment on loopback for one test: the Frontdesk server under uvicorn,
LiveKit's own server sending its signed webhooks to it, and `frontdesk agent-worker`'s
server registered with LiveKit (in a thread of the test process, so the test can hand it the
scripted model and the real speech models the Frontdesk server has)."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from livekit.agents import AgentServer

from frontdesk.livekit.worker import build_server
from frontdesk.resources import Resources

REGISTER_TIMEOUT_S = 60.0


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
