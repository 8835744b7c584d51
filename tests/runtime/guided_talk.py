"""A conversation with a receptionist on the embedded model's path (guided actions), for
the tests of the answers given in code: the scripted model says what it would have said,
and `fake_llm.seen` tells whether it was asked at all."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.factories import make_receptionist
from tests.fake_llm import Say, ScriptedLLM
from tests.knowledge.waiting import wait_for_agent
from tests.runtime.test_booking_actions import _start


def guided_conversation(
    chat: tuple[TestClient, dict[str, object]],
    fake_llm: ScriptedLLM,
    *,
    name: str,
    knowledge: str,
    model_says: tuple[str, ...] = (),
) -> tuple[TestClient, str]:
    """(the client, a started conversation's id) with an agent whose one source is
    `knowledge`, built and ready."""
    fake_llm.guided_actions = True  # type: ignore[attr-defined]
    if model_says:
        fake_llm.script(*(Say(words) for words in model_says))
    client = chat[0]
    agent = make_receptionist(client, name=name, knowledge=knowledge)
    wait_for_agent(client, agent["id"])
    return client, _start(client, agent)
