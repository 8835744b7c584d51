"""The exam: question bank, grading, and a full run through the API with a scripted LLM."""

from __future__ import annotations

import time

from frontdesk.exams.grading import fact_present, grade
from frontdesk.exams.question_bank import UNANSWERABLE, ExamQuestion, questions_from
from frontdesk.knowledge.parsers import parse_document
from tests.fake_llm import Say, ScriptedLLM, ScriptedStructuredModel
from tests.knowledge.waiting import wait_for_agent
from tests.website.juniper_site import price_list_pdf

FACTS = {
    "phone": "(555) 014-2398",
    "email": "hello@juniperlanevet.example",
    "address": "14 Juniper Lane, Millbrook",
    "services": [{"name": "Nail trim", "price": "$15"}],
}


def test_questions_come_from_facts_and_the_price_list() -> None:
    doc = parse_document(price_list_pdf(), "price-list.pdf")
    chunks = [(s.text, "price-list.pdf") for s in doc.sections]
    bank = questions_from(FACTS, chunks)
    by_question = {q.question: q for q in bank}
    assert by_question["What is your phone number?"].expected == ["(555) 014-2398"]
    assert by_question["How much is Rabies vaccination?"].expected == ["$32"]
    assert by_question["How much is Canine dental cleaning?"].expected == ["$240"]
    assert by_question["How much is Nail trim?"].source == "facts"  # not asked twice
    assert [q.question for q in bank if not q.answerable] == UNANSWERABLE
    assert questions_from(FACTS, chunks) == bank  # deterministic


def test_grading() -> None:
    assert fact_present("$32", "It costs 32 dollars.")
    assert not fact_present("$32", "It costs $320.")
    assert fact_present("(555) 014-2398", "Call 555 014 2398 any time")
    assert fact_present("14 Juniper Lane", "We're at 14 juniper lane, Millbrook")
    price = ExamQuestion("How much is a nail trim?", ["$15"])
    assert grade(price, "A nail trim is $15.")[0]
    assert grade(price, "A nail trim is $20.") == (False, "expected $15")
    unknown = ExamQuestion("Do you sell tickets?", [], answerable=False)
    assert grade(unknown, "I don't know that, but I can take a message.")[0]
    assert not grade(unknown, "Yes, tickets are $40.")[0]
    assert not grade(unknown, "Sure we do!")[0]


def _responder(ctx) -> Say:  # type: ignore[no-untyped-def]
    question = next(
        item.text_content
        for item in reversed(ctx.items)
        if item.type == "message" and item.role == "user"
    )
    answers = {
        "phone": "Call us on (555) 014-2398.",
        "email": "Write to hello@juniperlanevet.example.",
        "address": "We are at 14 Juniper Lane.",
        "Nail trim": "A nail trim is $18.",  # wrong on purpose
    }
    for key, answer in answers.items():
        if key in question:
            return Say(answer)
    return Say("I don't know that, but I can take a message.")


def test_exam_through_the_api(chat, fake_llm: ScriptedLLM) -> None:  # type: ignore[no-untyped-def]
    client, agent = chat
    client.patch(f"/api/agents/{agent['id']}", json={"business_facts": FACTS})
    fake_llm.script(*[_responder] * 20)
    started = client.post(f"/api/agents/{agent['id']}/exams")
    assert started.status_code == 202, started.text
    exam_id = started.json()["id"]
    deadline = time.monotonic() + 60
    while True:
        exam = client.get(f"/api/agents/{agent['id']}/exams/{exam_id}").json()
        if exam["status"] != "running":
            break
        assert time.monotonic() < deadline, exam
        time.sleep(0.1)
    assert exam["status"] == "done" and exam["total"] == exam["answered"] == 8
    assert exam["passed"] == 7 and exam["score"] == 0.875
    assert [f["question"] for f in exam["failures"]] == ["How much is Nail trim?"]
    assert exam["failures"][0]["why"] == "expected $15"
    assert client.get(f"/api/agents/{agent['id']}/exams").json()[0]["id"] == exam_id
    # Each question had its own conversation, stored like any other.
    assert len(fake_llm.seen) == 8


def _finished(client, agent_id: str, exam_id: str) -> dict:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + 60
    while True:
        exam = client.get(f"/api/agents/{agent_id}/exams/{exam_id}").json()
        if exam["status"] != "running":
            return exam
        assert time.monotonic() < deadline, exam
        time.sleep(0.1)


def test_exam_needs_something_to_ask(chat) -> None:  # type: ignore[no-untyped-def]
    client, _ = chat
    empty = client.post("/api/agents", data={"name": "Empty"}).json()
    refused = client.post(f"/api/agents/{empty['id']}/exams")
    assert refused.status_code == 422 and "Nothing to examine" in refused.json()["detail"]


def test_knowledge_without_facts_or_model_fails_with_a_reason(chat) -> None:  # type: ignore[no-untyped-def]
    # The chat agent knows "We see cats and dogs." but no prices or contacts, and no model is
    # configured to write questions from that text.
    client, agent = chat
    wait_for_agent(client, agent["id"])
    started = client.post(f"/api/agents/{agent['id']}/exams")
    assert started.status_code == 202, started.text
    exam = _finished(client, agent["id"], started.json()["id"])
    assert exam["status"] == "failed" and "No question could be written" in exam["error"]


def test_exam_with_model_written_questions(chat_resources, chat, fake_llm: ScriptedLLM) -> None:  # type: ignore[no-untyped-def]
    client, agent = chat
    writer = ScriptedStructuredModel(
        [{"pairs": [{"question": "Which animals do you see?", "answer": "cats and dogs"}]}]
    )
    chat_resources.structured_factory = lambda: writer
    wait_for_agent(client, agent["id"])
    fake_llm.script(Say("We see cats and dogs."), *[_responder] * 10)
    started = client.post(f"/api/agents/{agent['id']}/exams")
    exam = _finished(client, agent["id"], started.json()["id"])
    assert exam["status"] == "done", exam
    assert exam["total"] == exam["answered"] == 1 + len(UNANSWERABLE)
    written = exam["results"][0]
    assert written["question"] == "Which animals do you see?" and written["passed"]
    assert written["expected"] == ["cats and dogs"] and written["written_by_model"]
    assert writer.closed == 1
