"""After a conversation ends, a queue job stores its outcome, summary, caller details and the
questions the agent could not answer; the outcome and details never depend on the model."""

from __future__ import annotations

import time

from fastapi.testclient import TestClient

from frontdesk.conversations.analysis import Turn, check_answer, decide_outcome
from frontdesk.conversations.analysis_job import ConversationAnalyzer
from frontdesk.db import transaction
from frontdesk.models import ConversationTurn
from frontdesk.providers.llm.structured import StructuredOutputError
from frontdesk.resources import Resources
from tests.fake_llm import Call, Say, ScriptedLLM, ScriptedStructuredModel, last_tool_output

SUMMARY = "Ann Lee booked a check-up for her limping dog tomorrow at 10."


def _start(client: TestClient, agent: dict) -> str:
    response = client.post(f"/api/agents/{agent['id']}/conversations")
    assert response.status_code == 201, response.text
    return response.json()["id"]


def _say(client: TestClient, conversation_id: str, text: str) -> None:
    response = client.post(f"/api/conversations/{conversation_id}/messages", json={"text": text})
    assert response.status_code == 200, response.text


def _end_and_wait(client: TestClient, conversation_id: str) -> dict:
    """End through the HTTP endpoint and wait for the background job's analysis."""
    assert client.post(f"/api/conversations/{conversation_id}/end").status_code == 204
    return _analysed(client, conversation_id)


def _analysed(client: TestClient, conversation_id: str, after: str | None = None) -> dict:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        transcript = client.get(f"/api/conversations/{conversation_id}").json()
        if transcript["analyzed_at"] is not None and transcript["analyzed_at"] != after:
            return transcript
        time.sleep(0.2)
    raise AssertionError(f"conversation {conversation_id} was not analysed in 30 s")


def _model(chat_resources: Resources, *answers: dict | Exception) -> ScriptedStructuredModel:
    model = ScriptedStructuredModel(list(answers))
    chat_resources.structured_factory = lambda: model
    return model


def _answer(summary: str = SUMMARY, unanswered: list[str] | None = None, **details: str) -> dict:
    return {
        "summary": summary,
        "unanswered": unanswered or [],
        "caller_name": details.get("name"),
        "caller_phone": details.get("phone"),
        "caller_email": details.get("email"),
    }


def test_a_booking_is_booked_with_the_callers_details_from_the_tool(  # type: ignore[no-untyped-def]
    chat, fake_llm: ScriptedLLM, chat_resources: Resources
) -> None:
    client, agent = chat
    fake_llm.script(
        Call("book_appointment", {"day": "tomorrow", "time": "10am", "name": "Ann Lee",
                                  "phone": "555-014-2398", "notes": "limping dog"}),
        lambda ctx: Say(last_tool_output(ctx)),
    )  # fmt: skip
    # The model mishears the phone and invents an email: the tool's phone stands, the email
    # the caller never said is not stored.
    model = _model(
        chat_resources, _answer(name="Ann Lee", phone="555 999 0000", email="ann@example.com")
    )
    conversation_id = _start(client, agent)
    _say(client, conversation_id, "Book me tomorrow at 10am please, Ann Lee, 555-014-2398")

    transcript = _end_and_wait(client, conversation_id)

    assert transcript["outcome"] == "booked"
    assert transcript["caller_details"] == {"name": "Ann Lee", "phone": "5550142398", "email": None}
    assert transcript["summary"] == SUMMARY
    assert transcript["analysis_error"] is None and transcript["unanswered"] == []
    assert "Outcome recorded by the system: booked." in model.prompts[0]
    assert "Caller: Book me tomorrow at 10am please" in model.prompts[0]


def test_questions_are_answered_and_only_the_callers_own_questions_stay_open(  # type: ignore[no-untyped-def]
    chat, fake_llm: ScriptedLLM, chat_resources: Resources
) -> None:
    client, agent = chat
    fake_llm.script(Say("Yes, we see cats every day."), Say("I'm not sure about parrots, sorry."))
    summary = "Bob Stone asked about cats and parrots; parrots were not answered."
    _model(
        chat_resources,
        _answer(
            summary,
            ["Do you treat parrots?", "What is your refund policy for horses?"],
            name="Bob Stone",
            phone="555 123 4567",
        ),
    )
    conversation_id = _start(client, agent)
    _say(client, conversation_id, "Hi, this is Bob Stone. Do you treat cats?")
    _say(client, conversation_id, "And do you treat parrots?")

    transcript = _end_and_wait(client, conversation_id)

    assert transcript["outcome"] == "answered"
    assert transcript["summary"] == summary
    assert transcript["unanswered"] == ["Do you treat parrots?"]
    # The name was said, so the model's reading of it is kept; the phone was invented.
    assert transcript["caller_details"] == {"name": "Bob Stone", "phone": None, "email": None}

    listed = client.get(f"/api/agents/{agent['id']}/conversations").json()["conversations"]
    assert (listed[0]["outcome"], listed[0]["summary"]) == ("answered", summary)


def test_a_caller_who_never_speaks_abandoned_without_asking_the_model(  # type: ignore[no-untyped-def]
    chat, chat_resources: Resources
) -> None:
    client, agent = chat
    model = _model(chat_resources)  # no answers: asking it would be an error
    conversation_id = _start(client, agent)

    transcript = _end_and_wait(client, conversation_id)

    assert transcript["outcome"] == "abandoned"
    assert transcript["analysis_error"] is None and model.prompts == []
    assert transcript["caller_details"] == {"name": None, "phone": None, "email": None}


def test_a_failing_or_junk_model_keeps_the_outcome_and_says_why(  # type: ignore[no-untyped-def]
    chat, fake_llm: ScriptedLLM, chat_resources: Resources
) -> None:
    client, agent = chat
    fake_llm.script(
        Call("take_message", {"message": "Call me back about the bill", "name": "Cy Park"}),
        lambda ctx: Say("I've passed that on."),
        Say("Happy to help."),
    )
    _model(
        chat_resources,
        StructuredOutputError("The language model failed: connection refused"),
        {"summary": "", "unanswered": "nothing", "caller_phone": "555 123 4567"},
    )
    failed = _start(client, agent)
    _say(client, failed, "Please ask someone to call me back about the bill, I'm Cy Park")
    junk = _start(client, agent)
    _say(client, junk, "Are you open on Sunday?")

    first = _end_and_wait(client, failed)
    second = _end_and_wait(client, junk)

    assert first["outcome"] == "message_taken" and first["summary"] is None
    assert "connection refused" in first["analysis_error"]
    assert first["caller_details"]["name"] == "Cy Park"
    assert second["outcome"] == "answered" and second["summary"] is None
    assert second["analysis_error"] == "The language model wrote no summary."
    assert second["caller_details"]["phone"] is None


def test_without_any_model_the_outcome_is_stored_and_a_rerun_replaces_it(  # type: ignore[no-untyped-def]
    chat, fake_llm: ScriptedLLM, chat_resources: Resources
) -> None:
    client, agent = chat
    fake_llm.script(Say("We open at nine."))
    conversation_id = _start(client, agent)
    _say(client, conversation_id, "When do you open?")
    assert client.post(f"/api/conversations/{conversation_id}/analysis").status_code == 409

    transcript = _end_and_wait(client, conversation_id)  # tests configure no language model
    assert transcript["outcome"] == "answered" and transcript["summary"] is None
    assert "No language model is configured" in transcript["analysis_error"]

    _model(chat_resources, _answer("The caller asked when the practice opens."))
    response = client.post(f"/api/conversations/{conversation_id}/analysis")
    assert response.status_code == 202
    again = _analysed(client, conversation_id, after=transcript["analyzed_at"])
    assert again["summary"] == "The caller asked when the practice opens."
    assert again["analysis_error"] is None


def test_a_second_job_asks_no_model_unless_a_turn_came_after_or_the_owner_asks(  # type: ignore[no-untyped-def]
    chat, fake_llm: ScriptedLLM, chat_resources: Resources
) -> None:
    client, agent = chat
    fake_llm.script(Say("We open at nine."))
    model = _model(
        chat_resources,
        _answer("The caller asked when the practice opens."),
        _answer("The caller asked about opening hours, Sundays too."),
        _answer("The caller asked about opening hours again."),
    )
    conversation_id = _start(client, agent)
    _say(client, conversation_id, "When do you open?")
    first = _end_and_wait(client, conversation_id)
    assert len(model.prompts) == 1
    analyzer = ConversationAnalyzer(chat_resources)
    # A consumer that starts after the conversation ended enqueues it again beside the
    # job still queued: the second job finds the analysis current and asks no model.
    assert analyzer.run(conversation_id) == first["outcome"]
    assert len(model.prompts) == 1
    # A turn stored after the analysis (a call's last words) makes another run worth it.
    with transaction(chat_resources.sessionmaker) as db:
        db.add(ConversationTurn(conversation_id=conversation_id, seq=99, role="caller",
                                text="And on Sundays?"))  # fmt: skip
    analyzer.run(conversation_id)
    assert len(model.prompts) == 2 and "And on Sundays?" in model.prompts[1]
    second = client.get(f"/api/conversations/{conversation_id}").json()
    assert second["summary"] == "The caller asked about opening hours, Sundays too."
    # The owner's re-run always asks.
    assert client.post(f"/api/conversations/{conversation_id}/analysis").status_code == 202
    third = _analysed(client, conversation_id, after=second["analyzed_at"])
    assert third["summary"] == "The caller asked about opening hours again."
    assert len(model.prompts) == 3


def test_the_listing_filters_by_outcome(  # type: ignore[no-untyped-def]
    chat, fake_llm: ScriptedLLM, chat_resources: Resources
) -> None:
    client, agent = chat
    fake_llm.script(
        Call("handoff_to_human", {"reason": "wants the vet", "name": "Dee"}),
        lambda ctx: Say("Someone will call you."),
    )
    _model(chat_resources, _answer("Dee asked for the vet."))
    handed_off = _start(client, agent)
    _say(client, handed_off, "I need to talk to the vet, I'm Dee")
    silent = _start(client, agent)
    _end_and_wait(client, handed_off)
    _end_and_wait(client, silent)

    url = f"/api/agents/{agent['id']}/conversations"

    def ids(outcome: str) -> list[str]:
        response = client.get(url, params={"outcome": outcome})
        assert response.status_code == 200, response.text
        return [c["id"] for c in response.json()["conversations"]]

    assert ids("handed_off") == [handed_off]
    assert ids("abandoned") == [silent]
    assert ids("booked") == []
    assert client.get(url, params={"outcome": "won"}).status_code == 422


def test_outcome_priority_and_failed_tools() -> None:
    def agent(*calls: tuple[str, bool]) -> Turn:
        return Turn("agent", "ok", [{"name": n, "arguments": {}, "error": e} for n, e in calls])

    asked = Turn("caller", "Can I book?")
    assert decide_outcome([asked, agent(("book_appointment", True), ("take_message", False))]) == (
        "message_taken"
    )
    assert decide_outcome([asked, agent(("capture_lead", False), ("handoff_to_human", False))]) == (
        "handed_off"
    )
    assert decide_outcome([asked, agent(("reschedule_appointment", False))]) == "booked"
    assert decide_outcome([Turn("agent", "Hello"), asked]) == "abandoned"  # hung up unanswered
    assert decide_outcome([Turn("agent", "Hello"), asked, agent()]) == "answered"


def test_a_summary_over_the_limit_is_refused() -> None:
    turns = [Turn("caller", "Hello?"), Turn("agent", "Hi")]
    try:
        check_answer(_answer("word " * 100), turns)
    except ValueError as exc:
        assert "longer than 400" in str(exc)
    else:
        raise AssertionError("a 500-character summary was accepted")
