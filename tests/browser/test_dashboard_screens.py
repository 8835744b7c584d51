"""The agent page's tabs, the widget designer and the workspace settings, used in Chromium
as an owner uses them: each screen loads, shows what the API holds, and saves what is
changed. Every form control has a name a screen reader can read, and the main screens are
screenshotted (test-artifacts/screenshots/)."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page, Playwright, expect

from frontdesk.config import Settings
from frontdesk.resources import Resources
from tests.browser.conftest import signed_in_page
from tests.factories import PASSWORD, make_owner, make_receptionist
from tests.fake_llm import Call, Say, ScriptedLLM, last_tool_output
from tests.live_server import serving
from tests.widget.conftest import make_ready

pytestmark = pytest.mark.timeout(300)

WAIT_MS = 60_000

# Every control needs a name: its <label>, aria-label, or its own text (buttons).
UNNAMED_CONTROLS = """() => [...document.querySelectorAll('input, select, textarea, button')]
  .filter(e => e.type !== 'hidden' && !e.closest('[hidden]'))
  .filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label')
               && !e.getAttribute('aria-labelledby') && !e.textContent.trim())
  .map(e => e.outerHTML.slice(0, 120))"""


@pytest.fixture
def settings(settings: Settings) -> Settings:
    # The workspace's LLM endpoint saved below follows the outbound rule; there is no DNS here,
    # so the operator's allow-list names its host.
    return settings.model_copy(update={"outbound_allowed_hosts": ["llm.example"]})


@pytest.fixture
def dashboard(
    playwright_driver: Playwright, chat_resources: Resources, fake_llm: ScriptedLLM
) -> Iterator[tuple[Page, httpx.Client, dict]]:
    """A signed-in owner's tab on a server with one ready agent that had one conversation."""
    _, owner = make_owner(chat_resources, workspace_name="Juniper Lane Veterinary Clinic")
    with serving(chat_resources) as url, httpx.Client(base_url=url, timeout=30) as api:
        login = api.post("/api/auth/login", json={"email": owner.email, "password": PASSWORD})
        assert login.status_code == 200, login.text
        agent = make_receptionist(api)
        make_ready(api, chat_resources, agent["id"])  # type: ignore[arg-type]
        fake_llm.script(Say("We are open every day from nine to five."))
        started = api.post(f"/api/agents/{agent['id']}/conversations").json()
        said = api.post(
            f"/api/conversations/{started['id']}/messages", json={"text": "When are you open?"}
        )
        assert said.status_code == 200, said.text
        assert api.post(f"/api/conversations/{started['id']}/end").status_code == 204
        _wait_for_analysis(api, started["id"])
        # A caller who left their details and booked.
        fake_llm.script(
            Call("capture_lead", {"name": "Ann Lee", "phone": "(555) 014-2398",
                                  "interest": "how much is a puppy checkup"}),
            Call("book_appointment", {"day": "tomorrow", "time": "10am", "name": "Ann Lee",
                                      "phone": "555-014-2398"}),
            lambda ctx: Say(last_tool_output(ctx)),
        )  # fmt: skip
        second = api.post(f"/api/agents/{agent['id']}/conversations").json()
        said = api.post(
            f"/api/conversations/{second['id']}/messages",
            json={"text": "Book me. Ann Lee, 555 014 2398."},
        )
        assert said.status_code == 200, said.text
        with signed_in_page(playwright_driver, url, login, f"/agents/{agent['id']}") as page:
            yield page, api, agent


def _wait_for_analysis(api: httpx.Client, conversation_id: str) -> None:
    """The analysis runs as a job after the conversation ends."""
    deadline = time.monotonic() + 30
    while api.get(f"/api/conversations/{conversation_id}").json()["outcome"] is None:
        assert time.monotonic() < deadline, "the conversation was not analysed"
        time.sleep(0.2)


def _named(page: Page) -> None:
    assert page.evaluate(UNNAMED_CONTROLS) == []


def test_agent_tabs_show_and_save(
    dashboard: tuple[Page, httpx.Client, dict], screenshot: Callable[[Page, str], Path]
) -> None:
    page, api, agent = dashboard
    tabs = page.get_by_role("navigation", name="Agent")

    # Overview: the next step, the knowledge counts.
    expect(page.get_by_role("heading", name="Juniper Vet", level=1)).to_be_visible()
    expect(page.get_by_text("1 source, 1 passage")).to_be_visible()
    _named(page)
    screenshot(page, "20-agent-overview")

    # Knowledge: the source, its passages, the search box.
    tabs.get_by_role("link", name="Knowledge", exact=True).click()
    page.get_by_role("button", name="Preview passages").click()
    expect(page.locator(".chunks")).to_contain_text("We see cats and dogs.")
    page.get_by_label("Question or words").fill("cats")
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page.get_by_role("list", name="Search results")).to_contain_text("cats and dogs")
    _named(page)
    screenshot(page, "21-agent-knowledge")

    # Settings: a changed greeting and service are saved through the API.
    tabs.get_by_role("link", name="Settings", exact=True).click()
    page.get_by_label("Greeting").fill("Juniper Vet, this is Maya. How can I help?")
    page.get_by_role("group", name="Services").get_by_role("button", name="Add").click()
    page.get_by_label("Service 1").fill("Nail trim")
    page.get_by_label("Price 1").fill("$15")
    page.get_by_label("Monday").fill("8:00-12:00, 13:00-18:00")
    _named(page)
    screenshot(page, "22-agent-settings")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_role("status").filter(has_text="Saved.")).to_be_visible()
    stored = api.get(f"/api/agents/{agent['id']}").json()
    assert stored["greeting"] == "Juniper Vet, this is Maya. How can I help?"
    assert stored["business_facts"]["services"] == [
        {"name": "Nail trim", "price": "$15", "description": None}
    ]
    assert stored["scheduling"]["hours"]["mon"] == [
        {"opens": "08:00:00", "closes": "12:00:00"}, {"opens": "13:00:00", "closes": "18:00:00"}
    ]  # fmt: skip
    # A mistake is explained, and nothing is saved.
    page.get_by_label("Tuesday").fill("all day")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_role("alert")).to_contain_text("Tuesday: write hours like 09:00–17:00")

    # Conversations: the one the owner had, its outcome, and its transcript. (No model
    # writes summaries in this test: the page says so.)
    tabs.get_by_role("link", name="Conversations", exact=True).click()
    expect(page.get_by_role("cell", name="When are you open?")).to_be_visible()
    expect(page.locator('[data-outcome="answered"]')).to_have_text("Answered")
    page.get_by_label("Outcome").select_option("booked")
    expect(page.get_by_role("heading", name="No conversation matches")).to_be_visible()
    page.get_by_label("Outcome").select_option("answered")
    page.get_by_role("table").get_by_role("link").first.click()
    expect(page.locator(".transcript")).to_contain_text("We are open every day from nine to five.")
    expect(page.get_by_role("region", name="After the conversation")).to_contain_text("No summary")
    screenshot(page, "23-agent-conversation")

    # Leads: scored with the reason; status and notes saved; the CSV export downloads.
    tabs.get_by_role("link", name="Leads", exact=True).click()
    lead_row = page.get_by_role("row").filter(has_text="Ann Lee")
    expect(lead_row).to_contain_text("Gave a phone number")
    lead_row.get_by_label("Status of Ann Lee").select_option("contacted")
    lead_row.get_by_label("Notes on Ann Lee").fill("Called back on Monday.")
    lead_row.get_by_label("Notes on Ann Lee").blur()
    deadline = time.monotonic() + 10
    while (lead := api.get("/api/leads").json()["leads"][0])["owner_notes"] is None:
        assert time.monotonic() < deadline, lead
        time.sleep(0.2)
    assert (lead["status"], lead["owner_notes"]) == ("contacted", "Called back on Monday.")
    with page.expect_download() as download:
        page.get_by_role("link", name="Export CSV").click()
    assert "Ann Lee" in Path(download.value.path()).read_text(encoding="utf-8")
    _named(page)
    screenshot(page, "27-agent-leads")

    # Appointments: the confirmation for the caller, the week, cancel, the calendar feed.
    tabs.get_by_role("link", name="Appointments", exact=True).click()
    page.get_by_role("table").get_by_role("button").first.click()
    expect(page.locator(".confirmation")).to_contain_text("Ann Lee")
    page.get_by_role("radio", name="Week").check()
    expect(page.get_by_role("list", name="This week")).to_contain_text("10:00")
    page.get_by_role("radio", name="List").check()
    feed = page.get_by_label("Calendar feed address").inner_text().strip()
    assert "BEGIN:VEVENT" in httpx.get(feed).text
    screenshot(page, "28-agent-appointments")  # the details stay open across views
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Cancel appointment").click()
    expect(page.get_by_role("status").filter(has_text="Cancelled.")).to_be_visible()
    booked = api.get(f"/api/agents/{agent['id']}/appointments").json()
    assert [a["status"] for a in booked] == ["cancelled"]

    # Widget designer: the live preview follows the settings; deploy, pause, save.
    tabs.get_by_role("link", name="Widget", exact=True).click()
    page.get_by_label("Button label").fill("Ask Maya")
    expect(page.locator(".preview-button")).to_have_text("Ask Maya")
    page.get_by_label("Allowed sites").fill("https://www.juniperlanevet.example")
    page.get_by_role("button", name="Save widget").click()
    expect(page.get_by_role("status").filter(has_text="Saved.")).to_be_visible()
    page.get_by_role("button", name="Deploy the widget").click()
    expect(page.get_by_role("status").filter(has_text="The widget is live.")).to_be_visible()
    expect(page.locator(".snippet").first).to_contain_text('data-agent="pk_')
    _named(page)
    screenshot(page, "24-widget-designer")
    widget = api.get(f"/api/agents/{agent['id']}/widget").json()
    assert widget["status"] == "deployed"
    assert widget["settings"]["button_label"] == "Ask Maya"
    assert widget["settings"]["allowed_origins"] == ["https://www.juniperlanevet.example"]
    page.get_by_role("button", name="Pause the widget").click()
    expect(page.get_by_role("status").filter(has_text="paused")).to_be_visible()
    assert api.get(f"/api/agents/{agent['id']}").json()["status"] == "paused"
    # Bad input is refused in plain words.
    page.get_by_label("Allowed sites").fill("not a website")
    page.get_by_role("button", name="Save widget").click()
    expect(page.get_by_role("alert")).to_contain_text("allowed_origins")

    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "25-widget-designer-phone")

    # Phone: the address to give Twilio, and whether the workspace can check its requests.
    page.set_viewport_size({"width": 1280, "height": 900})
    tabs.get_by_role("link", name="Phone", exact=True).click()
    expect(page.get_by_label("Twilio webhook address")).to_have_text(
        re.compile(rf"^http://127\.0\.0\.1:\d+/api/telephony/twilio/{agent['id']}/voice$")
    )
    expect(page.get_by_text("It is not set yet")).to_be_visible()
    expect(page.get_by_role("heading", name="Putting callers through")).to_be_visible()
    # A SIP number needs LiveKit, which this server has not: the owner is told what to set.
    page.get_by_label("Phone number").fill("+1 555 010 0000")
    page.get_by_role("button", name="Add number").click()
    expect(page.get_by_role("alert")).to_contain_text("LiveKit is not configured")
    screenshot(page, "44-agent-phone")


def test_workspace_settings_team_and_keys(
    dashboard: tuple[Page, httpx.Client, dict], screenshot: Callable[[Page, str], Path]
) -> None:
    page, api, _ = dashboard
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Settings").click()
    expect(page.get_by_role("heading", name="Workspace and providers")).to_be_visible()
    expect(page.get_by_label("Business name")).to_have_value("Juniper Lane Veterinary Clinic")

    # A provider key is stored, never shown again.
    page.get_by_label("Endpoint URL").fill("https://llm.example/v1")
    page.get_by_label("Model", exact=True).fill("receptionist-large")
    page.get_by_label("Language model API key").fill("sk-test-abcd1234")
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_role("status").filter(has_text="Saved.")).to_be_visible()
    expect(page.get_by_text("Stored (…1234)")).to_be_visible()
    settings = api.get("/api/workspace").json()["settings"]
    assert settings["llm_base_url"] == "https://llm.example/v1"
    assert settings["llm_api_key"]["set"] is True and "sk-test" not in str(settings)

    # A team member.
    page.get_by_label("Name", exact=True).fill("Sam Lee")
    page.get_by_label("Email", exact=True).fill("sam@juniperlanevet.example")
    page.get_by_label("First password (they change it)").fill("a long enough password")
    page.get_by_role("button", name="Add member").click()
    expect(page.get_by_role("cell", name="sam@juniperlanevet.example")).to_be_visible()
    members = {m["email"]: m["role"] for m in api.get("/api/workspace/members").json()}
    assert members["sam@juniperlanevet.example"] == "member"

    # An API key, shown once, that works.
    page.get_by_label("Key name").fill("CRM sync")
    page.get_by_role("button", name="Create key").click()
    key = page.locator(".notice .snippet").inner_text(timeout=WAIT_MS).strip()
    assert key.startswith("fdk_")
    assert (
        httpx.get(
            f"{api.base_url}/api/agents", headers={"Authorization": f"Bearer {key}"}
        ).status_code
        == 200
    )
    _named(page)
    screenshot(page, "26-workspace-settings")
