"""The agent worker's side of a LiveKit call, without a LiveKit server: a job's dispatch
metadata becomes the real receptionist in a real `AgentSession` (the real speech models, a
scripted LLM), driven here with text. Tools write to the real database, the recorder stores
every turn, and the conversation ends with the session."""

from __future__ import annotations

import asyncio
import json
import logging
import socket
from collections.abc import Iterator

import httpx
import pytest
from fastapi.testclient import TestClient
from livekit.agents import llm
from livekit.agents.testing import fake_job_context
from livekit.api import TokenVerifier

from frontdesk.db import transaction
from frontdesk.livekit.tokens import room_for
from frontdesk.livekit.worker import CallRefused, answer, prepare_call
from frontdesk.livekit.worker_server import build_server, call_load
from frontdesk.models import Appointment, Conversation, ConversationTurn, Lead
from frontdesk.providers.speech import LocalSpeech, SpeechModels
from frontdesk.resources import Resources
from frontdesk.runtime.utterance_stt import UtteranceSTT
from tests.fake_llm import Call, Say, ScriptedLLM, last_tool_output
from tests.livekit_calls.webhook_signing import KEY, SECRET

pytestmark = pytest.mark.timeout(180)


@pytest.fixture(scope="module")
def speech_models(tmp_path_factory: pytest.TempPathFactory) -> SpeechModels:
    return LocalSpeech(tmp_path_factory.mktemp("speech"))()


@pytest.fixture
def calls(chat, chat_resources: Resources, speech_models: SpeechModels) -> Iterator[tuple]:  # type: ignore[no-untyped-def]
    chat_resources.speech = lambda: speech_models
    client, agent = chat
    yield client, agent


def _dispatched(client: TestClient, agent: dict) -> tuple[str, str]:
    """Start a call as the browser does; the metadata LiveKit would hand the worker."""
    body = client.post(f"/api/agents/{agent['id']}/calls").json()
    claims = TokenVerifier(KEY, SECRET).verify(body["token"])
    assert claims.room_config is not None
    return body["conversation_id"], claims.room_config.agents[0].metadata


def _room(metadata: str) -> str:
    """The room LiveKit runs the job in: the call's own (the caller's token names it)."""
    try:
        return room_for(json.loads(metadata)["conversation_id"])
    except (ValueError, KeyError, TypeError):
        return "call-unknown"


def _turns(resources: Resources, conversation_id: str) -> list[tuple[str, str]]:
    with transaction(resources.sessionmaker) as db:
        rows = (
            db.query(ConversationTurn)
            .filter_by(conversation_id=conversation_id)
            .order_by(ConversationTurn.seq)
        )
        return [(t.role, t.text) for t in rows]


def _conversation(resources: Resources, conversation_id: str) -> Conversation:
    with transaction(resources.sessionmaker) as db:
        row = db.get(Conversation, conversation_id)
        assert row is not None
        return row


def test_dispatched_call_books_and_stores_every_turn(
    calls,  # type: ignore[no-untyped-def]
    chat_resources: Resources,
    fake_llm: ScriptedLLM,
) -> None:
    client, agent = calls
    conversation_id, metadata = _dispatched(client, agent)
    fake_llm.script(
        Call("book_appointment", {"day": "tomorrow", "time": "10am", "name": "Ann Lee",
                                  "phone": "555-014-2398"}),
        lambda ctx: Say(last_tool_output(ctx)),
    )  # fmt: skip

    async def scenario() -> str:
        call = await prepare_call(chat_resources, metadata, room=_room(metadata))
        assert call.conversation_id == conversation_id
        # The local speech models, set up as on the local voice channel (one recipe):
        # Whisper primed with the business's words, with a head start and a failure guard.
        speech_to_text = call.session.stt
        assert isinstance(speech_to_text, UtteranceSTT)
        assert speech_to_text.wrapped_stt.vocabulary.startswith("Juniper Vet")  # type: ignore[attr-defined]
        assert call.session.tts is not None
        assert call.session.llm is fake_llm
        greeting = await call.start()
        assert greeting is not None
        assert call.agent.apology_audio  # ready for a voice that fails mid-turn
        await greeting  # the caller hears it out before answering
        result = await call.session.run(user_input="Book me tomorrow at ten, Ann Lee, 5550142398")
        result.expect.next_event().is_function_call(name="book_appointment")
        result.expect.next_event().is_function_call_output()
        reply = result.expect.next_event().is_message(role="assistant").event().item
        result.expect.no_more_events()
        await call.aclose()
        return reply.text_content or ""

    reply = asyncio.run(scenario())
    assert reply.startswith("Booked"), reply

    with transaction(chat_resources.sessionmaker) as db:
        booked = db.query(Appointment).filter_by(agent_id=agent["id"]).one()
        assert booked.customer_name == "Ann Lee"
        assert booked.conversation_id == conversation_id
    assert _turns(chat_resources, conversation_id) == [
        ("agent", "Juniper Vet, Maya speaking. How can I help?"),
        ("caller", "Book me tomorrow at ten, Ann Lee, 5550142398"),
        ("agent", reply),
    ]
    transcript = client.get(f"/api/conversations/{conversation_id}").json()
    assert transcript["turns"][2]["tool_calls"][0]["name"] == "book_appointment"
    row = _conversation(chat_resources, conversation_id)
    assert (row.channel, row.status, row.end_reason) == ("livekit", "ended", "call ended")


def test_agent_hangs_up_after_its_goodbye(
    calls,  # type: ignore[no-untyped-def]
    chat_resources: Resources,
    fake_llm: ScriptedLLM,
) -> None:
    client, agent = calls
    conversation_id, metadata = _dispatched(client, agent)
    fake_llm.script(
        Call("capture_lead", {"name": "Ann Lee", "phone": "(555) 014-2398", "interest": "puppy"}),
        lambda ctx: Say(f"Done: {last_tool_output(ctx)}"),
        Call("end_conversation", {"reason": "caller said goodbye"}),
        Say("Goodbye!"),
    )

    async def scenario() -> None:
        call = await prepare_call(chat_resources, metadata, room=_room(metadata))
        closed = asyncio.Event()
        call.session.on("close", lambda _event: closed.set())
        greeting = await call.start()
        assert greeting is not None
        await greeting
        await call.session.run(user_input="I'm Ann Lee, 555 014 2398, puppy classes please")
        await call.session.run(user_input="That's all, bye")
        # Nobody closes the session here: the agent's own hang-up does.
        await asyncio.wait_for(closed.wait(), 10)
        await call.finish()

    asyncio.run(scenario())
    with transaction(chat_resources.sessionmaker) as db:
        lead = db.query(Lead).filter_by(agent_id=agent["id"]).one()
        assert lead.conversation_id == conversation_id and lead.phone == "5550142398"
    row = _conversation(chat_resources, conversation_id)
    # The agent's reason stands; the session closing does not overwrite it.
    assert row.status == "ended" and row.end_reason == "caller said goodbye"
    assert _turns(chat_resources, conversation_id)[-1] == ("agent", "Goodbye!")


@pytest.mark.parametrize(
    "metadata",
    [
        "",
        "not json",
        json.dumps({"agent_id": "a"}),
        json.dumps({"agent_id": "no-such-agent", "conversation_id": "no-such-conversation"}),
    ],
)
def test_bad_dispatch_metadata_is_refused(
    calls,  # type: ignore[no-untyped-def]
    chat_resources: Resources,
    metadata: str,
) -> None:
    with pytest.raises(CallRefused):
        asyncio.run(prepare_call(chat_resources, metadata, room=_room(metadata)))


def test_metadata_must_name_an_active_conversation_of_its_agent(
    calls,  # type: ignore[no-untyped-def]
    chat_resources: Resources,
) -> None:
    client, agent = calls
    conversation_id, metadata = _dispatched(client, agent)
    other = client.post("/api/agents", data={"name": "Other", "text": "Other business."}).json()
    mismatched = json.dumps({**json.loads(metadata), "agent_id": other["id"]})
    with pytest.raises(CallRefused, match="no conversation"):
        asyncio.run(prepare_call(chat_resources, mismatched, room=_room(mismatched)))

    assert client.post(f"/api/conversations/{conversation_id}/end").status_code == 204
    with pytest.raises(CallRefused, match="already ended"):
        asyncio.run(prepare_call(chat_resources, metadata, room=_room(metadata)))
    assert _turns(chat_resources, conversation_id) == []


def test_job_with_bad_metadata_leaves_without_joining(
    calls,  # type: ignore[no-untyped-def]
    chat_resources: Resources,
    caplog: pytest.LogCaptureFixture,
) -> None:
    async def job() -> bool:
        with fake_job_context(job_metadata="not json") as ctx:
            await answer(ctx, chat_resources)
            return ctx.room.isconnected()

    with caplog.at_level(logging.WARNING, logger="frontdesk.livekit.worker"):
        joined = asyncio.run(job())
    assert joined is False
    assert "refused LiveKit job" in caplog.text and "not JSON" in caplog.text


def test_no_model_ends_the_conversation_with_the_reason(
    calls,  # type: ignore[no-untyped-def]
    chat_resources: Resources,
) -> None:
    client, agent = calls
    conversation_id, metadata = _dispatched(client, agent)

    def no_model() -> llm.LLM:
        from frontdesk.errors import ConfigurationError

        raise ConfigurationError("No language model is configured.")

    chat_resources.llm_factory = no_model
    with pytest.raises(CallRefused, match="No language model"):
        asyncio.run(prepare_call(chat_resources, metadata, room=_room(metadata)))
    row = _conversation(chat_resources, conversation_id)
    assert row.status == "ended" and "No language model" in (row.end_reason or "")


@pytest.mark.parametrize(
    ("choices", "stt", "tts"),
    [
        ({"voice_stt": "openai"}, "openai", "piper"),
        ({"voice_tts": "openai"}, "whisper", "openai"),
        ({"voice_stt": "openai", "voice_tts": "openai"}, "openai", "openai"),
    ],
)
def test_openai_speech_is_chosen_by_settings(
    calls,  # type: ignore[no-untyped-def]
    chat_resources: Resources,
    choices: dict[str, str],
    stt: str,
    tts: str,
) -> None:
    client, agent = calls
    _, metadata = _dispatched(client, agent)
    chat_resources.settings = chat_resources.settings.model_copy(
        update={**choices, "openai_api_key": "sk-test-not-used"}
    )

    async def models() -> tuple[str, str, bool]:
        call = await prepare_call(chat_resources, metadata, room=_room(metadata))
        assert call.session.stt is not None and call.session.tts is not None
        return call.session.stt.provider, call.session.tts.provider, call.models.realtime

    providers = asyncio.run(models())
    assert stt in providers[0].lower() and tts in providers[1].lower(), providers
    assert providers[2] is False


def test_realtime_model_replaces_the_pipeline(
    calls,  # type: ignore[no-untyped-def]
    chat_resources: Resources,
) -> None:
    client, agent = calls
    _, metadata = _dispatched(client, agent)
    chat_resources.settings = chat_resources.settings.model_copy(
        update={"voice_realtime": True, "openai_api_key": "sk-test-not-used"}
    )

    async def models() -> tuple[bool, bool, bool]:
        call = await prepare_call(chat_resources, metadata, room=_room(metadata))
        session = call.session
        return call.models.realtime, session.stt is None, session.tts is None

    assert asyncio.run(models()) == (True, True, True)


def test_openai_speech_without_a_key_is_refused(
    calls,  # type: ignore[no-untyped-def]
    chat_resources: Resources,
) -> None:
    client, agent = calls
    conversation_id, metadata = _dispatched(client, agent)
    chat_resources.settings = chat_resources.settings.model_copy(
        update={"voice_tts": "openai", "openai_api_key": "", "llm_api_key": ""}
    )
    with pytest.raises(CallRefused, match="FRONTDESK_OPENAI_API_KEY"):
        asyncio.run(prepare_call(chat_resources, metadata, room=_room(metadata)))
    assert _conversation(chat_resources, conversation_id).status == "ended"


def test_worker_serves_under_the_agent_name(chat_resources: Resources) -> None:
    """The worker as `frontdesk agent-worker` runs it, minus registering with LiveKit: its
    own status endpoint names the agent that tokens dispatch."""
    chat_resources.settings = chat_resources.settings.model_copy(
        update={"livekit_agent_name": "juniper-receptionist"}
    )

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]

    async def scenario() -> dict:
        server = build_server(chat_resources, port=port)
        started = asyncio.Event()
        server.on("worker_started", started.set)
        running = asyncio.ensure_future(server.run(unregistered=True))
        try:
            await asyncio.wait_for(started.wait(), 30)
            async with httpx.AsyncClient() as client:
                assert (await client.get(f"http://127.0.0.1:{port}/")).text == "OK"
                status = await client.get(f"http://127.0.0.1:{port}/worker")
            return status.json()
        finally:
            await server.aclose()
            await running

    status = asyncio.run(scenario())
    assert status["agent_name"] == "juniper-receptionist"
    assert status["worker_type"] == "JT_ROOM"  # one job per room: per call


def test_a_worker_is_full_at_its_call_limit_not_at_the_machines_cpu() -> None:
    load, full_at = call_load(3)

    class Answering:
        def __init__(self, calls: int) -> None:
            self.active_jobs = [object()] * calls

    # LiveKit offers a worker a call while its load is below the threshold.
    assert [load(Answering(n)) < full_at for n in range(5)] == [True, True, True, False, False]  # type: ignore[arg-type]
    assert full_at < 1  # what LiveKit requires outside dev mode
