"""How bench/answers.py judges, in code: a factual reply, an honest "I don't know", and the
rows a caller's request left in the database (see `Action` in tests/corpus/sites.py)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from tests.corpus.sites import Action, contains

# A reply admits not knowing when it says so in one of these ways (folded: any apostrophe,
# any case). Kept plain on purpose: the goal is that the agent says it clearly.
ADMISSIONS = (
    "don't have", "do not have", "don't know", "do not know", "not sure", "can't find",
    "cannot find", "couldn't find", "could not find", "can't say", "cannot say",
    "no information", "not have information", "not have that information",
    "no details", "don't see", "do not see", "not able to tell", "unable to tell",
    "isn't something i", "is not something i", "not something i can", "take a message",
    "leave a message", "pass on a message", "have someone call you back",
    "have someone get back to you", "not listed", "isn't listed", "doesn't say",
    "does not say", "not mentioned", "not in front of me", "not certain", "unsure",
)  # fmt: skip


def _fold(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u2019", "'").lower())


def admits_not_knowing(reply: str) -> bool:
    said = _fold(reply)
    return any(phrase in said for phrase in ADMISSIONS)


@dataclass
class Rows:
    """What one conversation left in the database."""

    appointments: list[dict[str, Any]] = field(default_factory=list)
    leads: list[dict[str, Any]] = field(default_factory=list)
    messages: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class Verdict:
    passed: bool
    why: str = ""


def _same_text(stored: str | None, wanted: str) -> bool:
    return bool(stored) and contains(str(stored), wanted)


def _same_contact(stored: str | None, wanted: str) -> bool:
    """E.164 phones must be stored exactly so; an email in any case."""
    if not stored:
        return False
    if "@" in wanted:
        return stored.strip().lower() == wanted.strip().lower()
    return stored.strip() == wanted.strip()


def _booking_misses(row: dict[str, Any], expect: dict[str, Any], zone: ZoneInfo) -> list[str]:
    misses = []
    starts: datetime = row["starts_at"].astimezone(zone)
    if "weekday" in expect and starts.strftime("%A").lower() != expect["weekday"].lower():
        misses.append(f"weekday {starts:%A}, not {expect['weekday']}")
    if "time" in expect and starts.strftime("%H:%M") != expect["time"]:
        misses.append(f"time {starts:%H:%M}, not {expect['time']}")
    if "duration_minutes" in expect:
        minutes = (row["ends_at"] - row["starts_at"]).total_seconds() / 60
        if minutes != expect["duration_minutes"]:
            misses.append(f"{minutes:g} minutes, not {expect['duration_minutes']}")
    if "name" in expect and not _same_text(row.get("customer_name"), expect["name"]):
        misses.append(f"name {row.get('customer_name')!r}")
    if "phone" in expect and not _same_contact(row.get("customer_phone"), expect["phone"]):
        misses.append(f"phone {row.get('customer_phone')!r}, not {expect['phone']}")
    if "email" in expect and not _same_contact(row.get("customer_email"), expect["email"]):
        misses.append(f"email {row.get('customer_email')!r}")
    if "party_size" in expect:
        # A party-size column where the product has one, else the booking's notes.
        size = row.get("party_size")
        ok = size == expect["party_size"] if size is not None else (
            contains(str(row.get("notes") or ""), str(expect["party_size"]))
        )  # fmt: skip
        if not ok:
            misses.append(f"party size not {expect['party_size']}")
    return misses


def _body_has(body: str, wanted: list[Any]) -> bool:
    """Every entry must be in the body: a string, or a list of alternatives."""
    return all(
        any(contains(body, alt) for alt in (w if isinstance(w, list) else [w])) for w in wanted
    )


def _judge_booking(expect: dict[str, Any], rows: Rows, zone: ZoneInfo) -> Verdict:
    booked = [r for r in rows.appointments if r.get("status", "booked") == "booked"]
    if not booked:
        return Verdict(False, "no appointment was booked")
    misses = [_booking_misses(r, expect, zone) for r in booked]
    best = min(misses, key=len)
    return Verdict(not best, "; ".join(best))


def _judge_callback(expect: dict[str, Any], rows: Rows) -> Verdict:
    contact = expect.get("phone") or expect.get("email")
    candidates = [(r.get("name"), [r.get("phone"), r.get("email")]) for r in rows.leads] + [
        (r.get("caller_name"), [r.get("caller_contact")]) for r in rows.messages
    ]
    if not candidates:
        return Verdict(False, "no lead and no message was stored")
    for name, contacts in candidates:
        if "name" in expect and not _same_text(name, expect["name"]):
            continue
        if contact and not any(_same_contact(c, contact) for c in contacts):
            continue
        return Verdict(True)
    return Verdict(False, f"stored {candidates!r}, wanted {expect!r}")


def _judge_message(expect: dict[str, Any], rows: Rows) -> Verdict:
    if not rows.messages:
        return Verdict(False, "no message was stored")
    for r in rows.messages:
        if "name" in expect and not _same_text(r.get("caller_name"), expect["name"]):
            continue
        if "contact" in expect and not _same_contact(r.get("caller_contact"), expect["contact"]):
            continue
        if not _body_has(str(r.get("body") or ""), list(expect.get("body_has", []))):
            continue
        return Verdict(True)
    stored = [(r.get("caller_name"), r.get("caller_contact"), r.get("body")) for r in rows.messages]
    return Verdict(False, f"stored {stored!r}, wanted {expect!r}")


def _judge_refused(expect: dict[str, Any], rows: Rows, last_reply: str) -> Verdict:
    if rows.appointments:
        return Verdict(False, "an appointment was booked although it must be refused")
    groups = expect.get("reply_has", [])
    missing = [g for g in groups if not any(contains(last_reply, alt) for alt in g)]
    return Verdict(not missing, f"the last reply lacks {missing!r}" if missing else "")


def judge_action(action: Action, rows: Rows, last_reply: str, timezone: str) -> Verdict:
    """Whether the conversation of `action` left what it expects in the database."""
    expect = action.expect
    if action.kind == "booking":
        return _judge_booking(expect, rows, ZoneInfo(timezone))
    if action.kind == "callback":
        return _judge_callback(expect, rows)
    if action.kind == "message":
        return _judge_message(expect, rows)
    if action.kind == "refused":
        return _judge_refused(expect, rows, last_reply)
    raise ValueError(f"unknown action kind {action.kind!r}")
