"""The widget's spoken call over LiveKit, on a business's page in real Chromium: the public
widget API mints the caller's token, `livekit-client` joins LiveKit's own server on
loopback, the dispatched worker answers, and the page shows the answer."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from frontdesk.resources import Resources
from tests.browser.test_widget_page import (  # noqa: F401 (the fixtures)
    Embedded,
    ask_by_voice,
    chromium,
    embedded,
)
from tests.fake_llm import ScriptedLLM
from tests.livekit_calls.real_room import (  # noqa: F401 (the fixtures)
    livekit_line,
    livekit_port_fixture,
    settings_fixture,
)

pytestmark = pytest.mark.timeout(600)


@pytest.fixture
def livekit_room(
    embedded: Embedded,  # noqa: F811
    chat_resources: Resources,
    livekit_port: int,
    tmp_path: Path,
) -> Iterator[None]:
    with livekit_line(chat_resources, embedded.server, livekit_port, tmp_path):
        yield


def test_a_spoken_widget_question_is_answered_over_livekit(
    embedded: Embedded,  # noqa: F811
    livekit_room: None,
    chromium: Callable[..., Page],  # noqa: F811
    fake_llm: ScriptedLLM,
    caller_wav: Callable[[str], Path],
) -> None:
    wav = caller_wav("How much is a rabies vaccination?")
    _, dialog = ask_by_voice(embedded, chromium, wav, fake_llm)
    dialog.get_by_role("button", name="End call").click()
    expect(dialog.get_by_role("status")).to_have_text("Call ended", timeout=30_000)
    listed = embedded.owner.get(
        f"/api/agents/{embedded.agent['id']}/conversations", params={"source": "widget"}
    ).json()
    assert [c["channel"] for c in listed["conversations"]] == ["livekit"], listed
