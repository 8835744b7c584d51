"""The agent's Analytics tab and the workspace Analytics page in Chromium: the charting
library draws its charts, the tiles show the totals the API answers, the pickers and the
agent filter ask again, every control and chart has a name, and the page fits a phone."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page, Playwright, expect

from frontdesk.resources import Resources
from tests.browser.conftest import signed_in_page
from tests.browser.test_dashboard_screens import UNNAMED_CONTROLS
from tests.factories import PASSWORD, make_owner, make_receptionist
from tests.fake_llm import Call, Say, ScriptedLLM, last_tool_output
from tests.live_server import serving

pytestmark = pytest.mark.timeout(300)

WAIT_MS = 60_000

# Pixels a chart's canvas has painted: a library that drew nothing leaves it transparent.
PAINTED = """canvas => {
  const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
  let painted = 0;
  for (let i = 3; i < data.length; i += 4) if (data[i] > 0) painted++;
  return painted;
}"""


def _talk(api: httpx.Client, agent_id: str, text: str) -> str:
    started = api.post(f"/api/agents/{agent_id}/conversations").json()["id"]
    said = api.post(f"/api/conversations/{started}/messages", json={"text": text})
    assert said.status_code == 200, said.text
    assert api.post(f"/api/conversations/{started}/end").status_code == 204
    deadline = time.monotonic() + 30
    while api.get(f"/api/conversations/{started}").json()["outcome"] is None:
        assert time.monotonic() < deadline, "the conversation was not analysed"
        time.sleep(0.2)
    return started


@pytest.fixture
def analytics(
    playwright_driver: Playwright, chat_resources: Resources, fake_llm: ScriptedLLM
) -> Iterator[tuple[Page, httpx.Client, dict, dict, str]]:
    """A signed-in owner's tab; one agent had two conversations (one booked), another none."""
    _, owner = make_owner(chat_resources, workspace_name="Juniper Lane Veterinary Clinic")
    with serving(chat_resources) as url, httpx.Client(base_url=url, timeout=30) as api:
        login = api.post("/api/auth/login", json={"email": owner.email, "password": PASSWORD})
        assert login.status_code == 200, login.text
        agent = make_receptionist(api)
        quiet = make_receptionist(api, name="Cedar Spa")
        fake_llm.script(Say("We are open every day from nine to five."))
        _talk(api, agent["id"], "What are your opening hours?")
        fake_llm.script(
            Call("capture_lead", {"name": "Ann Lee", "phone": "(555) 014-2398",
                                  "interest": "a puppy checkup"}),
            Call("book_appointment", {"day": "tomorrow", "time": "10am", "name": "Ann Lee",
                                      "phone": "555-014-2398"}),
            lambda ctx: Say(last_tool_output(ctx)),
        )  # fmt: skip
        _talk(api, agent["id"], "Opening hours tomorrow? Book a puppy checkup, Ann Lee 5550142398")
        with signed_in_page(playwright_driver, url, login) as page:
            yield page, api, agent, quiet, url


def _tile(page: Page, name: str) -> str:
    return page.locator(f'[data-tile="{name}"] dd').first.inner_text()


def _charts_drawn(page: Page) -> None:
    for name in ("conversations", "latency", "hours"):
        canvas = page.locator(f'[data-chart="{name}"] canvas')
        expect(canvas).to_have_attribute("role", "img", timeout=WAIT_MS)
        assert (canvas.get_attribute("aria-label") or "").strip(), name
        assert canvas.evaluate(PAINTED) > 500, f"the {name} chart drew nothing"


def _tiles_match(page: Page, totals: dict) -> None:
    expect(page.locator('[data-tile="Conversations"] dd').first).to_have_text(
        str(totals["conversations"]), timeout=WAIT_MS
    )
    assert _tile(page, "Leads") == str(totals["leads"])
    assert _tile(page, "Bookings") == str(totals["bookings"])
    assert _tile(page, "Containment") == f"{round(totals['containment'] * 100)}%"
    average = totals["latency"]["text"]["average_ms"]
    assert _tile(page, "Typed reply time").startswith(
        # As the dashboard's millis() writes it (Math.round: halves up).
        f"{int(average + 0.5)} ms" if average < 1000 else f"{average / 1000:.2f} s"
    )


def test_agent_tab_and_workspace_page_draw_the_api_numbers(
    analytics: tuple[Page, httpx.Client, dict, dict, str],
    screenshot: Callable[[Page, str], Path],
) -> None:
    page, api, agent, quiet, url = analytics
    totals = api.get(f"/api/agents/{agent['id']}/analytics").json()["totals"]
    assert (totals["conversations"], totals["leads"], totals["bookings"]) == (2, 1, 1)

    page.goto(f"{url}/agents/{agent['id']}/analytics")
    _tiles_match(page, totals)
    _charts_drawn(page)
    # The numbers behind the charts, for screen readers.
    table = page.locator('[data-chart="conversations"] + .visually-hidden table')
    expect(table.locator("caption")).to_have_text("Conversations per day")
    expect(table.locator("tbody tr").last.locator("td").first).to_have_text("2")
    expect(page.locator(".analytics-topics li").first).to_contain_text("opening hours")
    assert page.evaluate(UNNAMED_CONTROLS) == []
    screenshot(page, "analytics-agent")

    # Per week: asked again, drawn again.
    with page.expect_response(lambda r: "interval=week" in r.url and r.status == 200):
        page.get_by_label("Interval").select_option("week")
    expect(page.get_by_text("Conversations per week, by outcome")).to_be_visible()
    _charts_drawn(page)

    # The workspace page: every agent, then one picked in the filter.
    whole = api.get("/api/analytics").json()["totals"]
    page.goto(f"{url}/analytics")
    _tiles_match(page, whole)
    _charts_drawn(page)
    by_agent = page.locator("section", has=page.get_by_role("heading", name="By agent"))
    expect(by_agent.locator("tbody tr")).to_have_count(2)
    expect(by_agent.locator("tbody tr").first).to_contain_text("Juniper Vet")
    expect(by_agent.locator("tbody tr").first.locator("td").first).to_have_text("2")
    with page.expect_response(lambda r: f"agent_id={quiet['id']}" in r.url and r.status == 200):
        page.get_by_label("Agent", exact=True).select_option(label="Cedar Spa")
    expect(page.get_by_text("No conversations in this range")).to_be_visible()
    expect(page.locator('[data-tile="Conversations"] dd').first).to_have_text("0")
    with page.expect_response(lambda r: f"agent_id={agent['id']}" in r.url and r.status == 200):
        page.get_by_label("Agent", exact=True).select_option(label="Juniper Vet")
    _tiles_match(page, totals)
    assert page.evaluate(UNNAMED_CONTROLS) == []

    # A phone: nothing wider than the screen, the charts still drawn.
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    _charts_drawn(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "analytics-workspace-phone")
