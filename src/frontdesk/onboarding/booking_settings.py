"""The scheduling settings an interview gives: appointment lengths and booking rules.

The rules come from the site's sentences the owner confirmed (checklist part
"booking.rules") and from what the owner says; `booking_rules.read_rules` reads them.
"""

from __future__ import annotations

import math
import re
from typing import Any

from frontdesk.onboarding.answers import says_no, says_yes
from frontdesk.onboarding.booking_rules import BookingRules, read_rules


def _kind_for(words: str, kinds: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The appointment kind a rule names ("custom cakes" → "Custom cake orders")."""
    said = {w.rstrip("s") for w in re.findall(r"[a-z]{3,}", words.lower())}
    for kind in kinds:
        name = {w.rstrip("s") for w in re.findall(r"[a-z]{3,}", str(kind["name"]).lower())}
        if said & name:
            return kind
    return None


def booking_settings(
    questions: list[dict[str, Any]], found: dict[str, Any], schedule: dict[str, Any]
) -> dict[str, Any]:
    """The scheduling settings the confirmed rules give (`schedule` is the draft so far).

    The site's rules count unless the owner said no to them; what the owner says in the
    answer (or in the appointment-types answer) wins over the site's words. The slot length
    becomes one every appointment length is a multiple of (a 50-minute visit books on the
    5-minute mark), so the owner's durations are kept exactly."""

    def answered(question_id: str) -> str:
        texts = [
            str(q.get("answer") or "")
            for q in questions
            if q["id"] in (question_id, f"{question_id}.more") and q.get("answer")
        ]
        return " ".join(texts)

    site = str((found.get("booking.rules") or {}).get("quote") or "")
    told = answered("booking.rules.confirm")
    rules = BookingRules()
    if site and not (says_no(told) and not read_rules(told, answer=True).any()):
        rules = read_rules(site)
    for text, loose in ((answered("booking.types"), False), (told, True)):
        if not text or (loose and says_yes(text) and not read_rules(text, answer=True).any()):
            continue
        said = read_rules(text, answer=loose)
        for name in ("max_party_size", "notice_minutes", "hold_minutes", "horizon_days"):
            if getattr(said, name) is not None:
                setattr(rules, name, getattr(said, name))
                if name == "notice_minutes":
                    rules.notice_for = said.notice_for
        rules.sentences += said.sentences

    settings: dict[str, Any] = {}
    kinds = [dict(k) for k in schedule.get("appointment_types") or []]
    if rules.max_party_size is not None:
        settings["max_party_size"] = rules.max_party_size
    if rules.hold_minutes is not None:
        settings["hold_minutes"] = min(rules.hold_minutes, 24 * 60)
    if rules.horizon_days is not None:
        settings["horizon_days"] = max(1, rules.horizon_days)
    if rules.notice_minutes is not None:
        kind = _kind_for(rules.notice_for, kinds) if rules.notice_for else None
        if kind is not None:
            kind["min_notice_minutes"] = min(rules.notice_minutes, 60 * 24 * 90)
        else:
            settings["min_notice_minutes"] = min(rules.notice_minutes, 60 * 24 * 30)
    if rules.sentences:
        settings["booking_rules"] = " ".join(dict.fromkeys(rules.sentences))[:1000]
    if kinds:
        settings["appointment_types"] = kinds
        for kind in kinds:  # on the 5-minute mark, so some slot length fits them all
            kind["duration_minutes"] = max(5, round(int(kind["duration_minutes"]) / 5) * 5)
        lengths = [int(k["duration_minutes"]) for k in kinds]
        step = math.gcd(int(schedule.get("slot_minutes") or 15), 60, *lengths)
        step = math.gcd(step, int(schedule.get("buffer_minutes") or 0))
        settings["slot_minutes"] = max(5, step)
    return settings
