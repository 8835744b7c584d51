"""The owner's whole journey in real Chromium, by clicking: an empty install → the first-run
account → a new agent from the test website and a document → its sources read live → the
onboarding interview as a chat → the generated agent reviewed → talking to it. Screenshots
of every main screen go to the run's artifacts (test-artifacts/screenshots/)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from livekit.agents import llm
from playwright.sync_api import Page, Playwright, expect

from frontdesk.resources import Resources
from frontdesk.workspace.security import setup_token
from tests.browser.conftest import launch_chromium, watch
from tests.fake_llm import Say, ScriptedLLM
from tests.live_server import serving
from tests.onboarding.test_interview import ANSWERS
from tests.website.juniper_site import juniper_site
from tests.website.server import LoopbackSite

pytestmark = pytest.mark.timeout(420)

WAIT_MS = 120_000  # a 2-core machine crawls, embeds and runs Chromium at once
ANSWER = "A rabies vaccination is $32."


def _caller_words(chat_ctx: llm.ChatContext) -> str:
    for item in reversed(chat_ctx.items):
        if item.type == "message" and item.role == "user":
            return item.text_content or ""
    return ""


def _receptionist(chat_ctx: llm.ChatContext) -> Say:
    """The scripted model answers by the question, so the exam that starts by itself after
    onboarding (sharing the model) cannot take the test console's answer."""
    if "rabies" in _caller_words(chat_ctx).lower():
        return Say(ANSWER)
    return Say("I'm sorry, I don't know that.")


def _current_question(page: Page) -> str:
    current = page.locator(".current-question")
    expect(current).to_have_count(1, timeout=WAIT_MS)
    return current.get_attribute("data-question-id") or ""


@pytest.fixture
def site() -> Iterator[LoopbackSite]:
    with juniper_site() as running:
        yield running


@pytest.fixture
def owner_page(
    playwright_driver: Playwright, chat_resources: Resources
) -> Iterator[tuple[Page, str]]:
    """A fresh install (no account yet) served on loopback, and a Chromium tab."""
    with serving(chat_resources) as url:
        browser = launch_chromium(playwright_driver)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        console = watch(page)
        try:
            yield page, url
        finally:
            print("browser console:", *console, sep="\n  ")
            browser.close()


def test_from_empty_install_to_talking_with_a_new_agent(
    owner_page: tuple[Page, str],
    chat_resources: Resources,
    fake_llm: ScriptedLLM,
    site: LoopbackSite,
    tmp_path: Path,
    screenshot: Callable[[Page, str], Path],
) -> None:
    page, url = owner_page
    fake_llm.script(*[_receptionist] * 400)

    # An install without an owner sends every visitor to the first-run page.
    page.goto(url + "/")
    expect(page).to_have_url(re.compile(r"/setup"))
    expect(page.get_by_role("alert")).to_contain_text("setup link")
    page.goto(f"{url}/setup?token={setup_token(chat_resources.settings.signing_key)}")
    expect(page.get_by_role("heading", name="Create the owner account")).to_be_visible()
    page.get_by_label("Business name").fill("Juniper Lane Veterinary Clinic")
    page.get_by_label("Your name").fill("Rosa Alvarez")
    page.get_by_label("Email").fill("rosa@juniperlanevet.example")
    page.get_by_label("Password").fill("a long enough password")
    screenshot(page, "01-first-run")
    page.get_by_role("button", name="Create account").click()

    # Signed in, nothing yet: the empty state leads to the wizard.
    expect(page.get_by_role("heading", name="No agents yet")).to_be_visible()
    expect(page.get_by_role("banner")).to_contain_text("rosa@juniperlanevet.example")
    screenshot(page, "02-agents-empty")
    page.get_by_role("link", name="Create your first agent").click()

    # Step 1: the website and a document, picked through the drop zone's file chooser.
    notes = tmp_path / "after-hours.txt"
    notes.write_text(
        "After-hours emergencies: call the Millbrook Animal ER at 555-014-9911.\n",
        encoding="utf-8",
    )
    page.get_by_label("Business name").fill("Juniper Lane Vet")
    page.get_by_label("Website").fill(site.url("/"))
    with page.expect_file_chooser() as chooser:
        page.get_by_role("button", name="Choose files").click()
    chooser.value.set_files(str(notes))
    expect(page.get_by_role("list", name="Chosen documents")).to_contain_text("after-hours.txt")
    screenshot(page, "03-wizard-sources")
    page.get_by_role("button", name="Read my sources").click()

    # Step 2: live progress per source, then on to the interview.
    progress = page.get_by_role("list", name="Sources being read")
    expect(progress).to_contain_text("pages found", timeout=WAIT_MS)
    expect(progress).to_contain_text("after-hours.txt", timeout=WAIT_MS)
    go_on = page.get_by_role("button", name="Continue to the interview")
    expect(go_on).to_be_visible(timeout=WAIT_MS)
    expect(progress.locator('li[data-status="ready"]')).to_have_count(2)
    screenshot(page, "04-wizard-reading")
    go_on.click()

    # Step 3: the interview as a chat: the owner answers what is asked (the same answers as
    # the API test), skips one question and goes back once.
    answer = page.get_by_label("Your answer")
    expect(answer).to_be_enabled(timeout=WAIT_MS)
    expect(page.get_by_text(re.compile(r"Question 1 of (8|9|10|11|12)"))).to_be_visible()
    first = _current_question(page)
    answer.fill(ANSWERS.get(first, "Yes, that's right."))
    page.get_by_role("button", name="Send answer").click()
    expect(page.get_by_text("Question 2 of")).to_be_visible(timeout=WAIT_MS)
    page.get_by_role("button", name="Back").click()
    expect(page.get_by_text("Question 1 of")).to_be_visible(timeout=WAIT_MS)
    expect(answer).to_be_enabled()
    answer.fill(ANSWERS.get(first, "Yes, that's right."))
    answer.press("Enter")  # Enter sends, as in any chat
    skipped = None
    for _ in range(14):
        expect(answer.or_(page.get_by_role("button", name="Generate my agent"))).to_be_visible(
            timeout=WAIT_MS
        )
        if page.get_by_role("button", name="Generate my agent").is_visible():
            break
        expect(answer).to_be_enabled(timeout=WAIT_MS)
        question = _current_question(page)
        if skipped is None and question not in ANSWERS:
            screenshot(page, "05-wizard-interview")
            page.get_by_role("button", name="Skip").click()
            skipped = question
        else:
            answer.fill(ANSWERS.get(question, "Yes, that's right."))
            page.get_by_role("button", name="Send answer").click()
        expect(page.locator(f'[data-question-id="{question}"]')).to_have_count(0, timeout=WAIT_MS)
    chat = page.get_by_role("list", name="Interview")
    expect(chat.locator(".bubble.owner.skipped")).to_have_count(1)
    expect(page.get_by_text("All questions done")).to_be_visible()
    page.get_by_role("button", name="Generate my agent").click()

    # Step 4: the generated agent, from the site's facts and the answers.
    expect(page.get_by_role("heading", name="Your agent")).to_be_visible(timeout=WAIT_MS)
    summary = page.locator(".summary")
    expect(summary).to_contain_text("14 Juniper Lane", timeout=WAIT_MS)
    expect(summary).to_contain_text("(555) 014-2398")  # main number as written; not the ER
    expect(summary).to_contain_text("Rabies vaccination")
    expect(summary).to_contain_text("Wellness exam")
    expect(summary).to_contain_text("Maya")
    screenshot(page, "06-wizard-review")
    page.get_by_role("link", name="Talk to it").click()

    # Step 5: the test console answers, with the turn's timings shown.
    expect(page.get_by_role("heading", name=re.compile("^Talk to"))).to_be_visible()
    page.get_by_label("Message").fill("How much is a rabies vaccination?")
    page.get_by_role("button", name="Send").click()
    transcript = page.get_by_role("log", name="Conversation")
    expect(transcript).to_contain_text(ANSWER, timeout=WAIT_MS)
    expect(transcript.locator(".line.agent.done").last).to_contain_text("reply")
    screenshot(page, "07-test-console")

    # The agent is listed with its knowledge, and the conversation is stored.
    page.get_by_role("link", name="Agents", exact=True).click()
    card = page.get_by_role("listitem").filter(has_text="Juniper Lane Vet")
    expect(card).to_contain_text("passages")
    expect(card).to_contain_text("1 conversation")
    screenshot(page, "08-agents-list")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "09-agents-list-phone")
