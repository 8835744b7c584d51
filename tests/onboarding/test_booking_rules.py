"""Booking rules and appointment lengths, from the site and the owner's answers to the
agent's settings, and on to a booking: read in code, confirmed in the interview, enforced."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient

from frontdesk.app import create_app
from frontdesk.db import transaction
from frontdesk.models import Appointment
from frontdesk.models.base import as_utc
from frontdesk.onboarding.answers import appointment_kinds
from frontdesk.onboarding.booking_rules import read_rules
from frontdesk.resources import Resources
from tests.factories import make_signed_in_client
from tests.fake_llm import Call, Say, ScriptedLLM, last_tool_output
from tests.knowledge.waiting import wait_for_agent
from tests.website.server import LoopbackSite

pytestmark = pytest.mark.timeout(240)

LONDON = ZoneInfo("Europe/London")


@pytest.mark.parametrize(
    ("text", "party", "notice", "notice_for", "hold", "horizon"),
    [
        ("Groups of 8 or more must call us to book.", 7, None, None, None, None),
        ("Parties of 6+ please phone ahead.", 5, None, None, None, None),
        ("We take tables for up to 6 guests.", 6, None, None, None, None),
        ("Tables seat up to 6; for larger groups please ring us.", 6, None, None, None, None),
        ("Reservations are held for 15 minutes.", None, None, None, 15, None),
        ("We hold your table for 10 minutes.", None, None, None, 10, None),
        ("72 hours' notice for custom cakes.", None, 72 * 60, "custom cakes", None, None),
        ("Custom cakes need 72 hours notice.", None, 72 * 60, "custom cakes", None, None),
        ("Please book at least 24 hours ahead.", None, 24 * 60, None, None, None),
        ("We open reservations 30 days in advance.", None, None, None, None, 30),
        # How far ahead one can book is no notice: a trial tomorrow is fine.
        ("Members can book 7 days ahead in the app.", None, None, None, None, 7),
        # A cancellation policy is not a booking rule.
        ("Please cancel at least 24 hours ahead.", None, None, None, None, None),
        ("Orders of 10 or more cupcakes ship free.", None, None, None, None, None),
    ],
)
def test_rules_as_sites_state_them(
    text: str,
    party: int | None,
    notice: int | None,
    notice_for: str | None,
    hold: int | None,
    horizon: int | None,
) -> None:
    rules = read_rules(text)
    assert (rules.max_party_size, rules.notice_minutes, rules.notice_for) == (
        party,
        notice,
        notice_for,
    )
    assert (rules.hold_minutes, rules.horizon_days) == (hold, horizon)


def test_rules_are_not_appointment_kinds() -> None:
    kinds = appointment_kinds("Tables are 90 minutes. Bookings up to 30 days ahead.")
    assert [(k.name, k.minutes) for k in kinds] == [("Tables", 90)]


PAGE = """<!doctype html><html><head><title>Harbour Kitchen</title></head><body>
<header><h1>Harbour Kitchen</h1><p>Seasonal seafood in the heart of London.</p></header>
<main>
<section><h2>Opening hours</h2><p>Monday–Sunday: 12:00 pm – 11:00 pm</p></section>
<section><h2>Reservations</h2>
<p>Book online or call us on 020 7946 0000.</p>
<ul><li>Reservations are held for 15 minutes. After that we may give the table away.</li>
<li>Groups of 8 or more must call us to book; large parties can't be reserved online.</li>
<li>Please cancel at least 24 hours ahead.</li></ul></section>
<footer><p>14 Harbour Street, London SW1A 1AA</p></footer>
</main></body></html>"""


@pytest.fixture
def owner(chat_resources: Resources) -> Iterator[tuple[TestClient, str]]:
    page = (200, {"Content-Type": "text/html; charset=utf-8"}, PAGE.encode())
    with (
        LoopbackSite(routes={"/": page}) as site,
        TestClient(create_app(resources=chat_resources)) as app_client,
    ):
        client, _ = make_signed_in_client(app_client, chat_resources)
        created = client.post(
            "/api/agents", data={"name": "Harbour Kitchen", "website_url": site.url("/")}
        )
        assert created.status_code == 201, created.text
        agent_id = created.json()["id"]
        wait_for_agent(client, agent_id)
        yield client, agent_id


def test_the_sites_rules_are_confirmed_and_the_owners_length_is_booked(  # type: ignore[no-untyped-def]
    owner, fake_llm: ScriptedLLM, chat_resources: Resources
) -> None:
    client, agent_id = owner
    zone = client.patch(
        f"/api/agents/{agent_id}", json={"scheduling": {"timezone": "Europe/London"}}
    )
    assert zone.status_code == 200, zone.text
    interview = client.post(f"/api/agents/{agent_id}/onboarding").json()
    rules = next(q for q in interview["questions"] if q["id"] == "booking.rules.confirm")
    # The site's own words, every rule sentence, and not the cancellation policy.
    assert "Groups of 8 or more must call us to book" in rules["text"]
    assert "Reservations are held for 15 minutes" in rules["text"]
    assert "Should the receptionist hold to that?" in rules["text"]
    answers = {"booking.types": "Tables are 90 minutes.", "booking.rules.confirm": "Yes."}
    while interview["current"] is not None:
        question = interview["current"]
        reply = answers.get(question["id"], "Yes, that's right.")
        interview = client.post(
            f"/api/agents/{agent_id}/onboarding/answers",
            json={"question_id": question["id"], "answer": reply},
        ).json()
    done = client.post(f"/api/agents/{agent_id}/onboarding/complete")
    assert done.status_code == 200, done.text
    agent = done.json()
    scheduling = agent["scheduling"]
    assert [(t["name"], t["duration_minutes"]) for t in scheduling["appointment_types"]] == [
        ("Tables", 90)
    ]
    assert scheduling["max_party_size"] == 7 and scheduling["hold_minutes"] == 15
    assert "Groups of 8 or more" in scheduling["booking_rules"]
    assert agent["business_facts"]["country"] == "GB", agent["business_facts"]

    # The generated agent books the caller's 7pm for the owner's 90 minutes (the hours are
    # set here: reading them from the page is the reader's test, not this one's).
    evenings = {day: [{"opens": "12:00", "closes": "23:00"}] for day in scheduling["hours"]}
    evenings |= {"sat": evenings["mon"], "sun": evenings["mon"]}
    changed = client.patch(
        f"/api/agents/{agent_id}",
        json={"scheduling": {**scheduling, "hours": evenings, "min_notice_minutes": 0}},
    )
    assert changed.status_code == 200, changed.text
    fake_llm.script(
        Call("book_appointment", {"day": "Saturday", "time": "7pm", "name": "Dana Wu",
                                  "phone": "07700 900123", "appointment_type": "table"}),
        lambda ctx: Say(last_tool_output(ctx)),
    )  # fmt: skip
    conversation = client.post(f"/api/agents/{agent_id}/conversations").json()["id"]
    out = client.post(
        f"/api/conversations/{conversation}/messages",
        json={"text": "A table for four this Saturday at 7pm. Dana Wu, 07700 900123."},
    ).json()
    assert out["reply"].startswith("Booked a 90-minute table for Dana Wu, party of 4, on Saturday")
    with transaction(chat_resources.sessionmaker) as db:
        row = db.query(Appointment).filter_by(agent_id=agent_id).one()
        starts = as_utc(row.starts_at).astimezone(LONDON)
        assert (starts.weekday(), starts.hour) == (5, 19)
        assert as_utc(row.ends_at) - as_utc(row.starts_at) == timedelta(minutes=90)
        assert row.customer_phone == "+447700900123"
    assert datetime.now(LONDON) < starts
