"""A real `frontdesk` server on a loopback port and Debian's Chromium driven by Playwright,
with a fake microphone that plays a WAV file made with Piper."""

from __future__ import annotations

import os
import wave
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Page, Playwright, sync_playwright

from frontdesk.providers.speech import SpeechModels
from frontdesk.resources import Resources
from frontdesk.runtime.voice_channel import INPUT_RATE
from frontdesk.workspace.auth import SESSION_COOKIE
from tests.factories import PASSWORD, make_owner, make_receptionist, price_rabies
from tests.live_server import serving

# The voice tests' real speech models and caller audio (imported, so they are defined once).
from tests.voice.conftest import caller_voice, speech_models  # noqa: F401

CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    """SQLite only: these tests are about the browser; every backend is covered elsewhere, and
    a real call in Chromium is the slowest test there is."""
    return f"sqlite:///{tmp_path / 'frontdesk.db'}"


@dataclass
class LiveServer:
    url: str
    api: httpx.Client  # signed in as the owner
    session_token: str
    agent: dict


@pytest.fixture
def live_server(
    chat_resources: Resources,
    speech_models: SpeechModels,  # noqa: F811
) -> Iterator[LiveServer]:
    """The real app with the scripted LLM and the real speech models inside, an owner
    signed in and a receptionist agent made."""
    chat_resources.speech = lambda: speech_models
    _, owner = make_owner(chat_resources)
    with serving(chat_resources) as url, httpx.Client(base_url=url, timeout=30) as api:
        login = api.post("/api/auth/login", json={"email": owner.email, "password": PASSWORD})
        assert login.status_code == 200, login.text
        agent = make_receptionist(api)
        price_rabies(api, agent)  # what the scripted answers state
        yield LiveServer(url, api, login.cookies[SESSION_COOKIE], agent)


# Module scope, not session: Playwright's sync API keeps an asyncio loop running in the main
# thread while it is open, and every later test that calls asyncio.run() would fail.
@pytest.fixture(scope="module")
def playwright_driver() -> Iterator[Playwright]:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: run scripts/ensure-chromium (make test does).")
    with sync_playwright() as driver:
        yield driver


@pytest.fixture
def caller_wav(tmp_path: Path, caller_voice: Callable[..., bytes]) -> Callable[[str], Path]:  # noqa: F811
    """A WAV for Chromium's fake microphone: the caller's sentence between silences. Chromium
    loops the file, so the silence after it must outlast the agent's answer."""

    def make(text: str, *, before_s: float = 6.0, after_s: float = 14.0) -> Path:
        path = tmp_path / f"caller-{abs(hash(text))}.wav"
        pcm = bytes(int(INPUT_RATE * before_s) * 2) + caller_voice(text, silence_s=after_s)
        with wave.open(str(path), "wb") as out:
            out.setnchannels(1)
            out.setsampwidth(2)
            out.setframerate(INPUT_RATE)
            out.writeframes(pcm)
        return path

    return make


@dataclass
class Talk:
    """A signed-in Chromium tab, and what its console said (printed when a test fails)."""

    page: Page
    console: list[str]


@pytest.fixture
def open_talk_page(
    playwright_driver: Playwright, live_server: LiveServer
) -> Iterator[Callable[[Path], Talk]]:
    browsers: list[Browser] = []
    consoles: list[list[str]] = []

    def open_page(microphone_wav: Path, path: str | None = None) -> Talk:
        browser = playwright_driver.chromium.launch(
            executable_path=str(CHROMIUM),
            headless=True,
            args=[
                "--no-sandbox",  # containers forbid the namespaces Chromium's sandbox needs
                "--use-fake-ui-for-media-stream",  # allow the microphone without asking
                "--use-fake-device-for-media-stream",
                f"--use-file-for-fake-audio-capture={microphone_wav}",
                "--autoplay-policy=no-user-gesture-required",
            ],
        )
        browsers.append(browser)
        context = browser.new_context(permissions=["microphone"])
        context.add_cookies(
            [{"name": SESSION_COOKIE, "value": live_server.session_token, "url": live_server.url}]
        )
        page = context.new_page()
        console: list[str] = []
        consoles.append(console)
        page.on("console", lambda message: console.append(f"{message.type}: {message.text}"))
        page.on("pageerror", lambda error: console.append(f"pageerror: {error}"))
        page.on(
            "response",
            lambda r: r.status >= 400 and console.append(f"HTTP {r.status}: {r.url}"),
        )
        page.goto(live_server.url + (path or f"/talk/{live_server.agent['id']}"))
        return Talk(page, console)

    yield open_page
    for console in consoles:
        print("browser console:", *console, sep="\n  ")
    for browser in browsers:
        browser.close()


# Screenshots of the main screens land here (CI keeps the folder as the run's artifacts).
ARTIFACTS = Path(os.environ.get("FRONTDESK_TEST_ARTIFACTS", "test-artifacts")) / "screenshots"


@pytest.fixture
def screenshot() -> Callable[[Page, str], Path]:
    def take(page: Page, name: str) -> Path:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        # A full-page capture draws sticky bars where the viewport happened to end: pin
        # them to their place in the page for the picture only.
        pinned = page.add_style_tag(content=".topbar, .sticky-actions { position: static; }")
        page.screenshot(path=str(path), full_page=True)
        pinned.evaluate("style => style.remove()")
        return path

    return take


def launch_chromium(driver: Playwright, *args: str) -> Browser:
    """Debian's Chromium, headless; `args` add to the flags every test needs."""
    return driver.chromium.launch(
        executable_path=str(CHROMIUM),
        headless=True,
        # Containers forbid the namespaces Chromium's sandbox needs.
        args=["--no-sandbox", *args],
    )


def watch(page: Page) -> list[str]:
    """What the page's console said and which requests failed (printed when a test fails)."""
    console: list[str] = []
    page.on("console", lambda message: console.append(f"{message.type}: {message.text}"))
    page.on("pageerror", lambda error: console.append(f"pageerror: {error}"))
    page.on("response", lambda r: r.status >= 400 and console.append(f"HTTP {r.status}: {r.url}"))
    return console


@contextmanager
def signed_in_page(
    driver: Playwright,
    url: str,
    login: httpx.Response,
    path: str = "",
    *,
    viewport: tuple[int, int] = (1280, 900),
    permissions: list[str] | None = None,
    **context_options: object,
) -> Iterator[Page]:
    """A Chromium tab carrying the session cookie of `login`, opened at `url + path` when a
    path is given; the console is printed and the browser closed afterwards."""
    browser = launch_chromium(driver)
    width, height = viewport
    context = browser.new_context(
        viewport={"width": width, "height": height},
        **context_options,  # type: ignore[arg-type]
    )
    if permissions:
        context.grant_permissions(permissions, origin=url)
    context.add_cookies(
        [{"name": SESSION_COOKIE, "value": login.cookies[SESSION_COOKIE], "url": url}]
    )
    page = context.new_page()
    console = watch(page)
    if path:
        page.goto(f"{url}{path}")
    try:
        yield page
    finally:
        print("browser console:", *console, sep="\n  ")
        browser.close()
