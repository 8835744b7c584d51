"""Knowledge gaps end to end: real conversations analysed by the queue job, grouped with
the real embedder, answered into real knowledge (Chroma), exam questions re-asked through
the real exam machinery with the scripted model; SQLite and PostgreSQL."""

from __future__ import annotations

import time

from fastapi.testclient import TestClient

from frontdesk.db import transaction
from frontdesk.errors import ConfigurationError
from frontdesk.models import Agent, Exam
from frontdesk.resources import Resources
from frontdesk.runtime.knowledge_note import reference_text
from tests.factories import make_owner, sign_in
from tests.fake_llm import Say, ScriptedLLM, ScriptedStructuredModel
from tests.knowledge.waiting import wait_for_agent

DONT_KNOW = "I'm sorry, I don't know that. I can take a message for the team."
PARKING_ANSWER = "Yes, there is free parking behind the clinic on Elm Street."
REPTILES = {
    "Do you board reptiles?",
    "Can you look after my lizard while I'm away?",
    "Do you take care of snakes over the weekend?",
}
PARKING = {"Is there parking?", "Where can I park my car?"}


def _analysis(unanswered: list[str]) -> dict:
    return {
        "summary": "A caller asked a question.",
        "unanswered": unanswered,
        "caller_name": None,
        "caller_phone": None,
        "caller_email": None,
    }


def _conversation(client: TestClient, agent_id: str, text: str) -> str:
    """One caller turn, then end and wait for the analysis job (which files the gaps)."""
    conversation_id = client.post(f"/api/agents/{agent_id}/conversations").json()["id"]
    said = client.post(f"/api/conversations/{conversation_id}/messages", json={"text": text})
    assert said.status_code == 200, said.text
    assert client.post(f"/api/conversations/{conversation_id}/end").status_code == 204
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if client.get(f"/api/conversations/{conversation_id}").json()["analyzed_at"]:
            return conversation_id
        time.sleep(0.1)
    raise AssertionError(f"conversation {conversation_id} was not analysed")


def _from_the_note(ctx) -> Say:  # type: ignore[no-untyped-def]
    """Reply with the knowledge the agent was given for this turn, as a model would; with
    none, admit not knowing. A reply can only pass if the answer was searchable."""
    for item in reversed(ctx.items):
        note = reference_text(item)
        if note is not None:
            return Say(note.strip())
    return Say(DONT_KNOW)


def _no_model() -> ScriptedStructuredModel:
    raise ConfigurationError("No language model is configured to write exam questions.")


def _rerun_finished(client: TestClient, base: str, gap_id: str) -> dict:
    deadline = time.monotonic() + 90
    while True:
        rerun = client.get(f"{base}/{gap_id}/rerun")
        assert rerun.status_code == 200, rerun.text
        if rerun.json()["status"] in ("done", "failed"):
            return rerun.json()
        assert time.monotonic() < deadline, rerun.json()
        time.sleep(0.2)


def test_gaps_are_grouped_answered_into_knowledge_and_re_examined(  # type: ignore[no-untyped-def]
    chat, fake_llm: ScriptedLLM, chat_resources: Resources
) -> None:
    client, agent = chat
    agent_id = agent["id"]
    base = f"/api/agents/{agent_id}/knowledge-gaps"
    wait_for_agent(client, agent_id)

    # An earlier exam held a question about parking (a model wrote it from a page since
    # removed); the agent failed it.
    with transaction(chat_resources.sessionmaker) as db:
        workspace_id = db.get(Agent, agent_id).workspace_id  # type: ignore[union-attr]
        db.add(
            Exam(
                workspace_id=workspace_id,
                agent_id=agent_id,
                status="done",
                total=1,
                answered=1,
                passed=0,
                score=0.0,
                results=[
                    {
                        "question": "Do you have a car park?",
                        "expected": ["behind the clinic"],
                        "answerable": True,
                        "source": "https://juniper.example/visit",
                        "written_by_model": True,
                        "reply": DONT_KNOW,
                        "passed": False,
                        "why": "expected behind the clinic",
                    }
                ],
            )
        )

    # Callers ask. The analysis lists most questions; for the snakes one it lists none, but
    # the agent said it was not sure: a low-confidence gap all the same. The cats question
    # was answered and is no gap.
    conversations = [
        ("Hello! Do you board reptiles?", ["Do you board reptiles?"], DONT_KNOW),
        ("Is there parking?", ["Is there parking?"], DONT_KNOW),
        (
            "Can you look after my lizard while I'm away?",
            ["Can you look after my lizard while I'm away?"],
            DONT_KNOW,
        ),
        ("Do you sell horse feed?", ["Do you sell horse feed?"], DONT_KNOW),
        ("Do you take care of snakes over the weekend?", [], "I'm not sure about that."),
        ("Where can I park my car?", ["Where can I park my car?"], DONT_KNOW),
        ("Do you see cats?", [], "Yes, we see cats and dogs."),
    ]
    analyst = ScriptedStructuredModel([_analysis(u) for _, u, _ in conversations])
    chat_resources.structured_factory = lambda: analyst
    fake_llm.script(*[Say(reply) for _, _, reply in conversations])
    ids = {text: _conversation(client, agent_id, text) for text, _, _ in conversations}

    listed = client.get(base)
    assert listed.status_code == 200, listed.text
    gaps = listed.json()["gaps"]
    assert [g["count"] for g in gaps] == [3, 2, 1]
    assert listed.json()["counts"] == {"open": 3, "answered": 0, "dismissed": 0}
    reptiles, parking, horse = gaps
    assert {e["question"] for e in reptiles["examples"]} == REPTILES
    assert reptiles["question"] in REPTILES and reptiles["status"] == "open"
    snakes = next(e for e in reptiles["examples"] if "snakes" in e["question"])
    assert snakes["kind"] == "low_confidence"
    assert snakes["conversation_id"] == ids["Do you take care of snakes over the weekend?"]
    assert {e["question"] for e in parking["examples"]} == PARKING
    assert {e["conversation_id"] for e in parking["examples"]} == {
        ids["Is there parking?"],
        ids["Where can I park my car?"],
    }
    assert horse["question"] == "Do you sell horse feed?"
    assert reptiles["first_seen_at"] <= reptiles["last_seen_at"]
    # Stable across reloads: the same groups, ids and order.
    assert client.get(base).json()["gaps"] == gaps

    # Answer the parking gap.
    fake_llm.script(_from_the_note)
    answered = client.post(f"{base}/{parking['id']}/answer", json={"answer": PARKING_ANSWER})
    assert answered.status_code == 202, answered.text
    source = answered.json()["source"]
    assert source["kind"] == "text" and source["title"] == parking["question"]
    gap = answered.json()["gap"]
    assert gap["status"] == "answered" and gap["source_id"] == source["id"]
    assert gap["answer"] == PARKING_ANSWER

    rerun = _rerun_finished(client, base, parking["id"])
    assert rerun["status"] == "done", rerun
    # The exam's parking question, not the others (gearbox, tickets...), was asked again,
    # and the agent now answers it from the new knowledge.
    assert [q["question"] for q in rerun["questions"]] == ["Do you have a car park?"]
    (asked,) = rerun["questions"]
    assert asked["expected"] == ["behind the clinic"] and asked["similarity"] > 0.6
    assert asked["passed"] is True and "behind the clinic" in asked["reply"]
    assert (rerun["answered"], rerun["passed"]) == (1, 1)

    found = client.get(f"/api/agents/{agent_id}/knowledge/search", params={"q": "parking"})
    assert PARKING_ANSWER in found.json()["results"][0]["text"]
    stored = client.get(f"/api/agents/{agent_id}/knowledge/sources/{source['id']}").json()
    assert stored["status"] == "ready" and stored["chunk_count"] >= 1
    assert client.get(f"{base}/{parking['id']}").json()["rerun"]["passed"] == 1

    # Answering again replaces the text of the same source; the old answer is gone.
    fake_llm.script(_from_the_note)
    better = "Yes: free parking behind the clinic, and two disabled bays by the door."
    again = client.post(f"{base}/{parking['id']}/answer", json={"answer": better})
    assert again.status_code == 202, again.text
    assert again.json()["source"]["id"] == source["id"]
    assert _rerun_finished(client, base, parking["id"])["passed"] == 1
    found = client.get(f"/api/agents/{agent_id}/knowledge/search", params={"q": "parking"})
    texts = [r["text"] for r in found.json()["results"]]
    assert better in texts[0] and not any(PARKING_ANSWER in t for t in texts)
    sources = client.get(f"/api/agents/{agent_id}/knowledge/sources").json()
    assert [s["id"] for s in sources].count(source["id"]) == 1 and len(sources) == 2

    # No exam question is about reptiles: the gap's own question is asked, expecting the
    # answer. This reply leaves the answer out, so the re-run shows it failing.
    fake_llm.script(Say("We see cats and dogs."))
    reply = "No, we only see cats and dogs; try the Millbrook reptile centre."
    assert client.post(f"{base}/{reptiles['id']}/answer", json={"answer": reply}).status_code == 202
    rerun = _rerun_finished(client, base, reptiles["id"])
    assert [(q["question"], q["source"]) for q in rerun["questions"]] == [
        (reptiles["question"], "knowledge gap")
    ]
    assert rerun["questions"][0]["passed"] is False and rerun["passed"] == 0
    # From now on that question is in every exam of the agent, expecting the answer.
    chat_resources.structured_factory = _no_model
    fake_llm.script(*[Say(DONT_KNOW)] * 8)  # the booking request takes up to three turns
    exam_id = client.post(f"/api/agents/{agent_id}/exams").json()["id"]
    deadline = time.monotonic() + 60
    while (exam := client.get(f"/api/agents/{agent_id}/exams/{exam_id}").json())[
        "status"
    ] == "running":
        assert time.monotonic() < deadline
        time.sleep(0.1)
    # The gap's question, four the knowledge cannot answer, a booking.
    assert exam["status"] == "done" and exam["total"] == 6, exam
    added = exam["results"][0]
    assert (added["question"], added["source"], added["expected"]) == (
        reptiles["question"],
        "knowledge gap",
        [reply],
    )
    assert added["passed"] is False

    # Dismiss the horse feed question, with a reason.
    dismissed = client.post(f"{base}/{horse['id']}/dismiss", json={"reason": "We sell no feed"})
    assert dismissed.status_code == 200, dismissed.text
    assert (dismissed.json()["status"], dismissed.json()["dismissed_reason"]) == (
        "dismissed",
        "We sell no feed",
    )
    assert client.get(base, params={"status": "open"}).json()["gaps"] == []
    answered_only = client.get(base, params={"status": "answered"}).json()
    assert [g["id"] for g in answered_only["gaps"]] == [reptiles["id"], parking["id"]]
    assert answered_only["counts"] == {"open": 0, "answered": 2, "dismissed": 1}


def test_answers_and_reasons_are_validated_and_gaps_stay_in_their_workspace(  # type: ignore[no-untyped-def]
    chat, fake_llm: ScriptedLLM, chat_resources: Resources
) -> None:
    client, agent = chat
    base = f"/api/agents/{agent['id']}/knowledge-gaps"
    chat_resources.structured_factory = lambda: ScriptedStructuredModel(
        [_analysis(["Is there parking?"])]
    )
    fake_llm.script(Say(DONT_KNOW))
    _conversation(client, agent["id"], "Is there parking?")
    (gap,) = client.get(base).json()["gaps"]

    for body in ({"answer": "   "}, {"answer": "x" * 5000}, {}):
        refused = client.post(f"{base}/{gap['id']}/answer", json=body)
        assert refused.status_code == 422, body
        assert refused.json()["error"] == "ValidationFailed"
    empty = client.post(f"{base}/{gap['id']}/answer", json={"answer": " "}).json()
    assert "Write the answer" in empty["detail"]
    assert client.post(f"{base}/{gap['id']}/dismiss", json={"reason": ""}).status_code == 422
    assert client.get(f"{base}/{gap['id']}/rerun").status_code == 404
    assert client.get(base, params={"status": "nonsense"}).status_code == 422
    assert client.get(f"{base}/nope").status_code == 404
    # Nothing was stored by the refused answers.
    assert client.get(f"{base}/{gap['id']}").json()["status"] == "open"
    assert len(client.get(f"/api/agents/{agent['id']}/knowledge/sources").json()) == 1

    # Another workspace: the agent and the gap are a 404, even through its own agent.
    _, stranger = make_owner(chat_resources)
    sign_in(client, stranger)
    own = client.post("/api/agents", data={"name": "Cedar Spa"}).json()
    for path in (
        base,
        f"{base}/{gap['id']}",
        f"/api/agents/{own['id']}/knowledge-gaps/{gap['id']}",
    ):
        assert client.get(path).status_code == 404, path
    assert client.post(f"{base}/{gap['id']}/answer", json={"answer": "Yes"}).status_code == 404
    assert client.post(f"{base}/{gap['id']}/dismiss", json={"reason": "spam"}).status_code == 404
    assert client.get(f"/api/agents/{own['id']}/knowledge-gaps").json()["gaps"] == []
