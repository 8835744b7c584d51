"""Every number the analytics endpoints answer, checked against conversations, turns, leads
and bookings written at known times; on SQLite and PostgreSQL.

The agent's calendar is in New York, and the range (Monday 26 October to Sunday 8 November
2026) crosses the end of daylight saving time (1 November, 02:00): days and hours must be
counted in the zone, on both sides of the change and on both sides of midnight.
"""

from __future__ import annotations

import math
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient

from frontdesk.db import transaction
from frontdesk.models import Agent
from frontdesk.resources import Resources
from tests.analytics.rows import T, add_booking, add_conversation, add_lead
from tests.factories import EVERY_DAY, make_owner, make_receptionist, make_signed_in_client, sign_in

NEW_YORK = ZoneInfo("America/New_York")
RANGE = {"from": "2026-10-26", "to": "2026-11-08"}


def ny(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=NEW_YORK)


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text + "+00:00")


# c8's twenty replies: enough for the 95th percentile not to be the largest value.
C8_REPLIES = [410.0, 3000.0, 120.5, 980.0, 2200.0, 640.0, 75.0, 1500.0, 333.3, 2750.0,
              890.0, 1210.0, 455.0, 2990.0, 60.0, 1800.0, 720.0, 2400.0, 150.0, 505.0]  # fmt: skip


def p95(values: list[float]) -> float:
    # Nearest rank, written out: rank ceil(0.95 n) of the sorted values, counted from one.
    rank = math.ceil(0.95 * len(values))
    return sorted(values)[rank - 1]


def _scenario(resources: Resources, workspace_id: str, agent: str, other_agent: str) -> None:
    """Agent `agent` (New York) gets c1-c8 in the range and two just outside it; the same
    workspace's `other_agent` (UTC) one conversation; exams are written too."""
    with transaction(resources.sessionmaker) as db:
        kw = {"workspace_id": workspace_id, "agent_id": agent}
        add_conversation(
            db, **kw, at=ny("2026-10-26T09:10:00"), outcome="answered", ended_s=100,
            turns=[
                T("agent", "Juniper Vet, how can I help?", 0, {"reply_ms": 4.0}),
                T("caller", "What are your opening hours on Saturday?", 10),
                T("agent", "Nine to five.", 12, {"reply_ms": 800.0, "first_token_ms": 300.0}),
                T("caller", "Do you see rabbits?", 40),
                T("agent", "We do.", 48, {"reply_ms": 1200.0}),
            ],
        )  # fmt: skip
        add_conversation(
            db, **kw, at=ny("2026-10-26T09:40:00"), channel="voice", outcome="handed_off",
            connected_s=5, ended_s=185,
            turns=[
                T("agent", "Juniper Vet, how can I help?", 6),
                T("caller", "I need to speak about opening hours", 10,
                  {"end_of_speech_to_transcript_ms": 200.0}),
                T("agent", "Let me pass you on.", 12, {"end_of_speech_to_audio_ms": 900.0}),
            ],
        )  # fmt: skip
        c3 = add_conversation(
            db, **kw, at=ny("2026-10-27T14:05:00"), channel="livekit", outcome="booked",
            connected_s=0, ended_s=120,
            turns=[
                T("agent", "Hello.", 1),
                T("caller", "Book me in.", 5),
                T("agent", "What day?", 7, {"end_of_speech_to_audio_ms": 1500.0}),
                T("caller", "Friday.", 20),
                T("agent", "Booked.", 22, {"end_of_speech_to_audio_ms": 700.0}),
            ],
        )  # fmt: skip
        add_booking(db, **kw, at=ny("2026-10-27T14:07:00"), conversation_id=c3.id)
        # A minute before midnight, on the last day of daylight saving time.
        c4 = add_conversation(
            db, **kw, at=ny("2026-10-31T23:59:30"), outcome="lead_captured",
            turns=[
                T("caller", "Price for a puppy checkup", 5),
                T("agent", "Sixty dollars. May I take your details?", 30, {"reply_ms": 2000.0}),
            ],
        )  # fmt: skip
        add_lead(db, **kw, at=ny("2026-10-31T23:59:45"), conversation_id=c4.id)
        # Half a minute after that midnight: the next day.
        add_conversation(
            db, **kw, at=ny("2026-11-01T00:00:30"), outcome="abandoned",
            turns=[T("caller", "puppy checkup price?", 6)],
        )  # fmt: skip
        add_lead(db, **kw, at=ny("2026-11-01T00:05:00"))  # left on no conversation
        add_booking(db, **kw, at=ny("2026-11-03T11:00:00"), status="cancelled")
        # A call nobody answered: no minutes.
        add_conversation(
            db, **kw, at=ny("2026-11-04T10:00:00"), channel="voice", outcome="abandoned",
            ended_s=30,
        )  # fmt: skip
        c8_turns = [T("agent", "Hi, Juniper Vet.", 0)]
        for n, reply_ms in enumerate(C8_REPLIES):
            c8_turns.append(T("caller", "Can I leave a message for Dr Patel", 3 * n + 1))
            c8_turns.append(T("agent", "Noted.", 3 * n + 2, {"reply_ms": reply_ms}))
        add_conversation(
            db, **kw, at=ny("2026-11-05T16:20:00"), outcome="message_taken", ended_s=90,
            turns=c8_turns,
        )  # fmt: skip
        # A minute before the range ends (in standard time now): still going, not analysed.
        add_conversation(
            db, **kw, at=ny("2026-11-08T23:59:00"),
            turns=[
                T("caller", "opening hours please", 2),
                T("agent", "Nine to five.", 6, {"reply_ms": 600.0}),
            ],
        )  # fmt: skip

        # Just outside the range, on both sides.
        add_conversation(db, **kw, at=ny("2026-11-09T00:00:10"), outcome="answered")
        add_conversation(db, **kw, at=ny("2026-10-25T23:59:59"), outcome="answered")
        add_lead(db, **kw, at=ny("2026-11-09T00:01:00"))
        # Exams: never counted, nor what their simulated callers left.
        exam = add_conversation(
            db, **kw, at=ny("2026-10-27T10:00:00"), channel="exam", outcome="booked",
            connected_s=0, ended_s=600,
            turns=[
                T("caller", "opening hours exam question", 1),
                T("agent", "Slow answer.", 60, {"reply_ms": 99_999.0}),
            ],
        )  # fmt: skip
        add_lead(db, **kw, at=ny("2026-10-27T10:01:00"), conversation_id=exam.id)
        add_booking(db, **kw, at=ny("2026-10-27T10:02:00"), conversation_id=exam.id)
        # The same workspace's other agent (on UTC).
        add_conversation(
            db, workspace_id=workspace_id, agent_id=other_agent, at=utc("2026-10-28T12:00:00"),
            outcome="answered",
            turns=[
                T("caller", "opening hours", 1),
                T("agent", "Nine to five.", 2, {"reply_ms": 5000.0}),
            ],
        )  # fmt: skip


def workspace_of(resources: Resources, agent_id: str) -> str:
    with transaction(resources.sessionmaker) as db:
        agent = db.get(Agent, agent_id)
        assert agent is not None
        return agent.workspace_id


def _stranger(app_client: TestClient, resources: Resources) -> dict:
    """Another workspace with an agent and a conversation on a day in the range."""
    _, user = make_owner(resources, workspace_name="Someone else")
    stranger = TestClient(app_client.app)
    sign_in(stranger, user)
    agent = make_receptionist(stranger, name="Other Vet")
    workspace_id = workspace_of(resources, agent["id"])
    with transaction(resources.sessionmaker) as db:
        c = add_conversation(
            db, workspace_id=workspace_id, agent_id=agent["id"],
            at=ny("2026-10-27T09:00:00"), outcome="handed_off",
            turns=[T("caller", "opening hours", 1), T("agent", "Hm.", 2, {"reply_ms": 7000.0})],
        )  # fmt: skip
        add_lead(
            db, workspace_id=workspace_id, agent_id=agent["id"],
            at=ny("2026-10-27T09:01:00"), conversation_id=c.id,
        )  # fmt: skip
    return agent


@pytest.fixture
def world(app_client: TestClient, resources: Resources) -> tuple[TestClient, dict, dict, dict]:
    client, _ = make_signed_in_client(app_client, resources)
    vet = make_receptionist(client, name="Juniper Vet")
    moved = client.patch(
        f"/api/agents/{vet['id']}",
        json={"scheduling": {"timezone": "America/New_York", "hours": EVERY_DAY}},
    )
    assert moved.status_code == 200, moved.text
    spa = make_receptionist(client, name="Cedar Spa")
    _scenario(resources, workspace_of(resources, vet["id"]), vet["id"], spa["id"])
    stranger = _stranger(app_client, resources)
    return client, vet, spa, stranger


def _figures(conversations: int, minutes: float, **rest: object) -> dict:
    return {"conversations": conversations, "minutes": minutes, **rest}


def _zero_outcomes() -> dict[str, int]:
    keys = ("answered", "lead_captured", "booked", "message_taken", "handed_off", "abandoned")
    return dict.fromkeys((*keys, "not_analysed"), 0)


def _latency(values: list[float]) -> dict:
    if not values:
        return {"turns": 0, "average_ms": None, "p95_ms": None}
    return {
        "turns": len(values),
        "average_ms": round(sum(values) / len(values), 1),
        "p95_ms": p95(values),
    }


def test_agent_figures_per_day_in_the_agent_time_zone(world: tuple) -> None:
    client, vet, _, _ = world
    response = client.get(f"/api/agents/{vet['id']}/analytics", params=RANGE)
    assert response.status_code == 200, response.text
    report = response.json()
    assert report["timezone"] == "America/New_York"  # the agent's calendar zone by default
    assert (report["from_date"], report["to_date"], report["interval"]) == (
        "2026-10-26", "2026-11-08", "day",
    )  # fmt: skip
    days = {b["start"]: b for b in report["buckets"]}
    assert len(report["buckets"]) == 14 and all(b["start"] == b["end"] for b in report["buckets"])

    # Per day: conversations, minutes, outcomes, leads, bookings.
    expected = {
        # c1: text, first turn to last 48 s = 0.8 min; c2: call connected 5 s -> 185 s = 3 min
        "2026-10-26": (2, 3.8, {"answered": 1, "handed_off": 1}, 0, 0),
        "2026-10-27": (1, 2.0, {"booked": 1}, 0, 1),  # c3: 120 s; the exam is not counted
        "2026-10-31": (1, 0.5, {"lead_captured": 1}, 1, 0),  # c4 at 23:59:30 EDT
        "2026-11-01": (1, 0.1, {"abandoned": 1}, 1, 0),  # c5 at 00:00:30 EDT, 6 s
        "2026-11-03": (0, 0.0, {}, 0, 1),  # a booking since cancelled still was made
        "2026-11-04": (1, 0.0, {"abandoned": 1}, 0, 0),  # never answered: no minutes
        "2026-11-05": (1, 1.0, {"message_taken": 1}, 0, 0),  # c8: last turn at 59 s
        "2026-11-08": (1, 0.1, {"not_analysed": 1}, 0, 0),  # c7 at 23:59 EST, still going
    }
    for day, bucket in days.items():
        conversations, minutes, outcomes, leads, bookings = expected.get(day, (0, 0.0, {}, 0, 0))
        assert bucket["conversations"] == conversations, day
        assert bucket["minutes"] == minutes, day
        assert bucket["outcomes"] == _zero_outcomes() | outcomes, day
        assert (bucket["leads"], bucket["bookings"]) == (leads, bookings), day

    assert days["2026-10-26"]["contained"] == 1
    assert days["2026-10-26"]["containment_base"] == 2
    assert days["2026-10-26"]["containment"] == 0.5
    assert days["2026-11-04"]["containment"] is None  # abandoned only: nothing to measure
    assert days["2026-10-28"]["containment"] is None

    # Latency per channel, named: typed replies by reply_ms (the greeting left out), calls by
    # end_of_speech_to_audio_ms.
    assert days["2026-10-26"]["latency"] == {
        "text": _latency([800.0, 1200.0]),
        "voice": _latency([900.0]),
    }
    assert days["2026-10-27"]["latency"]["voice"] == _latency([1500.0, 700.0])
    assert days["2026-10-27"]["latency"]["text"] == _latency([])  # the exam's 99,999 ms
    assert days["2026-11-05"]["latency"]["text"] == _latency(C8_REPLIES)
    assert days["2026-11-05"]["latency"]["text"]["p95_ms"] == 2990.0  # rank 19 of 20

    totals = report["totals"]
    text_ms = [800.0, 1200.0, 2000.0, *C8_REPLIES, 600.0]
    assert totals == {
        "conversations": 8,
        "minutes": 7.5,
        "outcomes": {
            "answered": 1,
            "lead_captured": 1,
            "booked": 1,
            "message_taken": 1,
            "handed_off": 1,
            "abandoned": 2,
            "not_analysed": 1,
        },  # fmt: skip
        # Abandoned and not analysed conversations are outside the base.
        "contained": 4,
        "containment_base": 5,
        "containment": 0.8,
        "leads": 2,
        "bookings": 2,
        "latency": {"text": _latency(text_ms), "voice": _latency([900.0, 1500.0, 700.0])},
    }
    assert totals["latency"]["voice"]["average_ms"] == 1033.3
    # One agent asked for: its own row holds the same figures.
    assert report["agents"] == [{"agent_id": vet["id"], "name": "Juniper Vet", **totals}]

    # Busiest hours: weekday (Monday = 0) and hour, in New York.
    cells = {
        (day, hour): count
        for day, row in enumerate(report["busiest_hours"])
        for hour, count in enumerate(row)
        if count
    }
    assert cells == {
        (0, 9): 2,  # c1, c2 on Monday 09:xx
        (1, 14): 1,  # c3
        (5, 23): 1,  # c4, Saturday 23:59
        (6, 0): 1,  # c5, Sunday 00:00
        (2, 10): 1,  # c6
        (3, 16): 1,  # c8
        (6, 23): 1,  # c7
    }
    assert [len(row) for row in report["busiest_hours"]] == [24] * 7

    # Topics: counted once per conversation; "opening hours" beats its words; the exam's,
    # the other agent's and the other workspace's callers are not heard.
    assert report["topics"] == [
        {"phrase": "opening hours", "conversations": 3},
        {"phrase": "puppy checkup", "conversations": 2},
        {"phrase": "price", "conversations": 2},
        {"phrase": "book", "conversations": 1},
        {"phrase": "friday", "conversations": 1},
        {"phrase": "leave", "conversations": 1},
        {"phrase": "message", "conversations": 1},
        {"phrase": "patel", "conversations": 1},
        {"phrase": "rabbits", "conversations": 1},
        {"phrase": "saturday", "conversations": 1},
    ]  # ten at most: "speak" is the eleventh


def test_weeks_start_on_monday_and_the_last_one_is_clipped(world: tuple) -> None:
    client, vet, _, _ = world
    response = client.get(
        f"/api/agents/{vet['id']}/analytics",
        params={"from": "2026-10-28", "to": "2026-11-10", "interval": "week"},
    )
    assert response.status_code == 200, response.text
    weeks = response.json()["buckets"]
    assert [(w["start"], w["end"]) for w in weeks] == [
        ("2026-10-28", "2026-11-01"),  # Wednesday to Sunday: the range starts midweek
        ("2026-11-02", "2026-11-08"),
        ("2026-11-09", "2026-11-10"),
    ]
    assert [w["conversations"] for w in weeks] == [2, 3, 1]  # c4 c5 | c6 c8 c7 | 9 Nov
    assert [w["leads"] for w in weeks] == [2, 0, 1]
    assert [w["bookings"] for w in weeks] == [0, 1, 0]
    assert [w["minutes"] for w in weeks] == [0.6, 1.1, 0.0]


def test_another_zone_moves_conversations_across_midnight(world: tuple) -> None:
    client, vet, _, _ = world
    response = client.get(
        f"/api/agents/{vet['id']}/analytics",
        params={"from": "2026-11-01", "to": "2026-11-01", "tz": "UTC"},
    )
    assert response.status_code == 200, response.text
    report = response.json()
    # In UTC, 1 November holds c4 (03:59:30Z) and c5 (04:00:30Z), and both leads.
    assert report["timezone"] == "UTC"
    assert report["totals"]["conversations"] == 2
    assert report["totals"]["leads"] == 2
    assert report["busiest_hours"][6][3] == 1 and report["busiest_hours"][6][4] == 1


def test_workspace_figures_count_every_agent_but_no_one_else(world: tuple) -> None:
    client, vet, spa, stranger = world
    whole = client.get("/api/analytics", params=RANGE | {"tz": "America/New_York"})
    assert whole.status_code == 200, whole.text
    totals = whole.json()["totals"]
    assert whole.json()["agent_id"] is None
    assert totals["conversations"] == 9  # eight of the vet's and the spa's one
    assert totals["outcomes"]["answered"] == 2
    assert totals["latency"]["text"]["turns"] == 25  # 24 of the vet's and the spa's one
    assert totals["leads"] == 2  # not the exam's, not the other workspace's

    # Each agent's row, busiest first; the other workspace's agent is in none.
    rows = whole.json()["agents"]
    assert [(r["agent_id"], r["name"]) for r in rows] == [
        (vet["id"], "Juniper Vet"),
        (spa["id"], "Cedar Spa"),
    ]
    vet_row, spa_row = rows
    assert (vet_row["conversations"], vet_row["leads"], vet_row["bookings"]) == (8, 2, 2)
    assert (vet_row["containment"], vet_row["minutes"]) == (0.8, 7.5)
    assert vet_row["latency"]["voice"] == _latency([900.0, 1500.0, 700.0])
    assert (spa_row["conversations"], spa_row["outcomes"]["answered"]) == (1, 1)
    assert spa_row["latency"]["text"] == _latency([5000.0])

    # In UTC by default; with an agent, in its zone, and the same as the agent's own report.
    assert client.get("/api/analytics", params=RANGE).json()["timezone"] == "UTC"
    only_vet = client.get("/api/analytics", params=RANGE | {"agent_id": vet["id"]}).json()
    own = client.get(f"/api/agents/{vet['id']}/analytics", params=RANGE).json()
    assert only_vet == own
    only_spa = client.get("/api/analytics", params=RANGE | {"agent_id": spa["id"]}).json()
    assert only_spa["timezone"] == "UTC"
    assert only_spa["totals"]["conversations"] == 1
    # A phrase one conversation used is chance wording: its words stand alone.
    assert only_spa["topics"] == [
        {"phrase": "hours", "conversations": 1},
        {"phrase": "opening", "conversations": 1},
    ]

    # Another workspace's agent does not exist here.
    for path, params in (
        (f"/api/agents/{stranger['id']}/analytics", RANGE),
        ("/api/analytics", RANGE | {"agent_id": stranger["id"]}),
    ):
        refused = client.get(path, params=params)
        assert refused.status_code == 404, refused.text
        assert refused.json()["error"] == "NotFound"


def test_default_range_is_the_last_thirty_days_in_the_zone(world: tuple) -> None:
    client, vet, _, _ = world
    report = client.get(f"/api/agents/{vet['id']}/analytics").json()
    today = datetime.now(NEW_YORK).date()
    assert report["to_date"] == today.isoformat()
    assert len(report["buckets"]) == 30
    assert report["buckets"][-1]["start"] == today.isoformat()
    first = report["buckets"][0]["start"]
    assert report["from_date"] == first
    explicit = client.get(
        f"/api/agents/{vet['id']}/analytics", params={"from": first, "to": today.isoformat()}
    )
    assert report == explicit.json()


@pytest.mark.parametrize(
    ("params", "says"),
    [
        ({"tz": "Mars/Olympus_Mons"}, "Unknown time zone 'Mars/Olympus_Mons'"),
        ({"from": "2026-11-08", "to": "2026-11-01"}, "must not be after"),
        ({"from": "2025-01-01", "to": "2026-11-01"}, "366 days at most"),
        ({"interval": "month"}, "interval"),
        ({"from": "yesterday"}, "from"),
    ],
)
def test_bad_parameters_are_a_422_that_says_what_to_fix(
    world: tuple, params: dict, says: str
) -> None:
    client, vet, _, _ = world
    for path in (f"/api/agents/{vet['id']}/analytics", "/api/analytics"):
        response = client.get(path, params=params)
        assert response.status_code == 422, response.text
        assert response.json()["error"] == "ValidationFailed"
        assert says in str(response.json()["detail"])


def test_signed_out_is_refused(app_client: TestClient) -> None:
    response = app_client.get("/api/analytics")
    assert response.status_code == 401
