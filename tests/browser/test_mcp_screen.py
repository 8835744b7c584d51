"""The MCP servers card in an agent's Integrations tab, used in Chromium as an owner uses it:
add the order-status test server by URL with its token, check it, see its tools, switch one
off; a private address is refused in plain words."""

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
from tests.mcp.conftest import STDIO_COMMANDS, TOKEN, order_server_url  # noqa: F401 - the HTTP test server

pytestmark = pytest.mark.timeout(300)

WAIT_MS = 30_000


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(
        update={"outbound_allowed_hosts": ["127.0.0.1"], "mcp_stdio_commands": STDIO_COMMANDS}
    )


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


def test_owner_adds_checks_and_tunes_an_mcp_server(
    integrations: tuple[Page, httpx.Client, dict],
    order_server_url: str,  # noqa: F811
    screenshot: Callable[[Page, str], Path],
) -> None:
    page, api, agent = integrations
    card = page.get_by_role("region", name="MCP servers")
    expect(card.get_by_text("No MCP servers yet")).to_be_visible(timeout=WAIT_MS)

    # A private address by name: refused, and the owner is told which setting allows it.
    card.get_by_label("Name").fill("Inside")
    card.get_by_label("Server URL").fill("http://localhost:8000/mcp")
    card.get_by_role("button", name="Add server").click()
    expect(card.get_by_role("alert")).to_contain_text("FRONTDESK_OUTBOUND_ALLOWED_HOSTS")

    card.get_by_label("Name").fill("Orders")
    card.get_by_label("Server URL").fill(order_server_url)
    card.get_by_label("Bearer token (optional)").fill(TOKEN)
    card.get_by_role("button", name="Add server").click()
    server = card.get_by_role("listitem").filter(has_text="Orders")
    expect(server.get_by_text("Not checked yet")).to_be_visible(timeout=WAIT_MS)
    expect(server.get_by_text("Authorization: ••••5521")).to_be_visible()

    server.get_by_role("button", name="Check Orders now").click()
    expect(server.get_by_text("Connected")).to_be_visible(timeout=WAIT_MS)
    order_status = server.get_by_role("checkbox", name="order_status")
    expect(order_status).to_be_checked()
    expect(server.get_by_text("Where a customer's order is")).to_be_visible()
    expect(server.get_by_role("checkbox", name="cancel_order")).to_be_checked()
    assert page.evaluate(UNNAMED_CONTROLS) == []

    # The box follows what the server stored, so it turns off once the change is saved.
    server.get_by_role("checkbox", name="cancel_order").click()
    expect(server.get_by_text("cancel_order is off.")).to_be_visible(timeout=WAIT_MS)
    expect(server.get_by_role("checkbox", name="cancel_order")).not_to_be_checked()
    stored = api.get(f"/api/agents/{agent['id']}/mcp-servers").json()
    assert [(s["name"], s["status"], s["disabled_tools"]) for s in stored] == [
        ("Orders", "ok", ["cancel_order"])
    ]
    assert stored[0]["headers"] == {"Authorization": "••••5521"}
    screenshot(page, "40-agent-mcp-servers")

    page.set_viewport_size({"width": 390, "height": 844})
    expect(server.get_by_role("button", name="Check Orders now")).to_be_visible()
    screenshot(page, "41-agent-mcp-servers-phone")
