"""Calls to a business's number through LiveKit SIP, end to end on loopback: the owner adds
the number (its trunk and dispatch rule are made in LiveKit), a phone calls it over SIP and
RTP (tests/telephony/sip_caller.py) into LiveKit's own SIP service, LiveKit dispatches
`frontdesk agent-worker`, and the receptionist answers with the real speech models and a
scripted model. What the caller hears is transcribed with Whisper."""

from __future__ import annotations

import asyncio
import functools
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import redis as redis_lib

from frontdesk.db import transaction
from frontdesk.livekit.worker import CallRefused
from frontdesk.models import Agent, Appointment, Conversation, PhoneNumber
from frontdesk.providers.speech import SpeechModels
from frontdesk.resources import Resources
from frontdesk.telephony import sip_calls
from frontdesk.telephony.silence import GOODBYE, STILL_THERE, SilenceWatch
from frontdesk.telephony.sip_calls import PhoneDispatch, phone_dispatch
from frontdesk.telephony.twilio_line import DTMF_HUMAN
from tests.factories import EVERY_DAY, make_receptionist, price_rabies
from tests.fake_llm import Call, Say, ScriptedLLM, last_tool_output
from tests.live_server import owner_client, serving

# LiveKit on a port of the test's own, in the settings (as every real-room test has it).
from tests.livekit_calls.real_room import (  # noqa: F401
    agent_worker,
    livekit_port_fixture,
    settings_fixture,
)
from tests.livekit_server import running_livekit
from tests.livekit_sip import SipService, running_sip
from tests.telephony.conftest import CALLER, hand_offs_to_dr_rivera
from tests.telephony.sip_caller import SipCaller
from tests.telephony.test_twilio_calls import transcribe

pytestmark = pytest.mark.timeout(300)
ANSWER = "A rabies vaccination is thirty two dollars."
NUMBER = "+15550100000"
# A Redis database of LiveKit's own (trunks and rules live there), apart from the tests'.
LIVEKIT_DB = 8
REDIS_URL = os.environ.get("FRONTDESK_TEST_REDIS_URL", "")


@dataclass
class SipLine:
    api: httpx.Client
    agent: dict
    sip: SipService
    resources: Resources

    def call(self) -> SipCaller:
        return SipCaller(caller=CALLER, called=NUMBER)

    def conversation(self, limit_s: float = 30) -> dict:
        """The one phone call of the agent, once the worker has opened it."""
        deadline = time.monotonic() + limit_s
        while True:
            with transaction(self.resources.sessionmaker) as db:
                ids = [
                    row.id
                    for row in db.query(Conversation).filter_by(
                        agent_id=self.agent["id"], channel="phone"
                    )
                ]
            if ids:
                return self.api.get(f"/api/conversations/{ids[0]}").json()
            assert time.monotonic() < deadline, "the worker opened no conversation"
            time.sleep(0.2)

    def wait_for(self, wanted, limit_s: float = 60) -> dict:  # type: ignore[no-untyped-def]
        deadline = time.monotonic() + limit_s
        while not wanted(row := self.conversation()):
            assert time.monotonic() < deadline, f"timed out; the conversation is {row}"
            time.sleep(0.2)
        return row


@pytest.fixture
def sip_line(
    chat_resources: Resources,
    speech_models: SpeechModels,
    livekit_port: int,
    tmp_path: Path,
) -> Iterator[SipLine]:
    """Frontdesk on loopback, LiveKit's server and SIP service sharing a Redis database, an
    agent worker registered, and an agent answering NUMBER (open around the clock)."""
    if not REDIS_URL:
        pytest.skip("FRONTDESK_TEST_REDIS_URL is not set")
    chat_resources.speech = lambda: speech_models
    base = REDIS_URL.rsplit("/", 1)[0] if REDIS_URL.count("/") > 2 else REDIS_URL
    # (A database in the URL wins over a `db` argument: the URL names LiveKit's own.)
    redis = redis_lib.Redis.from_url(f"{base}/{LIVEKIT_DB}")
    redis.flushdb()  # no trunks left from an earlier run
    livekit_redis = f"{base}/{LIVEKIT_DB}"
    with (
        serving(chat_resources) as url,
        running_livekit(
            tmp_path, f"{url}/api/livekit/webhook", port=livekit_port, redis=livekit_redis
        ) as livekit,
        running_sip(tmp_path, livekit, livekit_redis) as sip,
        agent_worker(chat_resources),
        owner_client(chat_resources, url) as api,
    ):
        agent = make_receptionist(api)
        hours = {day: [{"opens": "00:00", "closes": "23:59"}] for day in EVERY_DAY}
        scheduling = {"timezone": "UTC", "hours": hours, "min_notice_minutes": 0}
        opened = api.patch(f"/api/agents/{agent['id']}", json={"scheduling": scheduling})
        assert opened.status_code == 200, opened.text
        added = api.post(f"/api/agents/{agent['id']}/phone-numbers", json={"number": NUMBER})
        assert added.status_code == 201, added.text
        yield SipLine(api, agent, sip, chat_resources)
    redis.flushdb()


async def heard_in_full(caller: SipCaller, after: float, quiet_s: float = 1.5) -> float:
    await caller.until(lambda: caller.heard_after(after) is not None)
    await caller.until(lambda: caller.quiet_since() >= quiet_s)
    first = caller.heard_after(after)
    assert first is not None
    return first


def test_a_call_to_the_number_is_answered_and_booked_with_the_caller_id(  # type: ignore[no-untyped-def]
    sip_line: SipLine, fake_llm: ScriptedLLM, speech_models: SpeechModels, phone_voice
) -> None:
    price_rabies(sip_line.api, sip_line.agent)
    fake_llm.script(
        Say(ANSWER),
        # No phone number said: the caller ID is theirs, and the booking's.
        Call("book_appointment", {"day": "tomorrow", "time": "10am", "name": "Ann Lee"}),
        lambda ctx: Say(last_tool_output(ctx)),
    )

    async def call() -> tuple[SipCaller, bytes]:
        caller = sip_line.call()
        await caller.dial(sip_line.sip.address)
        await heard_in_full(caller, 0.0)
        asked = await caller.say(phone_voice("How much is a rabies vaccination?"))
        await heard_in_full(caller, asked)
        answer = caller.heard_pcm(since=asked)
        booked_at = await caller.say(phone_voice("Book me for tomorrow at ten. I am Ann Lee."))
        await heard_in_full(caller, booked_at)
        await caller.hang_up()
        return caller, answer

    caller, answer = asyncio.run(call())
    heard = transcribe(speech_models, answer).lower()
    assert "vaccination" in heard and ("32" in heard or "thirty" in heard), heard
    row = sip_line.wait_for(lambda c: c["status"] == "ended")
    assert row["channel"] == "phone"
    # The number the network reported, not one the caller said.
    assert row["caller_number"] == CALLER
    roles = [t["role"] for t in row["turns"]]
    assert roles == ["agent", "caller", "agent", "caller", "agent"], row["turns"]
    assert "vaccination" in row["turns"][1]["text"].lower(), row["turns"][1]
    assert row["turns"][2]["text"] == ANSWER
    booking = row["turns"][4]["tool_calls"][0]
    assert booking["name"] == "book_appointment" and not booking["error"], booking
    with transaction(sip_line.resources.sessionmaker) as db:
        stored = db.query(Appointment).filter_by(agent_id=sip_line.agent["id"]).one()
        assert stored.customer_phone == CALLER
        assert stored.conversation_id == row["id"]
        call_row = db.get(Conversation, row["id"])
        assert call_row is not None and call_row.connected_at is not None  # minutes count


def test_pressing_0_puts_the_caller_through_to_a_person(  # type: ignore[no-untyped-def]
    sip_line: SipLine, fake_llm: ScriptedLLM
) -> None:
    hand_offs_to_dr_rivera(sip_line.api, sip_line.agent, fake_llm)

    async def call() -> SipCaller:
        caller = sip_line.call()
        await caller.dial(sip_line.sip.address)
        await heard_in_full(caller, 0.0)
        pressed = time.monotonic()
        await caller.press("0")
        await caller.until(lambda: caller.heard_after(pressed) is not None)
        # The agent says so, then LiveKit asks the caller's side to call the person.
        await caller.until(lambda: caller.refer_to is not None, limit_s=60)
        await caller.until(lambda: caller.closed, limit_s=30)
        return caller

    caller = asyncio.run(call())
    assert caller.refer_to is not None and caller.refer_to.startswith("tel:+15550107777")
    row = sip_line.wait_for(lambda c: c["status"] == "ended")
    assert row["end_reason"] == "transferred to Dr Rivera", row["end_reason"]
    assert row["transfer_to"] == "+15550107777"
    assert row["turns"][1] == {**row["turns"][1], "role": "caller", "text": DTMF_HUMAN}
    assert row["turns"][2]["tool_calls"][0]["name"] == "handoff_to_human"


def test_a_silent_line_is_asked_then_hung_up_politely(  # type: ignore[no-untyped-def]
    sip_line: SipLine, speech_models: SpeechModels, monkeypatch: pytest.MonkeyPatch
) -> None:
    quick = functools.partial(SilenceWatch, ask_after_s=3.0, hang_up_after_s=3.0)
    monkeypatch.setattr(sip_calls, "SilenceWatch", quick)

    async def call() -> SipCaller:
        caller = sip_line.call()
        await caller.dial(sip_line.sip.address)
        await heard_in_full(caller, 0.0)
        await caller.until(lambda: caller.closed, limit_s=60)
        return caller

    caller = asyncio.run(call())
    assert caller.ended_by_far_end  # the business hung up, with a BYE
    heard = transcribe(speech_models, caller.heard_pcm()).lower()
    assert "still there" in heard and "hang up" in heard, heard
    row = sip_line.wait_for(lambda c: c["status"] == "ended")
    assert row["end_reason"] == "the line was silent", row["end_reason"]
    assert [t["text"] for t in row["turns"] if t["role"] == "agent"][-2:] == [STILL_THERE, GOODBYE]


def test_a_dispatch_is_believed_only_for_the_agents_own_number(  # type: ignore[no-untyped-def]
    chat, chat_resources: Resources
) -> None:
    """Whoever holds the project's secret can write any dispatch metadata: the worker
    answers only a call to a number the database gives that agent, on its own project, in
    a phone call's room."""
    _, agent = chat
    settings = chat_resources.settings
    with transaction(chat_resources.sessionmaker) as db:
        row = db.get(Agent, agent["id"])
        assert row is not None
        workspace_id = row.workspace_id
        number = PhoneNumber(
            workspace_id=workspace_id,
            agent_id=agent["id"],
            number=NUMBER,
            livekit_project=settings.livekit_api_key or "",
            trunk_id="ST_test",
            dispatch_rule_id="SDR_test",
        )
        db.add(number)
        db.flush()
        number_id = number.id
    good = PhoneDispatch(agent["id"], workspace_id, number_id)
    sip_calls._check_line(chat_resources, good, "phone-_+15550142398_x1")
    forged = [
        (PhoneDispatch(agent["id"], "another-workspace", number_id), "phone-1"),
        (PhoneDispatch("another-agent", workspace_id, number_id), "phone-1"),
        (PhoneDispatch(agent["id"], workspace_id, "no-such-number"), "phone-1"),
        (good, "call-someone-elses-room"),
    ]
    for dispatch, room in forged:
        with pytest.raises(CallRefused) as refused:
            sip_calls._check_line(chat_resources, dispatch, room)
        assert refused.value.told is None  # not our caller: nothing joins the room
    # A paused agent's caller is told so before the line closes.
    with transaction(chat_resources.sessionmaker) as db:
        paused = db.get(Agent, agent["id"])
        assert paused is not None
        paused.status, name = "paused", paused.name
    with pytest.raises(CallRefused) as refused:
        sip_calls._check_line(chat_resources, good, "phone-1")
    assert refused.value.told == f"{name} isn't taking calls right now. Please try again later."
    with transaction(chat_resources.sessionmaker) as db:
        row = db.get(PhoneNumber, number_id)
        assert row is not None
        row.livekit_project = "another-project"
    with pytest.raises(CallRefused):
        sip_calls._check_line(chat_resources, good, "phone-1")
    # Metadata that is not a phone call's goes to the browser-call path; a phone call's
    # that lacks an id is refused.
    assert phone_dispatch('{"agent_id": "a", "conversation_id": "c", "workspace_id": "w"}') is None
    with pytest.raises(CallRefused):
        phone_dispatch('{"agent_id": "a", "phone_number_id": ""}')
