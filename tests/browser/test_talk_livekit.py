"""The talk page's call over LiveKit, in real Chromium: the page asks for a call, gets
`{url, token, room}`, joins with `livekit-client` and a fake microphone; LiveKit's own server
on loopback dispatches the agent worker (the real speech models, a scripted LLM), and the
answer reaches the page in captions and audio, with the turn's timings over the room."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect

from frontdesk.resources import Resources
from tests.browser.conftest import LiveServer
from tests.fake_llm import Say, ScriptedLLM
from tests.livekit_calls.real_room import (  # noqa: F401 (the fixtures)
    livekit_line,
    livekit_port_fixture,
    settings_fixture,
)

pytestmark = pytest.mark.timeout(600)

CALL_S = 180
ANSWER = "A rabies vaccination is thirty two dollars."


@pytest.fixture
def livekit_room(
    live_server: LiveServer, chat_resources: Resources, livekit_port: int, tmp_path: Path
) -> Iterator[None]:
    """LiveKit's server, its webhooks pointed at the live server, and a registered worker."""
    with livekit_line(chat_resources, live_server.url, livekit_port, tmp_path):
        yield


def test_the_talk_page_calls_over_livekit(  # type: ignore[no-untyped-def]
    live_server: LiveServer, livekit_room, open_talk_page, caller_wav, fake_llm: ScriptedLLM
) -> None:
    fake_llm.script(Say(ANSWER), Say(ANSWER), Say(ANSWER))
    talk = open_talk_page(caller_wav("How much is a rabies vaccination?"))
    page = talk.page
    with page.expect_response(lambda r: r.url.endswith("/calls")) as started:
        page.get_by_role("button", name="Call").click()
    body = started.value.json()
    assert body["transport"] == "livekit" and set(body) >= {"url", "token", "room"}
    expect(page.get_by_role("status")).to_have_text("Connected", timeout=60_000)
    transcript = page.get_by_role("log")
    expect(transcript).to_contain_text("Maya speaking", timeout=CALL_S * 1000)
    expect(transcript).to_contain_text(ANSWER, timeout=CALL_S * 1000)
    expect(page.locator(".line.caller", has_text="vaccination").first).to_be_visible()
    # The turn's timings came over the room, as they do over the WebSocket.
    answer = page.locator(".line.agent", has_text=ANSWER).first
    expect(answer.locator(".timings")).to_contain_text("end of speech to audio", timeout=60_000)
    assert page.locator("audio").count() >= 1  # the agent's voice is playing in the page
    conversation_id = page.locator("#talk").get_attribute("data-conversation-id")
    assert conversation_id == body["conversation_id"]
    page.get_by_role("button", name="Hang up").click()
    expect(page.get_by_role("status")).to_contain_text("Call ended", timeout=30_000)
    deadline = time.monotonic() + 30
    while (row := live_server.api.get(f"/api/conversations/{conversation_id}").json())[
        "status"
    ] != "ended":
        assert time.monotonic() < deadline, row
        time.sleep(0.25)
    assert row["channel"] == "livekit"
    answered = [t for t in row["turns"] if t["role"] == "agent" and t["text"] == ANSWER]
    assert answered and answered[0]["timings"]["end_of_speech_to_audio_ms"] > 0, row
