"""An agent's conversations for the dashboard: newest first, searchable by what was said."""

from __future__ import annotations

from fastapi.testclient import TestClient

from frontdesk.db import transaction
from frontdesk.models import Conversation
from frontdesk.resources import Resources
from tests.factories import make_signed_in_client
from tests.fake_llm import Say, ScriptedLLM

LONG = (
    "Hello, I would like to book a dental cleaning for my old dog Biscuit, he is twelve and "
    "a bit nervous around other animals, so a quiet morning would be best"
)


def _talk(client: TestClient, agent: dict, *said: str) -> str:
    conversation_id = client.post(f"/api/agents/{agent['id']}/conversations").json()["id"]
    for text in said:
        reply = client.post(f"/api/conversations/{conversation_id}/messages", json={"text": text})
        assert reply.status_code == 200, reply.text
    return conversation_id


def test_conversations_newest_first_with_previews_and_search(  # type: ignore[no-untyped-def]
    chat, fake_llm: ScriptedLLM, chat_resources: Resources
) -> None:
    client, agent = chat
    fake_llm.script(Say("Yes, we see cats."), Say("Happy to help."), Say("Mornings are quiet."))
    cats = _talk(client, agent, "Do you treat cats?")
    dental = _talk(client, agent, LONG, "Is 9 am free?")
    silent = _talk(client, agent)
    client.post(f"/api/conversations/{cats}/end")
    workspace_id = client.get("/api/auth/me").json()["workspace_id"]
    with transaction(chat_resources.sessionmaker) as db:
        db.add(Conversation(workspace_id=workspace_id, agent_id=agent["id"], channel="exam"))

    url = f"/api/agents/{agent['id']}/conversations"
    page = client.get(url).json()
    assert page["total"] == 3
    assert [c["id"] for c in page["conversations"]] == [silent, dental, cats]
    by_id = {c["id"]: c for c in page["conversations"]}
    assert by_id[cats]["preview"] == "Do you treat cats?"
    assert by_id[cats]["turn_count"] == 3  # greeting, question, answer
    assert by_id[cats]["status"] == "ended" and by_id[cats]["end_reason"] == "ended by caller"
    assert by_id[cats]["ended_at"] is not None
    assert (by_id[cats]["channel"], by_id[cats]["source"]) == ("text", "owner")
    assert by_id[dental]["turn_count"] == 5
    preview = by_id[dental]["preview"]
    assert len(preview) <= 120 and preview.endswith("…") and LONG.startswith(preview[:-1])
    assert by_id[silent]["preview"] is None and by_id[silent]["turn_count"] == 1
    assert by_id[silent]["status"] == "active" and by_id[silent]["ended_at"] is None
    assert page["conversations"][0]["created_at"].endswith(("+00:00", "Z"))

    def found(**params: str | int) -> list[str]:
        response = client.get(url, params=params)
        assert response.status_code == 200, response.text
        return [c["id"] for c in response.json()["conversations"]]

    assert found(q="cats") == [cats]
    assert found(q="BISCUIT mornings") == [dental]  # the caller's words and the agent's
    assert found(q="cats biscuit") == []
    assert found(q="%") == [] and found(q="_") == []
    assert found(limit=1) == [silent] and found(limit=2, offset=1) == [dental, cats]
    assert client.get(url, params={"limit": 1}).json()["total"] == 3
    assert len(found(channel="exam")) == 1
    assert found(source="widget") == []
    assert client.get(url, params={"limit": 0}).status_code == 422


def test_another_workspaces_agent_is_404(chat, chat_resources: Resources) -> None:  # type: ignore[no-untyped-def]
    client, agent = chat
    stranger, _ = make_signed_in_client(TestClient(client.app), chat_resources)
    response = stranger.get(f"/api/agents/{agent['id']}/conversations")
    assert response.status_code == 404 and response.json()["error"] == "NotFound"
