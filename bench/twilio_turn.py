"""Voice turns on a phone line through Twilio Media Streams, for `bench/voice_turn.py
--transport twilio`.

The same agent, models and questions as the WebSocket part, but the call comes the way a
Twilio number brings it: a signed "a call comes in" webhook, then Twilio's side of the media
stream (tests/telephony/twilio_caller.py): the caller's words as 8 kHz μ-law in 20 ms
messages in real time, and the agent's voice played into the caller's ear in real time, with
its marks returned as they play. A turn is timed at the caller, as the WebSocket part is:
from the end of its words to the first agent audio arriving (μ-law both ways and the 8 kHz
resampling included; Twilio's own network and the phone's jitter buffer are not on
loopback).
"""

from __future__ import annotations

import asyncio
import time
import xml.etree.ElementTree as ET
from typing import Any

import httpx
from tests.telephony.twilio_caller import TwilioCaller, to_rate

from frontdesk.resources import Resources
from frontdesk.runtime.voice_channel import INPUT_RATE
from frontdesk.telephony.mulaw import PHONE_RATE
from frontdesk.telephony.twilio_signature import twilio_signature
from turn_figures import turn_figures

AUTH_TOKEN = "bench0token0for0twilio0signature"
CALLER = "+15550142398"
GREETING_S = 90.0
ANSWER_S = 180.0


async def phone_call(base_url: str, key: str, agent_id: str, utterances: list[bytes]) -> list[dict]:
    """One call on the phone line: each utterance (16 kHz PCM) in real time; one result per
    answer."""
    voice = f"{base_url}/api/telephony/twilio/{agent_id}/voice"
    form = {"CallSid": "CA" + "7" * 32, "From": CALLER, "To": "+15550100000"}
    headers = {"X-Twilio-Signature": twilio_signature(AUTH_TOKEN, voice, form.items())}
    api = httpx.AsyncClient(
        base_url=base_url, headers={"Authorization": f"Bearer {key}"}, timeout=60
    )
    async with api:
        answered = await api.post(voice, data=form, headers=headers)
        answered.raise_for_status()
        stream = ET.fromstring(answered.text).find("Connect/Stream")
        if stream is None:
            raise SystemExit(f"Twilio would not be connected: {answered.text}")
        parameters = {p.get("name", ""): p.get("value", "") for p in stream.findall("Parameter")}
        conversation = f"/api/conversations/{parameters['conversation']}"

        async def stored_turns() -> list[dict[str, Any]]:
            row = (await api.get(conversation)).json()
            return list(row.get("turns") or [])

        async def until_stored(count: int, limit_s: float) -> list[dict[str, Any]]:
            deadline = time.monotonic() + limit_s
            while time.monotonic() < deadline:
                turns = await stored_turns()
                if len(turns) >= count and turns[-1]["role"] == "agent":
                    return turns
                await asyncio.sleep(0.2)
            raise SystemExit("the agent's answer was never stored")

        caller = TwilioCaller()
        await caller.call(str(stream.get("url")), parameters)
        results: list[dict[str, Any]] = []
        try:
            turns = await until_stored(1, GREETING_S)
            for pcm in utterances:
                ended = await caller.say(to_rate(pcm, INPUT_RATE, PHONE_RATE))
                turns = await until_stored(len(turns) + 2, ANSWER_S)
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
    """Answer `audio` (the first utterance only warms, when `warm`) on the phone line."""
    resources.settings = resources.settings.model_copy(update={"twilio_auth_token": AUTH_TOKEN})
    with serving(resources) as url:
        base = url.replace("ws://", "http://")
        if warm:
            asyncio.run(phone_call(base, key, agent_id, audio[:1]))
        return asyncio.run(phone_call(base, key, agent_id, audio[1:]))
