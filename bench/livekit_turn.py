"""Voice turns through LiveKit's own server, for `bench/voice_turn.py --transport livekit`.

The same agent and the same embedded models as the WebSocket part, but the call goes the
LiveKit way: the API mints the call's token, the caller (the `livekit` SDK, as a phone bridge
or an app) joins the room and speaks Piper-made questions into a microphone track in real
time, and `frontdesk agent-worker`'s server, registered with a livekit-server on loopback
(scripts/ensure-livekit-server builds it), answers. A turn is timed at the caller: from the
end of its words to the first agent audio loud enough to hear (Opus and the jitter buffer
included; Piper's first few milliseconds of near-silence too, a little against LiveKit).
"""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path
from typing import Any

import httpx
from tests.livekit_calls.real_room import agent_worker
from tests.livekit_calls.room_caller import RoomCaller
from tests.livekit_server import KEY, SECRET, running_livekit

from frontdesk.resources import Resources
from turn_figures import turn_figures

GREETING_S = 90.0
ANSWER_S = 180.0


async def room_call(base_url: str, key: str, agent_id: str, utterances: list[bytes]) -> list[dict]:
    """One call through the room: each utterance in real time; one result per answer."""
    headers = {"Authorization": f"Bearer {key}"}
    async with httpx.AsyncClient(base_url=base_url, headers=headers, timeout=60) as client:
        started = await client.post(f"/api/agents/{agent_id}/calls")
    started.raise_for_status()
    body = started.json()
    if body.get("transport") != "livekit":
        raise SystemExit(f"the call was not set up over LiveKit: {body}")
    caller = RoomCaller()
    await caller.join(body["url"], body["token"])
    results: list[dict[str, Any]] = []
    try:
        await caller.until(lambda: len(caller.turns) >= 1, GREETING_S)  # the greeting, heard
        for pcm in utterances:
            before = len(caller.turns)
            ended = await caller.say(pcm)

            def answered(before: int = before) -> bool:
                return any(t["role"] == "agent" for t in caller.turns[before:])

            await caller.until(answered, ANSWER_S)
            heard = caller.audio_after(ended)
            new = caller.turns[before:]
            asked = next((t for t in new if t["role"] == "caller"), {"timings": {}})
            answer = next(t for t in new if t["role"] == "agent")
            results.append(turn_figures(ended, heard, asked, answer))
    finally:
        await caller.leave()
    return results


def measure(
    resources: Resources, key: str, agent_id: str, audio: list[bytes], *, warm: bool, serving: Any
) -> list[dict]:
    """Answer `audio` (the first utterance only warms, when `warm`) through LiveKit."""
    with tempfile.TemporaryDirectory() as tmp, running_livekit(Path(tmp)) as livekit:
        resources.settings = resources.settings.model_copy(
            update={
                "livekit_url": livekit.url,
                "livekit_api_key": KEY,
                "livekit_api_secret": SECRET,
            }
        )
        with serving(resources) as url, agent_worker(resources):
            base = url.replace("ws://", "http://")
            if warm:
                asyncio.run(room_call(base, key, agent_id, audio[:1]))
            return asyncio.run(room_call(base, key, agent_id, audio[1:]))
