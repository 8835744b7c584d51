"""Calls through LiveKit's own server on loopback, answered by the agent worker it dispatched.

The caller is the `livekit` SDK in a real room, speaking Piper-made sentences into a
microphone track in real time; the worker is `frontdesk agent-worker`'s server with the real
speech models and a scripted LLM; LiveKit's signed webhooks reach the Frontdesk server under
uvicorn. Nothing between the caller and the database is a stand-in.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from livekit import api as lk_api
from livekit.api import ParticipantInfo

from frontdesk.db import transaction
from frontdesk.livekit.unanswered import unanswered_reason
from frontdesk.livekit.worker import CALL_OVER
from frontdesk.models import Appointment
from frontdesk.resources import Resources
from tests.fake_llm import LONG_ANSWER, Say, ScriptedLLM, book_when_heard, last_tool_output
from tests.livekit_calls.real_room import (  # noqa: F401 (the fixtures)
    Deployment,
    agent_worker,
    database_url_fixture,
    deployment_fixture,
    joined,
    line_fixture,
    livekit_port_fixture,
    settings_fixture,
)
from tests.livekit_calls.room_caller import RoomCaller
from tests.livekit_calls.webhook_signing import event_body, signature
from tests.livekit_server import KEY, SECRET

# The voice tests' real speech models and caller audio (imported, so they are defined once).
from tests.voice.conftest import caller_voice, speech_models  # noqa: F401

# `make test` builds the server first; run alone on a fresh machine, the first test here
# builds it (the module download and compile take minutes), within this longer limit.
pytestmark = pytest.mark.timeout(1800)

ANSWER = "A rabies vaccination is thirty two dollars."


def test_a_call_is_answered_by_the_dispatched_worker_and_stored(  # type: ignore[no-untyped-def]
    line: Deployment,
    fake_llm: ScriptedLLM,
    chat_resources: Resources,
    caller_voice,  # noqa: F811
) -> None:
    fake_llm.script(
        Say(ANSWER),
        book_when_heard(fake_llm, "555-014-2398", day="tomorrow", time="10am", name="Ann Lee"),
        lambda ctx: Say(last_tool_output(ctx)),
    )
    body = line.start_call()
    conversation_id = body["conversation_id"]

    async def call() -> tuple[RoomCaller, float]:
        caller = RoomCaller()
        await caller.join(body["url"], body["token"])
        # LiveKit dispatched the worker when the caller joined: it greets, aloud and captioned.
        await caller.until(lambda: len(caller.agent_captions()) >= 1)
        await caller.until(lambda: bool(caller.agent_audio))
        asked = await caller.say(caller_voice("How much is a rabies vaccination?"))
        await caller.until(lambda: len(caller.agent_captions()) >= 2)
        heard = caller.audio_after(asked)
        assert heard is not None, "the answer was captioned but never heard"
        await caller.say(
            caller_voice("Book me for tomorrow at ten. I am Ann Lee, five five five, zero one "
                         "four, two three nine eight.")
        )  # fmt: skip
        # (A pause can cut the caller's words into two turns: the model then says "Go on.")
        await caller.until(lambda: bool(caller.turns) and bool(caller.turns[-1]["tool_calls"]))
        agent_turns = sum(t["role"] == "agent" for t in caller.turns)
        await caller.until(lambda: len(caller.agent_captions()) >= agent_turns)
        await caller.leave()  # the caller hangs up
        return caller, heard - asked

    caller, answer_s = asyncio.run(call())
    greeting, answer, *went_on, booked = caller.agent_captions()
    assert set(went_on) <= {"Go on."}
    assert greeting.startswith("Juniper Vet, Maya speaking")
    assert answer == ANSWER
    assert booked.startswith("Booked"), booked
    # The caller's own words come back captioned. ("rabies" is primed but Whisper base
    # still hears "Arabia's" now and then through the room's Opus; the test is of captions.)
    assert any("vaccination" in text.lower() for text in caller.caller_captions())
    # Each stored turn reached the caller as the WebSocket path sends it.
    assert _roles(caller.turns)
    assert caller.turns[2]["text"] == ANSWER
    timings = caller.turns[2]["timings"]
    assert timings["end_of_speech_to_audio_ms"] > 0
    # Timed on the worker's clock like the WebSocket path's (the room's first frame played),
    # so the pipeline's part (transcript → audio) is known too, and lies within the whole.
    assert 0 < timings["transcript_to_audio_ms"] < timings["end_of_speech_to_audio_ms"]
    assert caller.turns[-1]["tool_calls"][0]["name"] == "book_appointment"
    # End of the caller's speech to the agent's first audio, heard at the caller.
    assert 0 < answer_s < 30

    # The caller left: LiveKit's signed webhook ends the call; the worker's ending (once every
    # turn is stored) changes nothing, and the analysis ran once.
    row = line.wait_for(conversation_id, lambda c: c["analyzed_at"] is not None)
    assert row["channel"] == "livekit" and row["status"] == "ended"
    assert row["end_reason"] == "The caller left the LiveKit room"
    assert row["outcome"] == "booked"
    assert _roles(row["turns"]), row["turns"]
    assert "rabies" in row["turns"][1]["text"].lower()
    assert row["turns"][2]["text"] == ANSWER
    assert row["turns"][2]["timings"]["end_of_speech_to_audio_ms"] > 0
    assert row["turns"][-1]["tool_calls"][0]["name"] == "book_appointment"
    with transaction(chat_resources.sessionmaker) as db:
        stored = db.query(Appointment).filter_by(agent_id=line.agent["id"]).one()
        assert stored.customer_name == "Ann Lee"
        assert stored.conversation_id == conversation_id
    time.sleep(2)  # a second ending, had there been one, would have queued a second analysis
    assert len(line.analysis.prompts) == 1


def _roles(turns: list[dict]) -> bool:
    """Greeting, question, answer, then the booking request (in one turn, or cut in two with
    the model's "Go on." between) and the booking."""
    roles = [t["role"] for t in turns]
    return roles in (["agent", "caller"] * 2 + ["agent"], ["agent", "caller"] * 3 + ["agent"])


def test_a_forged_webhook_is_refused_beside_the_servers_own(line: Deployment) -> None:
    body = line.start_call()
    caller = ParticipantInfo(identity=f"caller-{body['conversation_id']}")
    forged = event_body("participant_left", body["room"], caller)
    for authorization in (
        signature(forged, key=KEY, secret="not-the-secret-but-as-long-as-a-real-one-0123456789"),
        None,
    ):
        headers = {"content-type": "application/webhook+json"}
        if authorization is not None:
            headers["authorization"] = authorization
        refused = line.api.post("/api/livekit/webhook", content=forged, headers=headers)
        assert refused.status_code == 401, refused.text
    assert line.conversation(body["conversation_id"])["status"] == "active"
    # The server's own webhook for the same event, when the caller really leaves, ends it.
    joined(body, 60, until=lambda c: bool(c.agent_captions()))
    row = line.wait_for(body["conversation_id"], lambda c: c["status"] == "ended")
    assert row["end_reason"] == "The caller left the LiveKit room"


def test_the_caller_cuts_the_agent_off_through_the_room(  # type: ignore[no-untyped-def]
    line: Deployment,
    fake_llm: ScriptedLLM,
    caller_voice,  # noqa: F811
) -> None:
    long_answer = LONG_ANSWER
    fake_llm.script(Say(long_answer), Say("Of course, go ahead."))
    body = line.start_call()

    async def call() -> RoomCaller:
        caller = RoomCaller()
        await caller.join(body["url"], body["token"])
        await caller.until(lambda: len(caller.agent_captions()) >= 1)
        asked = await caller.say(caller_voice("Tell me everything about your clinic."))
        await caller.until(lambda: caller.audio_after(asked) is not None)
        await asyncio.sleep(1.5)  # the long answer plays for a moment
        await caller.say(caller_voice("Wait, stop please."))
        await caller.until(lambda: "Of course, go ahead." in caller.agent_captions())
        # The caption comes as the reply starts playing; the turn is stored once it has
        # played. Hanging up before then would cut it (CI once read the call before it).
        await caller.until(lambda: any(t["text"] == "Of course, go ahead." for t in caller.turns))
        await caller.leave()
        return caller

    caller = asyncio.run(call())
    row = line.wait_for(body["conversation_id"], lambda c: c["status"] == "ended")
    agent_turns = [t["text"] for t in row["turns"] if t["role"] == "agent"]
    assert agent_turns[-1] == "Of course, go ahead.", row["turns"]
    cut = agent_turns[1]
    # The stored turn keeps only what the caller heard of it.
    assert 0 < len(cut) < len(long_answer) / 2, cut
    assert long_answer.startswith(cut.rstrip(". "))
    assert any("stop" in text.lower() for text in caller.caller_captions())


def test_a_caller_of_an_ended_call_is_told_so_and_the_room_closes(line: Deployment) -> None:
    body = line.start_call()
    assert line.api.post(f"/api/conversations/{body['conversation_id']}/end").status_code == 204
    # The caller joins with the token they were given (a reconnect after the call ended).
    caller = joined(body, 60, until=lambda c: c.left)
    assert caller.agent_captions() == [CALL_OVER]
    assert caller.agent_audio, "the apology was captioned but not heard"
    assert line.conversation(body["conversation_id"])["end_reason"] != CALL_OVER


def test_a_dispatch_into_another_room_is_turned_down_before_joining(
    line: Deployment, caplog: pytest.LogCaptureFixture
) -> None:
    real = line.start_call()
    # Someone holding the project's secret forges a token for a room of their own whose
    # dispatch names the real call.
    claims = lk_api.TokenVerifier(KEY, SECRET).verify(real["token"])
    assert claims.room_config is not None
    forged = (
        lk_api.AccessToken(KEY, SECRET)
        .with_identity("caller-elsewhere")
        .with_grants(lk_api.VideoGrants(room_join=True, room="call-elsewhere"))
        .with_room_config(claims.room_config)
        .to_jwt()
    )
    with caplog.at_level(logging.WARNING, logger="frontdesk.livekit.worker"):
        elsewhere = joined({"url": real["url"], "token": forged}, 8)
    assert "turned down LiveKit job" in caplog.text and "call-elsewhere" in caplog.text
    assert elsewhere.others() == [] and elsewhere.captions == []
    assert line.answered_at(real["conversation_id"]) is None
    assert line.conversation(real["conversation_id"])["status"] == "active"
    # The worker still answers the real call.
    caller = joined(real, 60, until=lambda c: bool(c.agent_captions()))
    assert caller.agent_captions()[0].startswith("Juniper Vet, Maya speaking")
    assert line.answered_at(real["conversation_id"]) is not None


def test_a_call_no_worker_takes_is_ended_after_the_timeout(
    deployment: Deployment, chat_resources: Resources
) -> None:
    # A worker is registered, under another business's agent name: no dispatch reaches it.
    other = replace(
        chat_resources,
        settings=chat_resources.settings.model_copy(update={"livekit_agent_name": "another"}),
    )
    with agent_worker(other):
        body = deployment.start_call()
        conversation_id = body["conversation_id"]

        async def wait_unanswered() -> RoomCaller:
            caller = RoomCaller()
            await caller.join(body["url"], body["token"])
            await asyncio.sleep(8)
            assert caller.others() == [], "a worker joined a call not dispatched to it"
            # The queue's minute sweep, as it runs once the timeout has passed.
            timeout = chat_resources.settings.livekit_answer_timeout_s
            later = datetime.now(UTC) + timedelta(seconds=timeout + 1)
            assert chat_resources.queue.unanswered is not None
            ended = await asyncio.to_thread(chat_resources.queue.unanswered.run, later)
            assert ended == 1
            await caller.until(lambda: caller.left, limit_s=30)  # the room closed on them
            return caller

        asyncio.run(wait_unanswered())
    row = deployment.wait_for(conversation_id, lambda c: c["status"] == "ended")
    assert row["end_reason"] == unanswered_reason(chat_resources.settings.livekit_answer_timeout_s)
    assert row["turns"] == []
