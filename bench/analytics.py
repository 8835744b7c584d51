"""Analytics benchmark: one agent's report over a month holding tens of thousands of
conversations.

Writes `--conversations` conversations (default 30,000) spread over 30 days, with four
caller messages and four timed agent replies each (a greeting too), a lead for one in five
and a booking for one in ten, on SQLite (a temporary file) or on PostgreSQL (`--postgres`,
a database that is created and dropped). Then asks the analytics service for the month per
day and per week, `--runs` times each, as the endpoint does. Prints one JSON line last:
{"backend", "conversations", "turns", "report_day_p50_s", "report_week_p50_s", "report_max_s"}

    .venv/bin/python bench/analytics.py [--conversations 30000] [--runs 3]
    .venv/bin/python bench/analytics.py --postgres postgresql://postgres@127.0.0.1:5432/test
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.postgres_databases import throwaway_postgres  # noqa: E402

from frontdesk.analytics.service import AnalyticsQuery, AnalyticsService  # noqa: E402
from frontdesk.db import build_engine, build_sessionmaker, transaction  # noqa: E402
from frontdesk.migrate import upgrade  # noqa: E402
from frontdesk.models import (  # noqa: E402
    Agent,
    Appointment,
    Conversation,
    ConversationTurn,
    Lead,
    Workspace,
)
from frontdesk.workspace.service import Principal  # noqa: E402

QUESTIONS = [
    "What are your opening hours on Saturday?",
    "How much is a puppy checkup?",
    "Can I book a dental clean for my cat?",
    "Do you see rabbits and other small pets?",
    "Is there parking near the clinic?",
    "I need to cancel my appointment on Friday.",
]
OUTCOMES = ["answered", "lead_captured", "booked", "message_taken", "handed_off", "abandoned"]


@contextmanager
def database(postgres: str | None) -> Iterator[str]:
    if not postgres:
        with tempfile.TemporaryDirectory() as tmp:
            yield f"sqlite:///{tmp}/bench.db"
        return
    with throwaway_postgres(postgres, "frontdesk_bench") as url:
        yield url


def seed(url: str, count: int, first: date) -> tuple[str, str, int]:
    """The workspace, the agent, and how many turns were written."""
    engine = build_engine(url)
    rng = random.Random(7)
    workspace_id, agent_id = uuid.uuid4().hex, uuid.uuid4().hex
    start = datetime.combine(first, datetime.min.time(), tzinfo=UTC)
    turns_written = 0
    with engine.begin() as conn:
        conn.execute(insert(Workspace), [{"id": workspace_id, "name": "Bench", "settings": {}}])
        conn.execute(
            insert(Agent),
            [{"id": agent_id, "workspace_id": workspace_id, "name": "Bench Vet", "status": "ready",
              "kb_version": 0, "public_key": "pk_" + uuid.uuid4().hex, "business_facts": {},
              "scheduling": {"timezone": "Europe/London"}, "generated": {}, "widget": {}}],
        )  # fmt: skip
    for offset in range(0, count, 2000):
        conversations, turns, leads, bookings = [], [], [], []
        for n in range(offset, min(count, offset + 2000)):
            cid = uuid.uuid4().hex
            at = start + timedelta(seconds=rng.uniform(0, 30 * 86400))
            channel = rng.choice(["text", "text", "voice", "livekit"])
            call = channel != "text"
            conversations.append(
                {"id": cid, "workspace_id": workspace_id, "agent_id": agent_id,
                 "channel": channel, "source": "widget", "status": "ended",
                 "created_at": at, "updated_at": at,
                 "connected_at": at + timedelta(seconds=2) if call else None,
                 "ended_at": at + timedelta(seconds=rng.uniform(30, 400)),
                 "outcome": rng.choice(OUTCOMES)}
            )  # fmt: skip
            seq = 0
            turns.append(_turn(cid, seq, "agent", "Hello.", at, {}))
            for _ in range(4):
                at += timedelta(seconds=rng.uniform(3, 20))
                seq += 1
                turns.append(_turn(cid, seq, "caller", rng.choice(QUESTIONS), at, {}))
                at += timedelta(seconds=rng.uniform(1, 4))
                seq += 1
                ms = round(rng.lognormvariate(6.8, 0.5), 1)
                key = "end_of_speech_to_audio_ms" if call else "reply_ms"
                turns.append(_turn(cid, seq, "agent", "Sure.", at, {key: ms}))
            if n % 5 == 0:
                leads.append({"id": uuid.uuid4().hex, "workspace_id": workspace_id,
                              "agent_id": agent_id, "conversation_id": cid, "name": "Ann Lee",
                              "phone": "5550142398", "status": "new",
                              "created_at": at, "updated_at": at})  # fmt: skip
            if n % 10 == 0:
                bookings.append({"id": uuid.uuid4().hex, "workspace_id": workspace_id,
                                 "agent_id": agent_id, "conversation_id": cid,
                                 "appointment_type": "checkup", "starts_at": at,
                                 "ends_at": at + timedelta(minutes=30), "status": "booked",
                                 "customer_name": "Ann Lee", "created_at": at,
                                 "updated_at": at})  # fmt: skip
        with engine.begin() as conn:
            conn.execute(insert(Conversation), conversations)
            conn.execute(insert(ConversationTurn), turns)
            conn.execute(insert(Lead), leads)
            conn.execute(insert(Appointment), bookings)
        turns_written += len(turns)
    engine.dispose()
    return workspace_id, agent_id, turns_written


def _turn(cid: str, seq: int, role: str, said: str, at: datetime, timings: dict) -> dict:
    return {"id": uuid.uuid4().hex, "conversation_id": cid, "seq": seq, "role": role,
            "text": said, "tool_calls": [], "timings": timings, "interrupted": False,
            "created_at": at, "updated_at": at}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--conversations", type=int, default=30_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--postgres", default="", help="a PostgreSQL server URL")
    args = parser.parse_args()
    first = date(2026, 10, 1)
    with database(args.postgres) as url:
        upgrade(url)
        began = time.perf_counter()
        workspace_id, agent_id, turns = seed(url, args.conversations, first)
        print(f"seeded {args.conversations} conversations, {turns} turns "
              f"in {time.perf_counter() - began:.1f} s")  # fmt: skip
        engine = build_engine(url)
        sessions = build_sessionmaker(engine)
        principal = Principal(workspace_id=workspace_id, user_id=None, via="bench")
        times: dict[str, list[float]] = {"day": [], "week": []}
        for run in range(args.runs):
            for interval in ("day", "week"):
                query = AnalyticsQuery(first, first + timedelta(days=29), interval)  # type: ignore[arg-type]
                began = time.perf_counter()
                with transaction(sessions) as db:
                    report = AnalyticsService(db, principal).report(query, agent_id)
                times[interval].append(time.perf_counter() - began)
                print(f"run {run + 1} {interval}: {times[interval][-1]:.2f} s, "
                      f"{report.totals.conversations} conversations, "
                      f"{len(report.buckets)} buckets")  # fmt: skip
        engine.dispose()
    print(
        json.dumps(
            {
                "backend": "postgresql" if args.postgres else "sqlite",
                "conversations": args.conversations,
                "turns": turns,
                "report_day_p50_s": round(statistics.median(times["day"]), 3),
                "report_week_p50_s": round(statistics.median(times["week"]), 3),
                "report_max_s": round(max(times["day"] + times["week"]), 3),
            }
        )
    )


if __name__ == "__main__":
    main()
