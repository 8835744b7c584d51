"""Nothing said is lost: a caller who drops mid-turn still gets the agent's reply stored,
and a conversation outlives the process that started it."""

from __future__ import annotations

import asyncio

from frontdesk.conversations.service import ConversationHub
from frontdesk.db import transaction
from frontdesk.errors import Conflict
from frontdesk.models import Agent
from frontdesk.resources import Resources
from frontdesk.workspace.service import Principal
from tests.factories import make_owner
from tests.fake_llm import Say, ScriptedLLM


def _agent(resources: Resources) -> tuple[Principal, str]:
    workspace, user = make_owner(resources)
    with transaction(resources.sessionmaker) as db:
        # The facts the scripted replies state: the grounding check lets through only what
        # the agent was told.
        facts = {
            "hours_note": "We open at 7 every morning.",
            "services": [{"name": "Sourdough", "price": "$6"}, {"name": "Rye", "price": "$7"}],
        }
        agent = Agent(
            workspace_id=workspace.id,
            name="Bakery",
            greeting="Maple Bakery, hi!",
            business_facts=facts,
        )
        db.add(agent)
        db.flush()
        return Principal(workspace.id, user.id, "test"), agent.id


def test_reply_is_stored_when_the_caller_drops_mid_turn(
    chat_resources: Resources, fake_llm: ScriptedLLM
) -> None:
    principal, agent_id = _agent(chat_resources)

    async def scenario() -> dict:
        hub = ConversationHub(chat_resources)
        started = await hub.start(principal, agent_id)
        fake_llm.script(Say("We open at seven.", delay_s=0.5))
        request = asyncio.create_task(hub.message(principal, started["id"], "When do you open?"))
        await asyncio.sleep(0.2)
        request.cancel()  # the HTTP client hung up
        await asyncio.sleep(1.0)
        transcript = await hub.transcript(principal, started["id"])
        await hub.close_all()
        return transcript

    transcript = asyncio.run(scenario())
    assert [(t["role"], t["text"]) for t in transcript["turns"]] == [
        ("agent", "Maple Bakery, hi!"),
        ("caller", "When do you open?"),
        ("agent", "We open at seven."),
    ]


def test_conversation_resumes_in_a_new_process(
    chat_resources: Resources, fake_llm: ScriptedLLM
) -> None:
    principal, agent_id = _agent(chat_resources)

    async def first_process() -> str:
        hub = ConversationHub(chat_resources)
        started = await hub.start(principal, agent_id)
        fake_llm.script(Say("Sourdough is $6."))
        await hub.message(principal, started["id"], "How much is sourdough?")
        await hub.close_all()  # the server stops
        return started["id"]

    async def second_process(conversation_id: str) -> dict:
        hub = ConversationHub(chat_resources)
        fake_llm.script(Say("Yes, we have rye too."))
        out = await hub.message(principal, conversation_id, "And rye?")
        await hub.close_all()
        return out

    conversation_id = asyncio.run(first_process())
    out = asyncio.run(second_process(conversation_id))
    assert out["reply"] == "Yes, we have rye too."
    # The model was shown the earlier turns when the conversation resumed.
    shown = [item.text_content for item in fake_llm.seen[-1].items if item.type == "message"]
    assert "How much is sourdough?" in shown and "Sourdough is $6." in shown


def test_turns_alternating_between_two_api_processes_keep_the_whole_history(
    chat_resources: Resources, fake_llm: ScriptedLLM
) -> None:
    """Behind a load balancer each message may reach another process (here: two hubs on
    one database, both alive). Each answers with everything said so far, wherever it was
    said, and a conversation ended in one process is ended in the other."""
    principal, agent_id = _agent(chat_resources)

    def shown() -> list[str]:
        return [i.text_content or "" for i in fake_llm.seen[-1].items if i.type == "message"]

    async def scenario() -> tuple[list[str], dict]:
        first, second = ConversationHub(chat_resources), ConversationHub(chat_resources)
        started = await first.start(principal, agent_id)
        conversation_id = started["id"]
        fake_llm.script(Say("Sourdough is $6."))
        await first.message(principal, conversation_id, "How much is sourdough?")
        fake_llm.script(Say("Rye is $7."))
        await second.message(principal, conversation_id, "And rye?")
        assert "How much is sourdough?" in shown() and "Sourdough is $6." in shown()
        fake_llm.script(Say("Both are baked daily."))
        # The first process's session still has two turns fewer than the database.
        await first.message(principal, conversation_id, "Are they fresh?")
        seen_by_first = shown()
        await second.end(principal, conversation_id, "caller_hung_up")
        try:
            await first.message(principal, conversation_id, "Hello?")
        except Conflict as refused:
            assert "ended" in refused.detail
        else:
            raise AssertionError("a conversation ended elsewhere took a message")
        assert conversation_id not in first._live  # its stale session was closed
        transcript = await first.transcript(principal, conversation_id)
        await first.close_all()
        await second.close_all()
        return seen_by_first, transcript

    seen_by_first, transcript = asyncio.run(scenario())
    assert "And rye?" in seen_by_first and "Rye is $7." in seen_by_first
    # Said once each, in order: the stale session did not replay its old history.
    assert [(t["role"], t["text"]) for t in transcript["turns"]] == [
        ("agent", "Maple Bakery, hi!"),
        ("caller", "How much is sourdough?"),
        ("agent", "Sourdough is $6."),
        ("caller", "And rye?"),
        ("agent", "Rye is $7."),
        ("caller", "Are they fresh?"),
        ("agent", "Both are baked daily."),
    ]
    assert seen_by_first.count("How much is sourdough?") == 1
