"""The agent's Knowledge gaps tab in Chromium: the groups with their counts and example
conversation links, an answer added from the tab, the gap marked answered with the exam
re-run's result; every control has a name, and the tab fits a phone."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page, Playwright, expect

from frontdesk.resources import Resources
from frontdesk.runtime.knowledge_note import reference_text
from tests.browser.conftest import signed_in_page
from tests.browser.test_dashboard_screens import UNNAMED_CONTROLS
from tests.factories import PASSWORD, make_owner, make_receptionist
from tests.fake_llm import Say, ScriptedLLM, ScriptedStructuredModel
from tests.knowledge.waiting import wait_for_agent
from tests.live_server import serving

pytestmark = pytest.mark.timeout(300)

WAIT_MS = 60_000
DONT_KNOW = "I'm sorry, I don't know that. I can take a message."
ANSWER = "Free parking behind the clinic."
# Wider than the window means the phone reader scrolls sideways.
OVERFLOWS = "() => document.documentElement.scrollWidth > window.innerWidth + 1"


def _talk(api: httpx.Client, agent_id: str, text: str) -> str:
    started = api.post(f"/api/agents/{agent_id}/conversations").json()["id"]
    said = api.post(f"/api/conversations/{started}/messages", json={"text": text})
    assert said.status_code == 200, said.text
    assert api.post(f"/api/conversations/{started}/end").status_code == 204
    deadline = time.monotonic() + 30
    while api.get(f"/api/conversations/{started}").json()["analyzed_at"] is None:
        assert time.monotonic() < deadline, "the conversation was not analysed"
        time.sleep(0.2)
    return started


def _from_the_note(ctx) -> Say:  # type: ignore[no-untyped-def]
    """Reply with the knowledge found for the turn: only a searchable answer passes."""
    for item in reversed(ctx.items):
        note = reference_text(item)
        if note is not None:
            return Say(note.strip())
    return Say(DONT_KNOW)


@pytest.fixture
def gaps_tab(
    playwright_driver: Playwright, chat_resources: Resources, fake_llm: ScriptedLLM
) -> Iterator[tuple[Page, httpx.Client, dict, dict[str, str]]]:
    """A signed-in owner on the tab; callers asked twice about parking and once about
    horse feed, and the agent did not know."""
    _, owner = make_owner(chat_resources)
    with serving(chat_resources) as url, httpx.Client(base_url=url, timeout=30) as api:
        login = api.post("/api/auth/login", json={"email": owner.email, "password": PASSWORD})
        assert login.status_code == 200, login.text
        agent = make_receptionist(api)
        wait_for_agent(api, agent["id"])  # type: ignore[arg-type]
        questions = ["Is there parking?", "Do you sell horse feed?", "Where can I park my car?"]
        # Built once: the analysis asks the factory for a model per conversation.
        model = ScriptedStructuredModel(
            [
                {"summary": "A question.", "unanswered": [q], "caller_name": None,
                 "caller_phone": None, "caller_email": None}
                for q in questions
            ]
        )  # fmt: skip
        chat_resources.structured_factory = lambda: model
        fake_llm.script(*[Say(DONT_KNOW)] * len(questions))
        ids = {q: _talk(api, agent["id"], q) for q in questions}
        with signed_in_page(playwright_driver, url, login, f"/agents/{agent['id']}/gaps") as page:
            yield page, api, agent, ids


def test_gaps_are_listed_answered_and_re_examined(
    gaps_tab: tuple[Page, httpx.Client, dict, dict[str, str]],
    fake_llm: ScriptedLLM,
    screenshot: Callable[[Page, str], Path],
) -> None:
    page, api, agent, ids = gaps_tab
    expect(page.get_by_role("heading", name="Knowledge gaps")).to_be_visible(timeout=WAIT_MS)
    cards = page.locator("li.gap")
    expect(cards).to_have_count(2)
    parking, horse = cards.nth(0), cards.nth(1)
    expect(parking.locator(".gap-count")).to_have_text("Asked in 2 conversations")
    expect(horse.locator(".gap-count")).to_have_text("Asked in 1 conversation")
    expect(horse.get_by_role("heading")).to_have_text("Do you sell horse feed?")
    # Each example links to its conversation, named by what the caller said.
    link = parking.get_by_role("link", name="Open the conversation: Where can I park my car?")
    expect(link).to_have_attribute(
        "href", f"/agents/{agent['id']}/conversations/{ids['Where can I park my car?']}"
    )
    expect(
        parking.get_by_role("link", name="Open the conversation: Is there parking?")
    ).to_have_attribute("href", f"/agents/{agent['id']}/conversations/{ids['Is there parking?']}")
    assert page.evaluate(UNNAMED_CONTROLS) == []
    screenshot(page, "60-knowledge-gaps")

    # Answer the parking gap from the tab: the agent is asked again and now knows.
    fake_llm.script(_from_the_note)
    parking.get_by_label("Answer").fill(ANSWER)
    parking.get_by_role("button", name="Add answer").click()
    expect(parking.get_by_text("Answered", exact=True)).to_be_visible(timeout=WAIT_MS)
    expect(parking.get_by_role("heading", level=5)).to_contain_text(
        "Exam re-run: finished — 1 of 1 question passed", timeout=WAIT_MS
    )
    expect(parking.get_by_text("Passed", exact=True)).to_be_visible()
    expect(parking.locator(".gap-answer")).to_contain_text(ANSWER)
    gap = api.get(f"/api/agents/{agent['id']}/knowledge-gaps").json()["gaps"][0]
    assert gap["status"] == "answered" and gap["rerun"]["passed"] == 1
    found = api.get(f"/api/agents/{agent['id']}/knowledge/search", params={"q": "parking"})
    assert ANSWER in found.json()["results"][0]["text"]

    # Dismiss the other one with a reason; the filter shows what is left open.
    horse.get_by_label("Reason to dismiss").fill("We sell no feed")
    horse.get_by_role("button", name="Dismiss").click()
    expect(horse.get_by_text("Dismissed:")).to_be_visible()
    page.get_by_label("Show").select_option("open")
    expect(page.get_by_text("No open gaps")).to_be_visible()
    page.get_by_label("Show").select_option("")
    expect(cards).to_have_count(2)

    page.set_viewport_size({"width": 390, "height": 844})
    expect(cards.first).to_be_visible()
    assert page.evaluate(OVERFLOWS) is False
    screenshot(page, "61-knowledge-gaps-phone")

    # An example opens its conversation.
    link.click()
    expect(page).to_have_url(
        f"{page.url.split('/agents/')[0]}/agents/{agent['id']}/conversations/"
        f"{ids['Where can I park my car?']}"
    )
    expect(page.get_by_text("Where can I park my car?").first).to_be_visible()
