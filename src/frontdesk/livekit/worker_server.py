"""The process `frontdesk agent-worker` runs: an `AgentServer` registered with LiveKit under
`FRONTDESK_LIVEKIT_AGENT_NAME`, whose jobs are calls. A job is screened and answered by
`worker` (a call started from a browser or the widget) or by `telephony.sip_calls` (a call to
one of the business's numbers through LiveKit SIP), as its dispatch metadata says."""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Callable

from livekit.agents import AgentServer, JobContext, JobExecutorType, JobRequest

from frontdesk.livekit.call_models import uses_local_speech
from frontdesk.livekit.tokens import require_livekit
from frontdesk.livekit.worker import CallRefused, answer, screen
from frontdesk.resources import Resources
from frontdesk.telephony.sip_calls import PhoneDispatch, answer_phone, phone_dispatch, screen_phone

log = logging.getLogger(__name__)


def _phone(metadata: str) -> PhoneDispatch | None:
    """A job's phone dispatch; a malformed one was turned down when offered (`on_request`)."""
    try:
        return phone_dispatch(metadata)
    except CallRefused:
        return None


def call_load(max_calls: int) -> tuple[Callable[[AgentServer], float], float]:
    """The load gauge a worker reports to LiveKit, and the load at which it is full: the
    share of `max_calls` it is answering, full at `max_calls`. LiveKit's default gauge is
    the machine's CPU, full at 70%: the local models fill both cores during every reply, so
    a worker answering one call would report itself full (and a worker beside a busy
    `frontdesk serve` would never take a call) while it has room for more."""

    def load(server: AgentServer) -> float:
        return len(server.active_jobs) / max_calls

    # Below 1 (LiveKit refuses more outside dev mode), above (max_calls - 1) / max_calls.
    return load, (max_calls - 0.5) / max_calls


def build_server(resources: Resources, *, port: int = 8081) -> AgentServer:
    """An `AgentServer` for this deployment; `port` serves its health check (0: any)."""
    settings = resources.settings
    require_livekit(settings)
    load, full_at = call_load(settings.livekit_max_calls)
    server = AgentServer(
        job_executor_type=JobExecutorType.THREAD,
        load_fnc=load,
        load_threshold=full_at,
        ws_url=settings.livekit_url,
        api_key=settings.livekit_api_key,
        api_secret=settings.livekit_api_secret,
        port=port,
    )

    async def entrypoint(ctx: JobContext) -> None:
        if (phone := _phone(ctx.job.metadata)) is not None:
            await answer_phone(ctx, resources, phone)
        else:
            await answer(ctx, resources)

    async def on_request(request: JobRequest) -> None:
        try:
            phone = phone_dispatch(request.job.metadata)
        except CallRefused as exc:
            log.warning("turned down LiveKit job %s: %s", request.id, exc)
            await request.reject()
            return
        if phone is not None:
            await screen_phone(request, resources, phone)
        else:
            await screen(request, resources)

    server.rtc_session(entrypoint, agent_name=settings.livekit_agent_name, on_request=on_request)

    def registered(worker_id: str, server_info: object) -> None:
        # The id each call's `answered_by` names, for finding the worker that took a call.
        log.info(
            "registered with LiveKit as worker %s, agent name %s",
            worker_id,
            settings.livekit_agent_name,
        )

    server.on("worker_registered", registered)
    return server


async def run_worker(resources: Resources, *, port: int = 8081) -> None:
    """Run the worker until SIGINT/SIGTERM, then let the calls in progress finish."""
    # Loaded before registering, so the first caller does not wait for them (the embedded
    # model took 6 s on a first call while the caller heard nothing).
    if uses_local_speech(resources.settings) and resources.speech is not None:
        await asyncio.to_thread(resources.speech)
    if resources.embedded_llm is not None:
        await asyncio.to_thread(resources.embedded_llm.server)
    server = build_server(resources, port=port)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    running = asyncio.ensure_future(server.run(devmode=False))
    stopping = asyncio.ensure_future(stop.wait())
    try:
        await asyncio.wait({running, stopping}, return_when=asyncio.FIRST_COMPLETED)
        if running.done():
            running.result()  # e.g. LiveKit refused the credentials
            return
        log.info("stopping: waiting for the calls in progress (Ctrl-C again to force)")
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)
        await server.drain()
    finally:
        stopping.cancel()
        await server.aclose()
        if not running.done():
            running.cancel()
