"""A call from the talk page in real Chromium: a fake microphone speaks, the real server
transcribes it (Whisper), a scripted LLM answers, Piper speaks, and the page shows it."""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import expect

from frontdesk.db import transaction
from frontdesk.models import Appointment
from frontdesk.resources import Resources
from tests.fake_llm import Call, Say, ScriptedLLM, last_tool_output

pytestmark = pytest.mark.timeout(300)

# A 2-core machine runs Chromium, Whisper and Piper at once: waits are long on purpose.
CALL_S = 180
ANSWER = "A rabies vaccination is thirty two dollars."


def _hang_up(page) -> None:  # type: ignore[no-untyped-def]
    page.get_by_role("button", name="Hang up").click()
    expect(page.get_by_role("status")).to_contain_text("Call ended", timeout=30_000)


def _ended_conversation(live_server, conversation_id: str) -> dict:  # type: ignore[no-untyped-def]
    """The stored conversation once the server has closed it (hanging up is asynchronous)."""
    deadline = time.monotonic() + 30
    while True:
        stored = live_server.api.get(f"/api/conversations/{conversation_id}").json()
        if stored["status"] == "ended" or time.monotonic() > deadline:
            assert stored["status"] == "ended", stored
            return stored
        time.sleep(0.25)


def test_question_is_answered_in_the_captions_and_stored(
    live_server, open_talk_page, caller_wav, fake_llm: ScriptedLLM
) -> None:  # type: ignore[no-untyped-def]
    # Chromium loops the file, so the caller may ask again: the same answer each time.
    fake_llm.script(Say(ANSWER), Say(ANSWER), Say(ANSWER))
    talk = open_talk_page(caller_wav("How much is a rabies vaccination?"))
    page = talk.page
    expect(page.get_by_role("heading", name="Talk to Juniper Vet")).to_be_visible()
    page.get_by_role("button", name="Call").click()
    expect(page.get_by_role("status")).to_have_text("Connected", timeout=60_000)
    # The fake microphone reaches the meter through the AudioWorklet.
    page.wait_for_function(
        "document.getElementById('mic-level').value > 0.2", timeout=CALL_S * 1000
    )
    transcript = page.get_by_role("log")
    expect(transcript).to_contain_text(ANSWER, timeout=CALL_S * 1000)
    answer = page.locator(".line.agent", has_text=ANSWER).first
    expect(answer.locator(".timings")).to_contain_text("end of speech to audio", timeout=60_000)
    expect(page.locator(".line.caller", has_text="vaccination").first).to_be_visible()
    conversation_id = page.locator("#talk").get_attribute("data-conversation-id")
    assert conversation_id
    _hang_up(page)

    stored = _ended_conversation(live_server, conversation_id)
    assert stored["channel"] == "voice"
    asked = [t for t in stored["turns"] if t["role"] == "caller"]
    assert any("vaccination" in t["text"].lower() and t["timings"] for t in asked), stored
    answered = [t for t in stored["turns"] if t["role"] == "agent" and t["text"] == ANSWER]
    assert answered and answered[0]["timings"]["end_of_speech_to_audio_ms"] > 0, stored


def test_booking_by_voice_lands_in_the_calendar(
    live_server, open_talk_page, caller_wav, fake_llm: ScriptedLLM, chat_resources: Resources
) -> None:  # type: ignore[no-untyped-def]
    fake_llm.script(
        Call("book_appointment", {"day": "tomorrow", "time": "10am", "name": "Ann Lee",
                                  "phone": "555-014-2398"}),
        lambda ctx: Say(last_tool_output(ctx)),
    )  # fmt: skip
    talk = open_talk_page(
        caller_wav("Book me for tomorrow at ten. I am Ann Lee, five five five, zero one four, "
                   "two three nine eight.")
    )  # fmt: skip
    page = talk.page
    page.get_by_role("button", name="Call").click()
    expect(page.get_by_role("status")).to_have_text("Connected", timeout=60_000)
    # The page lists the tool the agent used under its turn.
    expect(page.get_by_role("log")).to_contain_text("book_appointment", timeout=CALL_S * 1000)
    deadline = time.monotonic() + 30
    while True:
        with transaction(chat_resources.sessionmaker) as db:
            booked = db.query(Appointment).filter_by(agent_id=live_server.agent["id"]).all()
            names = [a.customer_name for a in booked]
        if names or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    assert names == ["Ann Lee"]
    _hang_up(page)


# Keeps every WebSocket the page opens, so the test can drop one as a network failure would.
RECORD_SOCKETS = """
window.__sockets = [];
const NativeWebSocket = window.WebSocket;
window.WebSocket = class extends NativeWebSocket {
  constructor(...args) { super(...args); window.__sockets.push(this); }
};
"""


def test_dropped_connection_reconnects_as_a_new_call(
    live_server, open_talk_page, caller_wav
) -> None:  # type: ignore[no-untyped-def]
    talk = open_talk_page(caller_wav("Hello?", after_s=4.0))
    page = talk.page
    page.add_init_script(RECORD_SOCKETS)
    page.reload()
    page.get_by_role("button", name="Call").click()
    status = page.get_by_role("status")
    expect(status).to_have_text("Connected", timeout=60_000)
    main = page.locator("#talk")
    first = main.get_attribute("data-conversation-id")
    page.evaluate("window.__sockets.at(-1).close()")
    expect(status).to_contain_text("reconnecting", timeout=10_000)
    expect(status).to_have_text("Connected", timeout=60_000)
    second = main.get_attribute("data-conversation-id")
    assert first and second and second != first
    assert page.evaluate("window.__sockets.length") == 2
    _hang_up(page)
    # The dropped call was closed on the server too.
    _ended_conversation(live_server, first)


def test_dashboard_test_console_call_shows_captions_and_timings(
    live_server, open_talk_page, caller_wav, fake_llm: ScriptedLLM
) -> None:  # type: ignore[no-untyped-def]
    """The agent page's test console makes the same call, with the turn's latency inline."""
    fake_llm.script(Say(ANSWER), Say(ANSWER), Say(ANSWER))
    agent_id = live_server.agent["id"]
    talk = open_talk_page(
        caller_wav("How much is a rabies vaccination?"), f"/agents/{agent_id}/test"
    )
    page = talk.page
    page.get_by_role("button", name="Call").click()
    expect(page.locator(".call-state")).to_have_text("Connected", timeout=60_000)
    transcript = page.get_by_role("log", name="Conversation")
    expect(transcript).to_contain_text(ANSWER, timeout=CALL_S * 1000)
    answer = transcript.locator(".line.agent.done", has_text=ANSWER).first
    expect(answer.locator(".timings")).to_contain_text("end of speech to audio", timeout=60_000)
    expect(transcript.locator(".line.caller", has_text="vaccination").first).to_be_visible()
    page.get_by_role("button", name="Hang up").click()
    expect(page.locator(".call-state")).to_have_text("Call ended", timeout=30_000)
