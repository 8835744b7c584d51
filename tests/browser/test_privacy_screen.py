"""The Data and privacy card of the settings, in Chromium at phone width as an owner uses
it: the retention period saved, the export downloaded and read back, one caller's data
counted and then deleted, the deletion listed; every control named."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page, Playwright, expect

from frontdesk.db import transaction
from frontdesk.models import Agent
from frontdesk.resources import Resources
from tests.browser.conftest import signed_in_page
from tests.browser.test_dashboard_screens import UNNAMED_CONTROLS
from tests.factories import PASSWORD, make_owner, make_receptionist
from tests.live_server import serving
from tests.privacy import records

pytestmark = pytest.mark.timeout(300)

WAIT_MS = 60_000


@pytest.fixture
def privacy_page(
    playwright_driver: Playwright, resources: Resources
) -> Iterator[tuple[Page, httpx.Client]]:
    _, owner = make_owner(resources, workspace_name="Juniper Lane Veterinary Clinic")
    with serving(resources) as url, httpx.Client(base_url=url, timeout=30) as api:
        login = api.post("/api/auth/login", json={"email": owner.email, "password": PASSWORD})
        assert login.status_code == 200, login.text
        agent_id = make_receptionist(api)["id"]
        with transaction(resources.sessionmaker) as db:
            agent = db.get(Agent, agent_id)
            rosa = {"name": "Rosa", "phone": "5550142398", "email": None}
            conversation = records.conversation(db, agent, ended_days_ago=2, caller=rosa)
            records.lead(db, agent, name="Rosa", phone="5550142398", conversation_id=conversation)
        with signed_in_page(
            playwright_driver, url, login, "/settings", viewport=(390, 844), accept_downloads=True
        ) as page:
            yield page, api


def test_retention_export_and_a_callers_data_deleted(
    privacy_page: tuple[Page, httpx.Client], screenshot: Callable[[Page, str], Path]
) -> None:
    page, api = privacy_page
    section = page.locator("section.privacy")
    expect(section.get_by_role("heading", name="Data and privacy")).to_be_visible(timeout=WAIT_MS)
    expect(section.get_by_text("Transcripts are kept for good.")).to_be_visible()

    section.get_by_label("Delete transcripts after (days)").fill("30")
    section.get_by_role("button", name="Save retention").click()
    expect(section.get_by_text("Saved: transcripts are deleted 30 days after")).to_be_visible()
    assert api.get("/api/privacy/retention").json()["transcript_retention_days"] == 30

    with page.expect_download() as download:
        section.get_by_role("link", name="Download the export").click()
    archive = zipfile.ZipFile(io.BytesIO(Path(download.value.path()).read_bytes()))
    counts = json.loads(archive.read("manifest.json"))["counts"]
    assert (counts["leads.jsonl"], counts["conversations.jsonl"]) == (1, 1)

    expect(section.get_by_role("heading", name="No caller has asked yet")).to_be_visible()
    section.get_by_label("Caller's phone").fill("(555) 014-2398")
    section.get_by_role("button", name="Count what would be deleted").click()
    expect(
        section.get_by_text("Would delete 1 lead, 1 conversation, 3 transcript lines.")
    ).to_be_visible()
    assert api.get("/api/leads").json()["total"] == 1  # counting changed nothing

    page.once("dialog", lambda dialog: dialog.accept())
    section.get_by_role("button", name="Delete for good").click()
    expect(
        section.get_by_text("Deleted 1 lead, 1 conversation, 3 transcript lines.")
    ).to_be_visible()
    expect(section.locator(".privacy-trail-list li")).to_have_count(1)
    expect(section.locator(".privacy-trail-list li")).to_contain_text("matched phone")
    assert api.get("/api/leads").json()["total"] == 0

    assert page.evaluate(UNNAMED_CONTROLS) == []
    # Phone width: nothing sticks out sideways.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    section.scroll_into_view_if_needed()
    screenshot(page, "40-data-and-privacy-phone")
