"""The website widget on a business's page, in real Chromium: the page is served from a
second loopback origin (127.0.0.2) with hostile CSS; the widget answers a typed question and
a spoken one (fake microphone), keeps its looks, leaves the page's alone, and refuses to run
on an origin the owner did not allow (127.0.0.3)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Locator, Page, Playwright, expect

from frontdesk.providers.speech import SpeechModels
from frontdesk.resources import Resources
from tests.browser.conftest import launch_chromium, watch
from tests.factories import PASSWORD, make_owner, make_receptionist, price_rabies
from tests.fake_llm import Say, ScriptedLLM
from tests.live_server import serving

# The voice tests' real speech models (imported, so they are defined once).
from tests.voice.conftest import speech_models  # noqa: F401
from tests.website.server import LoopbackSite
from tests.widget.conftest import make_ready

pytestmark = pytest.mark.timeout(300)

WAIT_MS = 180_000
ANSWER = "A rabies vaccination is thirty two dollars."

# What a careless (or hostile) site's stylesheet does to everything it can reach, and page
# elements named like the widget's own parts.
HOST_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Juniper Lane Vet</title>
<style>
  * {{ color: rgb(255, 0, 0) !important; font-size: 40px !important;
       font-family: serif !important; }}
  button {{ display: none !important; }}
  .panel {{ border: 3px solid rgb(0, 0, 255); }}
</style></head>
<body>
<h1>Juniper Lane Veterinary Clinic</h1>
<div class="panel" id="host-panel">Opening hours: Monday to Friday.</div>
<p class="line" id="host-line">Call us any time.</p>
{snippet}
</body></html>
"""


@dataclass
class Embedded:
    server: str
    owner: httpx.Client
    agent: dict
    public_key: str
    allowed: LoopbackSite  # the business's site: 127.0.0.2, allowed
    stranger: LoopbackSite  # 127.0.0.3, not allowed


@pytest.fixture
def embedded(
    chat_resources: Resources,
    speech_models: SpeechModels,  # noqa: F811
) -> Iterator[Embedded]:
    """A deployed agent whose widget is allowed on the site at 127.0.0.2, and that site."""
    chat_resources.speech = lambda: speech_models
    _, owner = make_owner(chat_resources)
    allowed = LoopbackSite(host="127.0.0.2")
    stranger = LoopbackSite(host="127.0.0.3")
    with (
        serving(chat_resources) as url,
        httpx.Client(base_url=url, timeout=30) as api,
        allowed,
        stranger,
    ):
        login = api.post("/api/auth/login", json={"email": owner.email, "password": PASSWORD})
        assert login.status_code == 200, login.text
        agent = make_receptionist(api)
        price_rabies(api, agent)  # what the scripted answers state
        make_ready(api, chat_resources, agent["id"])  # type: ignore[arg-type]
        settings = api.patch(
            f"/api/agents/{agent['id']}/widget",
            json={"allowed_origins": [allowed.base_url], "button_label": "Ask Maya",
                  "color": "#0f766e", "avatar_initials": "JV"},
        )  # fmt: skip
        assert settings.status_code == 200, settings.text
        deployed = api.post(f"/api/agents/{agent['id']}/deploy")
        assert deployed.status_code == 200, deployed.text
        page = HOST_PAGE.format(snippet=settings.json()["snippet"])
        for site in (allowed, stranger):
            site.add_route("/", (200, {"Content-Type": "text/html; charset=utf-8"}, page.encode()))
        yield Embedded(url, api, agent, settings.json()["public_key"], allowed, stranger)


@pytest.fixture
def chromium(playwright_driver: Playwright) -> Iterator[Callable[..., Page]]:
    browsers: list[Browser] = []
    consoles: list[list[str]] = []

    def open_page(url: str, *args: str) -> Page:
        browser = launch_chromium(
            playwright_driver, "--autoplay-policy=no-user-gesture-required", *args
        )
        browsers.append(browser)
        context = browser.new_context(
            permissions=["microphone"], viewport={"width": 1200, "height": 800}
        )
        page = context.new_page()
        consoles.append(watch(page))
        page.goto(url)
        return page

    yield open_page
    for console in consoles:
        print("browser console:", *console, sep="\n  ")
    for browser in browsers:
        browser.close()


def _style(page: Page, selector: str, prop: str) -> str:
    """A computed style; `selector` may reach into the widget's (open) shadow root."""
    return page.locator(selector).first.evaluate(
        f"e => getComputedStyle(e).getPropertyValue({prop!r})"
    )


def test_typed_question_is_answered_and_styles_stay_apart(
    embedded: Embedded,
    chromium: Callable[..., Page],
    fake_llm: ScriptedLLM,
    screenshot: Callable[[Page, str], Path],
) -> None:
    fake_llm.script(Say(ANSWER))
    page = chromium(embedded.allowed.url("/"))
    launcher = page.get_by_role("button", name="Ask Maya")
    expect(launcher).to_be_visible(timeout=30_000)
    # The page's CSS does not reach the widget...
    assert _style(page, "frontdesk-widget .launcher", "display") != "none"
    assert _style(page, "frontdesk-widget .launcher", "color") == "rgb(255, 255, 255)"
    assert _style(page, "frontdesk-widget .launcher", "background-color") == "rgb(15, 118, 110)"
    screenshot(page, "10-widget-closed")
    launcher.click()
    dialog = page.get_by_role("dialog", name="Chat with Juniper Vet")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("Maya speaking")  # the agent's greeting
    assert _style(page, "frontdesk-widget .line", "font-size") == "15px"
    assert _style(page, "frontdesk-widget .line", "color") != "rgb(255, 0, 0)"

    dialog.get_by_label("Message").fill("How much is a rabies vaccination?")
    dialog.get_by_role("button", name="Send").click()
    log = dialog.get_by_role("log", name="Conversation")
    expect(log).to_contain_text(ANSWER, timeout=WAIT_MS)
    screenshot(page, "11-widget-text")

    # ...and the widget's CSS does not reach the page (elements named like its parts).
    assert _style(page, "#host-panel", "position") == "static"
    assert _style(page, "#host-panel", "border-top-color") == "rgb(0, 0, 255)"
    assert _style(page, "#host-line", "font-size") == "40px"

    # Stored as a widget conversation of this agent.
    listed = embedded.owner.get(
        f"/api/agents/{embedded.agent['id']}/conversations", params={"source": "widget"}
    ).json()
    assert listed["total"] == 1, listed
    stored = embedded.owner.get(f"/api/conversations/{listed['conversations'][0]['id']}").json()
    assert [t["text"] for t in stored["turns"] if t["role"] == "agent"][-1] == ANSWER


def ask_by_voice(
    embedded: Embedded, chromium: Callable[..., Page], wav: Path, fake_llm: ScriptedLLM
) -> tuple[Page, Locator]:
    """A visitor of the business's page calls from the widget and asks the price in `wav`;
    the page and the widget's dialog once the answer is in its log."""
    # Chromium loops the file, so the caller may ask again: the same answer each time.
    fake_llm.script(Say(ANSWER), Say(ANSWER), Say(ANSWER))
    page = chromium(
        embedded.allowed.url("/"),
        "--use-fake-ui-for-media-stream",
        "--use-fake-device-for-media-stream",
        f"--use-file-for-fake-audio-capture={wav}",
    )
    page.get_by_role("button", name="Ask Maya").click()
    dialog = page.get_by_role("dialog", name="Chat with Juniper Vet")
    dialog.get_by_role("button", name="Call").click()
    expect(dialog.get_by_role("status")).to_have_text("On the call", timeout=60_000)
    log = dialog.get_by_role("log", name="Conversation")
    expect(log).to_contain_text(ANSWER, timeout=WAIT_MS)
    expect(log).to_contain_text("vaccination")  # the caller's words, transcribed
    return page, dialog


def test_spoken_question_is_answered(
    embedded: Embedded,
    chromium: Callable[..., Page],
    fake_llm: ScriptedLLM,
    caller_wav: Callable[[str], Path],
    screenshot: Callable[[Page, str], Path],
) -> None:
    wav = caller_wav("How much is a rabies vaccination?")
    page, dialog = ask_by_voice(embedded, chromium, wav, fake_llm)
    screenshot(page, "12-widget-voice")
    dialog.get_by_role("button", name="End call").click()
    expect(dialog.get_by_role("status")).to_have_text("Call ended", timeout=30_000)

    listed = embedded.owner.get(
        f"/api/agents/{embedded.agent['id']}/conversations", params={"source": "widget"}
    ).json()
    assert [c["channel"] for c in listed["conversations"]] == ["voice"], listed


def test_origin_not_allowed_gets_no_widget(
    embedded: Embedded, chromium: Callable[..., Page]
) -> None:
    page = chromium(embedded.stranger.url("/"))
    # The script loads (it is public), but the server refuses this origin: nothing is drawn.
    warning = page.wait_for_event("console", lambda m: "Frontdesk widget" in m.text, timeout=30_000)
    assert "could not be reached" in warning.text or "not allowed" in warning.text
    expect(page.locator("frontdesk-widget")).to_have_count(0)
    # What the server says to that origin, in its own words.
    refused = httpx.get(
        f"{embedded.server}/api/widget/{embedded.public_key}/config",
        headers={"Origin": embedded.stranger.base_url},
    )
    assert refused.status_code == 403, refused.text
    assert embedded.stranger.base_url in refused.json()["detail"]
