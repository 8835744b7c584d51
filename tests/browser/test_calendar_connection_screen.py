"""The CalDAV card in an agent's Integrations tab, used in Chromium as an owner uses it:
a wrong password is explained, the right one lists the calendars on a real Radicale, the
owner picks one and sees it connected."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page, Playwright, expect

from frontdesk.config import Settings
from frontdesk.resources import Resources
from tests.browser.conftest import signed_in_page
from tests.browser.test_dashboard_screens import UNNAMED_CONTROLS
from tests.factories import PASSWORD, make_owner, make_receptionist
from tests.live_server import serving
from tests.radicale_server import PASSWORD as CALDAV_PASSWORD
from tests.radicale_server import USERNAME, RadicaleServer, running_radicale

pytestmark = pytest.mark.timeout(300)

WAIT_MS = 30_000


@pytest.fixture(scope="module")
def radicale(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RadicaleServer]:
    yield from running_radicale(tmp_path_factory.mktemp("radicale"))


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"outbound_allowed_hosts": ["127.0.0.1"]})


@pytest.fixture
def integrations(
    playwright_driver: Playwright, chat_resources: Resources
) -> Iterator[tuple[Page, httpx.Client, dict]]:
    """A signed-in owner's tab on the agent's Integrations tab."""
    _, owner = make_owner(chat_resources)
    with serving(chat_resources) as url, httpx.Client(base_url=url, timeout=30) as api:
        login = api.post("/api/auth/login", json={"email": owner.email, "password": PASSWORD})
        assert login.status_code == 200, login.text
        agent = make_receptionist(api)
        with signed_in_page(
            playwright_driver, url, login, f"/agents/{agent['id']}/integrations"
        ) as page:
            yield page, api, agent


def test_owner_connects_a_caldav_calendar(
    integrations: tuple[Page, httpx.Client, dict],
    radicale: RadicaleServer,
    screenshot: Callable[[Page, str], Path],
) -> None:
    page, api, agent = integrations
    radicale.make_calendar("Personal")
    front_desk = radicale.make_calendar("Front desk")
    card = page.get_by_role("region", name="CalDAV calendar")
    expect(card.get_by_text("Not connected")).to_be_visible(timeout=WAIT_MS)

    card.get_by_label("Server address").fill(radicale.url)
    card.get_by_label("Username").fill(USERNAME)
    card.get_by_label("Password", exact=True).fill("not the password")
    card.get_by_role("button", name="Find calendars").click()
    expect(card.get_by_role("alert")).to_contain_text(
        "refused the username or password", timeout=WAIT_MS
    )

    card.get_by_label("Password", exact=True).fill(CALDAV_PASSWORD)
    card.get_by_role("button", name="Find calendars").click()
    choice = card.get_by_label("Calendar", exact=True)
    expect(choice).to_be_visible(timeout=WAIT_MS)
    expect(choice.locator("option")).to_have_text(["Front desk", "Personal"], timeout=WAIT_MS)
    choice.select_option(label="Front desk")
    assert page.evaluate(UNNAMED_CONTROLS) == []
    card.get_by_role("button", name="Connect").click()

    expect(card.get_by_text("Connected to Front desk.")).to_be_visible(timeout=WAIT_MS)
    expect(card.locator(".badge")).to_have_text("Connected")
    expect(card.get_by_text(radicale.url)).to_be_visible()
    expect(card.get_by_label("Password stored, not shown")).to_have_text("…")
    stored = api.get(f"/api/agents/{agent['id']}/calendar-connection").json()
    assert stored["calendar_name"] == "Front desk" and stored["status"] == "connected"
    assert stored["calendar_url"] == str(front_desk.url)

    card.get_by_role("button", name="Check now").click()
    expect(card.get_by_text("The calendar answered.")).to_be_visible(timeout=WAIT_MS)
    assert page.evaluate(UNNAMED_CONTROLS) == []
    screenshot(page, "42-agent-caldav-calendar")

    page.set_viewport_size({"width": 390, "height": 844})
    expect(card.get_by_role("button", name="Disconnect")).to_be_visible()
    screenshot(page, "43-agent-caldav-calendar-phone")

    page.once("dialog", lambda dialog: dialog.accept())
    card.get_by_role("button", name="Disconnect").click()
    expect(card.get_by_text("Not connected")).to_be_visible(timeout=WAIT_MS)
    assert api.get(f"/api/agents/{agent['id']}/calendar-connection").json() is None
