"""Analytics of conversations held through the real API (the scripted model answering), and
the topic rules on their own; on SQLite and PostgreSQL."""

from __future__ import annotations

import time
from datetime import UTC, datetime

from fastapi.testclient import TestClient

from frontdesk.analytics.topics import terms, top_topics
from tests.fake_llm import Call, Say, ScriptedLLM, last_tool_output


def _analysed(client: TestClient, conversation_id: str) -> dict:
    deadline = time.monotonic() + 30
    while (transcript := client.get(f"/api/conversations/{conversation_id}").json())[
        "outcome"
    ] is None:
        assert time.monotonic() < deadline, "the conversation was not analysed"
        time.sleep(0.1)
    return transcript


def test_conversations_held_through_the_api_are_counted(
    chat: tuple[TestClient, dict], fake_llm: ScriptedLLM
) -> None:
    client, agent = chat
    fake_llm.script(Say("We are open every day from nine to five."))
    first = client.post(f"/api/agents/{agent['id']}/conversations").json()["id"]
    assert client.post(
        f"/api/conversations/{first}/messages", json={"text": "What are your opening hours?"}
    ).is_success
    assert client.post(f"/api/conversations/{first}/end").status_code == 204
    fake_llm.script(
        Call("capture_lead", {"name": "Ann Lee", "phone": "(555) 014-2398",
                              "interest": "a puppy checkup"}),
        Call("book_appointment", {"day": "tomorrow", "time": "10am", "name": "Ann Lee",
                                  "phone": "555-014-2398"}),
        lambda ctx: Say(last_tool_output(ctx)),
    )  # fmt: skip
    second = client.post(f"/api/agents/{agent['id']}/conversations").json()["id"]
    assert client.post(
        f"/api/conversations/{second}/messages",
        json={"text": "Opening hours tomorrow? Book a puppy checkup for Ann Lee, 555-014-2398"},
    ).is_success
    assert client.post(f"/api/conversations/{second}/end").status_code == 204
    transcripts = [_analysed(client, first), _analysed(client, second)]
    assert [t["outcome"] for t in transcripts] == ["answered", "booked"]
    replies = [
        turn["timings"]["reply_ms"]
        for t in transcripts
        for turn in t["turns"][1:]  # the greeting is not a reply
        if turn["role"] == "agent"
    ]

    today = datetime.now(UTC).date().isoformat()
    report = client.get(
        f"/api/agents/{agent['id']}/analytics", params={"from": today, "to": today}
    ).json()
    totals = report["totals"]
    assert totals["conversations"] == 2
    assert totals["outcomes"]["answered"] == 1 and totals["outcomes"]["booked"] == 1
    assert (totals["contained"], totals["containment"]) == (2, 1.0)
    assert (totals["leads"], totals["bookings"]) == (1, 1)
    assert totals["latency"]["text"]["turns"] == len(replies) == 2
    assert totals["latency"]["text"]["average_ms"] == round(sum(replies) / 2, 1)
    assert totals["latency"]["text"]["p95_ms"] == max(replies)
    assert totals["latency"]["voice"]["turns"] == 0
    assert report["topics"][0] == {"phrase": "opening hours", "conversations": 2}
    # Ann Lee gave her name: it is no topic.
    phrases = {topic["phrase"] for topic in report["topics"]}
    assert "puppy" in phrases and not phrases & {"ann", "lee"}
    hour = datetime.now(UTC)
    assert sum(map(sum, report["busiest_hours"])) == 2
    # Both started this hour (or the one before, when the test straddles the hour).
    assert report["busiest_hours"][hour.weekday()][hour.hour] >= 1


def test_topic_words_and_phrases() -> None:
    assert terms("Hi! What's the price of a dental clean for my cat?") == {
        "price",
        "dental",
        "clean",
        "cat",
        "dental clean",
    }
    # Emails, links and numbers are not topics; nor is a greeting.
    assert terms("hello, ann@example.com 555 0142 see https://juniper.example/x") == set()
    topics = top_topics(
        [
            ("a", "Dental clean price?", None),
            ("a", "dental clean, dental clean!", None),  # repeats in one conversation count once
            ("b", "How much is a dental clean", None),
            ("c", "dental x-rays for Rosa Diaz", "Rosa Diaz"),  # her name is no topic
            ("d", "Rosa here again", None),  # but "rosa" said by another caller is
        ]
    )
    # "clean" is always part of "dental clean": the phrase says it. "dental" is used more
    # often than the phrase, so it stays too.
    assert topics == [
        ("dental", 3),
        ("dental clean", 2),
        ("price", 1),
        ("rosa", 1),
        ("x-rays", 1),
    ]
