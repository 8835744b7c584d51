"""The exam: question bank, grading, and a full run through the API with a scripted LLM."""

from __future__ import annotations

import re
import time

from frontdesk.exams.grading import fact_present, grade
from frontdesk.exams.question_bank import UNANSWERABLE, ExamQuestion, questions_from
from frontdesk.knowledge.parsers import parse_document
from tests.fake_llm import Call, Say, ScriptedLLM, ScriptedStructuredModel
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
    # Questions callers really ask, on topics the knowledge never mentions.
    unanswerable = [q.question for q in bank if not q.answerable]
    assert len(unanswerable) == 4 and set(unanswerable) <= set(UNANSWERABLE)
    assert questions_from(FACTS, chunks) == bank  # deterministic


def test_every_page_with_facts_is_asked_about_and_menus_more() -> None:
    chunks = [
        ("Menu › Mains\n\nDuck Confit\nCrispy leg, lentils\n$34\nSteak Frites — $38\n"
         "Burger — £18", "http://s/menu"),
        ("Contact\n\n450 Park Avenue South, New York, NY 10016\nPhone: (212) 555-0143",
         "http://s/contact"),
        ("Hours\n\nMonday–Friday: 11–10\nSaturday–Sunday: 10–11", "http://s/"),
        ("Parking\n\nValet parking is $20 at the door.", "http://s/faq"),
    ]  # fmt: skip
    bank = questions_from({}, chunks)
    by_page: dict[str, list] = {}
    for q in bank:
        by_page.setdefault(q.source, []).append(q)
    assert len(by_page["http://s/menu"]) == 3
    assert {q.question: q.expected for q in by_page["http://s/menu"]}[
        "How much is Duck Confit?"
    ] == ["$34"]
    hours = {q.question: q.expected for q in by_page["http://s/"]}
    assert hours["What are your opening hours on Saturday?"] == ["10 am", "11 pm"]
    assert hours["What are your opening hours on Monday?"] == ["11 am", "10 pm"]
    contact = {q.question: q.expected for q in by_page["http://s/contact"]}
    assert contact["Where are you located?"] == ["450 Park Avenue South"]
    assert contact["What number can I call you on?"] == ["(212) 555-0143"]
    # The site talks about valet parking: never asked as if it did not.
    assert "Do you have valet parking?" not in [q.question for q in bank]


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
    assert not grade(unknown, "Don't worry, we do!")[0]  # "don't" is not an admission
    # Judged against what the agent knows: a right price beside an invented one fails, and
    # so does an admission that comes with a made-up number.
    knows = "Nail trim — $15. Call (555) 014-2398."
    assert grade(price, "A nail trim is $15.", knows)[0]
    assert grade(price, "A nail trim is $15, plus $5 for filing.", knows) == (
        False,
        "stated 5, which the knowledge does not say",
    )
    assert not grade(unknown, "I'm not sure; call 555 014 9999 to ask.", knows)[0]
    assert grade(unknown, "I'm not sure; call (555) 014-2398 to ask.", knows)[0]
    # Reworded phrases need every word, not two thirds of them.
    assert fact_present("Tuesdays and Thursdays", "Grooming is on Thursdays and Tuesdays.")
    assert not fact_present("Tuesdays and Thursdays", "Grooming is on Tuesdays.")
    assert fact_present("9 am", "We open at 9:00.") and not fact_present("9 am", "At 9:30.")


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
    if question.startswith("I'd like to book"):
        # The caller's own day and time, as a model would pass them on.
        when = re.search(r" on \w+, (\w+ \d+), at ([\w: ]+)\.", question)
        assert when, question
        return Call(
            "book_appointment",
            {"day": when.group(1), "time": when.group(2), "name": "Sam Rivera",
             "phone": "+1 202 555 0147"},
        )  # fmt: skip
    return Say("I don't know that, but I can take a message.")


def test_exam_through_the_api(chat, fake_llm: ScriptedLLM) -> None:  # type: ignore[no-untyped-def]
    client, agent = chat
    client.patch(f"/api/agents/{agent['id']}", json={"business_facts": FACTS})
    fake_llm.script(*[_responder] * 9, Say("You're booked!"), *[_responder] * 10)
    started = client.post(f"/api/agents/{agent['id']}/exams")
    assert started.status_code == 202, started.text
    exam_id = started.json()["id"]
    exam = _finished(client, agent["id"], exam_id)
    # Phone, email, address, nail trim; four questions the knowledge cannot answer; a booking.
    assert exam["status"] == "done" and exam["total"] == exam["answered"] == 9
    assert exam["passed"] == 8 and exam["score"] == round(8 / 9, 3)
    assert [f["question"] for f in exam["failures"]] == ["How much is Nail trim?"]
    assert exam["failures"][0]["why"] == "expected $15"
    booking = exam["results"][-1]
    assert booking["booking"] and booking["passed"], booking
    assert booking["why"].startswith("booked " + booking["booking"]["weekday"])
    # The exam's booking is taken out of the owner's calendar again.
    listed = client.get(f"/api/agents/{agent['id']}/appointments").json()
    rows = listed if isinstance(listed, list) else listed.get("items", [])
    assert all(a["status"] == "cancelled" for a in rows), rows
    assert client.get(f"/api/agents/{agent['id']}/exams").json()[0]["id"] == exam_id
    # Each question had its own conversation, stored like any other (the booking: the
    # request and the model's reply to the tool's result).
    assert len(fake_llm.seen) == 10


def test_a_booking_that_lands_at_another_time_fails(chat, fake_llm: ScriptedLLM) -> None:  # type: ignore[no-untyped-def]
    client, agent = chat
    client.patch(f"/api/agents/{agent['id']}", json={"business_facts": FACTS})

    def first_free_slot(ctx):  # type: ignore[no-untyped-def]
        step = _responder(ctx)
        if isinstance(step, Call):
            step.arguments["time"] = "4 pm"  # the request names 10 am
        return step

    fake_llm.script(*[first_free_slot] * 9, Say("Booked."), *[_responder] * 10)
    exam = _finished(
        client, agent["id"], client.post(f"/api/agents/{agent['id']}/exams").json()["id"]
    )
    booking = exam["results"][-1]
    # The booking tool refuses a time the caller did not name (runtime/booking_checks), so
    # the model's "Booked." stands on nothing: the exam fails it, by the rows stored.
    assert not booking["passed"] and booking["why"] == "nothing was booked", booking
    listed = client.get(f"/api/agents/{agent['id']}/appointments").json()
    rows = listed if isinstance(listed, list) else listed.get("items", [])
    assert rows == [], rows


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
    assert exam["total"] == exam["answered"] == 1 + 4 + 1  # written, unanswerable, booking
    written = exam["results"][0]
    assert written["question"] == "Which animals do you see?" and written["passed"]
    assert written["expected"] == ["cats and dogs"] and written["written_by_model"]
    assert writer.closed == 1
