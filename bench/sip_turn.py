"""Voice turns on a phone line through LiveKit SIP, for `bench/voice_turn.py --transport sip`.

The same agent, models and questions as the WebSocket part, but the call comes the way a
SIP trunk brings it: the owner's number has its inbound trunk and dispatch rule in a
livekit-server on loopback (Redis-backed, as SIP needs), LiveKit's SIP service
(scripts/ensure-livekit-sip builds it) takes the call, and `frontdesk agent-worker`'s server
answers in the call's room. The caller is a SIP phone (tests/telephony/sip_caller.py):
its words as 8 kHz μ-law RTP in 20 ms packets in real time. A turn is timed at the caller:
from the end of its words to the first packet with the agent's sound in it, as the WebSocket
client times its first audio bytes (livekit-sip sends silence between words; G.711 both
ways, Opus between the SIP service and the room, and both jitter buffers included).
"""

from __future__ import annotations

import asyncio
import os
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
import redis as redis_lib
from tests.livekit_calls.real_room import agent_worker
from tests.livekit_server import KEY, SECRET, running_livekit
from tests.livekit_sip import SipService, running_sip
from tests.telephony.sip_caller import SipCaller
from tests.telephony.twilio_caller import to_rate

from frontdesk.db import transaction
from frontdesk.models import Conversation
from frontdesk.resources import Resources
from frontdesk.runtime.voice_channel import INPUT_RATE
from frontdesk.telephony.mulaw import PHONE_RATE
from turn_figures import turn_figures

CALLER = "+15550142398"
NUMBER = "+15550100000"
GREETING_S = 90.0
ANSWER_S = 180.0
# LiveKit's own Redis database for the bench (trunks and rules), emptied before and after.
LIVEKIT_DB = 9


def _phone_calls(resources: Resources, agent_id: str) -> set[str]:
    with transaction(resources.sessionmaker) as db:
        rows = db.query(Conversation.id).filter_by(agent_id=agent_id, channel="phone")
        return {row.id for row in rows}


async def phone_call(
    resources: Resources,
    base_url: str,
    key: str,
    agent_id: str,
    sip: SipService,
    utterances: list[bytes],
) -> list[dict]:
    """One call to the number: each utterance (16 kHz PCM) in real time; one result per
    answer."""
    api = httpx.AsyncClient(
        base_url=base_url, headers={"Authorization": f"Bearer {key}"}, timeout=60
    )
    caller = SipCaller(caller=CALLER, called=NUMBER)
    earlier = await asyncio.to_thread(_phone_calls, resources, agent_id)
    async with api:

        async def conversation() -> str:
            deadline = time.monotonic() + GREETING_S
            while time.monotonic() < deadline:
                found = await asyncio.to_thread(_phone_calls, resources, agent_id) - earlier
                if found:
                    return found.pop()
                await asyncio.sleep(0.2)
            raise SystemExit("the worker opened no conversation for the call")

        async def until_stored(path: str, count: int, limit_s: float) -> list[dict[str, Any]]:
            deadline = time.monotonic() + limit_s
            while time.monotonic() < deadline:
                turns = list((await api.get(path)).json().get("turns") or [])
                if len(turns) >= count and turns[-1]["role"] == "agent":
                    return turns
                await asyncio.sleep(0.2)
            raise SystemExit("the agent's answer was never stored")

        await caller.dial(sip.address)
        results: list[dict[str, Any]] = []
        try:
            path = f"/api/conversations/{await conversation()}"
            turns = await until_stored(path, 1, GREETING_S)
            await caller.until(lambda: caller.quiet_since() >= 1.0, ANSWER_S)
            for pcm in utterances:
                ended = await caller.say(to_rate(pcm, INPUT_RATE, PHONE_RATE))
                turns = await until_stored(path, len(turns) + 2, ANSWER_S)
                await caller.until(lambda at=ended: caller.arrived_after(at) is not None, ANSWER_S)
                heard = caller.arrived_after(ended)
                asked, answer = turns[-2], turns[-1]
                results.append(turn_figures(ended, heard, asked, answer))
                await caller.until(lambda: caller.quiet_since() >= 1.0, ANSWER_S)
        finally:
            await caller.hang_up()
    return results


def measure(
    resources: Resources, key: str, agent_id: str, audio: list[bytes], *, warm: bool, serving: Any
) -> list[dict]:
    """Answer `audio` (the first utterance only warms, when `warm`) on a call to the
    agent's number through LiveKit SIP."""
    redis_url = os.environ.get("FRONTDESK_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
    base = redis_url.rsplit("/", 1)[0] if redis_url.count("/") > 2 else redis_url
    livekit_redis = f"{base}/{LIVEKIT_DB}"
    redis = redis_lib.Redis.from_url(livekit_redis)
    redis.flushdb()
    with (
        tempfile.TemporaryDirectory() as tmp,
        running_livekit(Path(tmp), redis=livekit_redis) as livekit,
        running_sip(Path(tmp), livekit, livekit_redis) as sip,
    ):
        resources.settings = resources.settings.model_copy(
            update={
                "livekit_url": livekit.url,
                "livekit_api_key": KEY,
                "livekit_api_secret": SECRET,
            }
        )
        try:
            with serving(resources) as url, agent_worker(resources):
                base_url = url.replace("ws://", "http://")
                added = httpx.post(
                    f"{base_url}/api/agents/{agent_id}/phone-numbers",
                    json={"number": NUMBER},
                    headers={"Authorization": f"Bearer {key}"},
                    timeout=60,
                )
                added.raise_for_status()
                calls = [audio[:1], audio[1:]] if warm else [audio[1:]]
                results: list[dict] = []
                for utterances in calls:
                    results = asyncio.run(
                        phone_call(resources, base_url, key, agent_id, sip, utterances)
                    )
                return results
        finally:
            redis.flushdb()
