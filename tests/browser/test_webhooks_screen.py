"""Webhooks in the workspace settings, used in Chromium: add an endpoint that points at a
receiver on loopback, copy the secret shown once, send a test event and read it in the
delivery log, watch a failing event end failed and retry it, disable and delete."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page, Playwright, expect

from frontdesk.config import Settings
from frontdesk.db import transaction
from frontdesk.leads.service import capture_lead
from frontdesk.models import Agent
from frontdesk.resources import Resources
from tests.browser.conftest import signed_in_page
from tests.browser.test_dashboard_screens import UNNAMED_CONTROLS
from tests.factories import PASSWORD, make_owner, make_receptionist
from tests.live_server import serving
from tests.webhooks.receiver import Receiver, webhook_receiver

pytestmark = pytest.mark.timeout(300)

WAIT_MS = 60_000

# Elements of the webhooks section that reach past the right edge of the window.
WIDER_THAN_SCREEN = """() => [...document.querySelectorAll('[aria-labelledby="webhooks-title"] *')]
  .filter(e => !e.closest('.table-scroll') && e.getBoundingClientRect().right > innerWidth + 1)
  .map(e => e.outerHTML.slice(0, 100))"""


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """The receiver lives on loopback, and a failing event runs through its six tries in
    seconds (10 ms, 40 ms, 0.2 s, 1.2 s, 7.2 s)."""
    return settings.model_copy(
        update={"outbound_allowed_hosts": ["127.0.0.1"], "webhook_retry_base_s": 0.01}
    )


@pytest.fixture
def settings_page(
    playwright_driver: Playwright, resources: Resources
) -> Iterator[tuple[Page, httpx.Client, dict, Receiver]]:
    _, owner = make_owner(resources, workspace_name="Juniper Lane Veterinary Clinic")
    with (
        webhook_receiver() as receiver,
        serving(resources) as url,
        httpx.Client(base_url=url, timeout=30) as api,
    ):
        login = api.post("/api/auth/login", json={"email": owner.email, "password": PASSWORD})
        assert login.status_code == 200, login.text
        agent = make_receptionist(api)
        with signed_in_page(
            playwright_driver,
            url,
            login,
            "/settings",
            permissions=["clipboard-read", "clipboard-write"],
        ) as page:
            yield page, api, agent, receiver


def test_add_an_endpoint_send_a_test_event_and_read_the_log(
    settings_page: tuple[Page, httpx.Client, dict, Receiver],
    resources: Resources,
    screenshot: Callable[[Page, str], Path],
) -> None:
    page, api, agent, receiver = settings_page
    section = page.get_by_role("region", name="Webhooks")
    expect(section.get_by_role("heading", name="No webhooks yet")).to_be_visible(timeout=WAIT_MS)

    section.get_by_label("Webhook URL").fill(receiver.url)
    section.get_by_label("Webhook description").fill("Clinic CRM")
    section.get_by_role("checkbox", name="appointment.cancelled").uncheck()
    section.get_by_role("button", name="Add endpoint").click()

    # The secret, shown once, copied to the clipboard.
    secret = section.get_by_label("Signing secret").inner_text(timeout=WAIT_MS).strip()
    assert secret.startswith("whsec_")
    receiver.secret = secret
    section.get_by_role("button", name="Copy secret").click()
    expect(section.get_by_text("Secret copied.")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == secret
    [endpoint] = api.get("/api/webhooks").json()
    assert endpoint["url"] == receiver.url and "appointment.cancelled" not in endpoint["events"]
    assert endpoint["description"] == "Clinic CRM"
    assert not [c for c in page.evaluate(UNNAMED_CONTROLS)]
    section.get_by_role("button", name="I have stored it").click()
    expect(section.get_by_label("Signing secret")).to_have_count(0)

    # A test event: delivered, verified by the receiver, and in the log with its 200.
    section.get_by_role("button", name="Send test event").click()
    expect(section.get_by_text("Test event — Delivered: answered 200")).to_be_visible(
        timeout=WAIT_MS
    )
    [request] = receiver.requests
    assert request.verified and request.event == "webhook.test"
    log = section.get_by_role("region", name="Deliveries")
    row = log.locator(f'tr[data-delivery="{request.headers["Frontdesk-Delivery"]}"]')
    expect(row.get_by_role("cell", name="webhook.test")).to_be_visible()
    expect(row.get_by_role("cell", name="200", exact=True)).to_be_visible()
    expect(row.get_by_text("succeeded")).to_be_visible()
    screenshot(page, "27-webhooks")

    # A real event the receiver keeps refusing: six tries, then failed; "Retry now" delivers.
    receiver.fail_first = 1000
    with transaction(resources.sessionmaker) as db:
        capture_lead(db, db.get(Agent, agent["id"]), name="Ann Lee", phone="555 014 2398")
    log.get_by_role("button", name="Refresh").click()
    # While it waits for its next try the log keeps looking, until it has failed for good.
    failed = log.locator("tr", has=page.get_by_role("cell", name="lead.created"))
    expect(failed.get_by_text("failed")).to_be_visible(timeout=WAIT_MS)
    expect(failed.get_by_role("cell", name="500", exact=True)).to_be_visible()
    expect(failed.get_by_role("cell", name="6", exact=True)).to_be_visible()
    expect(failed.get_by_text("The endpoint answered 500.")).to_be_visible()
    assert len(receiver.of_type("lead.created")) == 6
    log.get_by_label("Show").select_option("failed")
    expect(log.locator("tbody tr")).to_have_count(1)
    expect(log.get_by_role("cell", name="webhook.test")).to_have_count(0)
    log.get_by_label("Show").select_option("")
    receiver.fail_first = 0
    failed.get_by_role("button", name="Retry now").click()
    expect(failed.get_by_text("succeeded")).to_be_visible(timeout=WAIT_MS)
    expect(failed.get_by_role("cell", name="7", exact=True)).to_be_visible()
    assert receiver.of_type("lead.created")[-1].verified

    # At phone width nothing spills sideways (the log scrolls inside its box).
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate(WIDER_THAN_SCREEN) == []
    screenshot(page, "28-webhooks-phone")
    page.set_viewport_size({"width": 1280, "height": 900})

    # Disable, then delete (after confirming).
    section.get_by_role("checkbox", name="Enabled").uncheck()
    expect(section.get_by_text("Disabled: no new events are sent to it.")).to_be_visible()
    assert api.get("/api/webhooks").json()[0]["enabled"] is False
    page.once("dialog", lambda dialog: dialog.accept())
    section.get_by_role("button", name="Delete").click()
    expect(section.get_by_role("heading", name="No webhooks yet")).to_be_visible(timeout=WAIT_MS)
    assert api.get("/api/webhooks").json() == []
