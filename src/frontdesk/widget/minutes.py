"""How many of the daily minutes the widget's conversations used, overall and per network.

A widget conversation counts the time someone was actually in it:

- a typed chat counts the gaps between its turns (from its start), each gap at most
  `ACTIVE_GAP`: a tab left open all afternoon, or a chat the attacker re-opens an hour
  later, costs a minute, not the hour. A chat in which the caller never said anything
  counts nothing: opening the widget is free;
- a call counts from when it was answered (its socket or room joined) until it ended, or
  until now while it goes on; a call nobody answered counts nothing.

One network (the client IP, kept only as a keyed hash) may use at most its share of the
cap (`ip_share_s`). Its typed chats count as one person typing: the active stretches of its
chats are merged, so thirty chats answered at once cost one stretch, not thirty. Its calls
add up, and a network gets one call at a time (see `WidgetGate`).
"""

from __future__ import annotations

import hashlib
import hmac
from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session

from frontdesk.config import Settings
from frontdesk.widget.repository import ConversationSpan, WidgetRepository

# The longest stretch one turn of a typed chat counts for: reading a reply and typing the
# next line rarely takes longer; a longer pause is the caller being away.
ACTIVE_GAP = timedelta(minutes=1)
# The key that hashes client IPs is derived from the signing key, per purpose: the hash
# names a network for counting, and nothing signed elsewhere can be made from it.
_PURPOSE = b"frontdesk widget caller network v1"

Interval = tuple[datetime, datetime]


def day_start(now: datetime) -> datetime:
    return now.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)


def caller_key(signing_key: bytes, ip: str) -> str:
    """The network a request came from, as stored on its conversation (never the IP)."""
    key = hmac.new(signing_key, _PURPOSE, hashlib.sha256).digest()
    return hmac.new(key, ip.encode("utf-8"), hashlib.sha256).hexdigest()[:32]


def ip_share_s(settings: Settings, cap_minutes: int) -> float:
    """Seconds of the daily cap one network may use: the larger of the configured percentage
    and minimum, never more than the cap."""
    share = max(cap_minutes * settings.widget_ip_share_percent / 100,
                settings.widget_ip_share_min_minutes)  # fmt: skip
    return min(float(cap_minutes), share) * 60


def _chat_intervals(span: ConversationSpan) -> list[Interval]:
    if "caller" not in (role for role, _ in span.turns):
        return []
    intervals: list[Interval] = []
    previous = span.started_at
    for _, at in sorted(span.turns, key=lambda turn: turn[1]):
        if at > previous:
            intervals.append((max(previous, at - ACTIVE_GAP), at))
        previous = max(previous, at)
    return intervals


def _call_seconds(span: ConversationSpan, now: datetime) -> float:
    if span.connected_at is None:
        return 0.0
    return max(0.0, ((span.ended_at or now) - span.connected_at).total_seconds())


def _merged_seconds(intervals: Iterable[Interval]) -> float:
    total, reach = 0.0, None
    for start, end in sorted(intervals):
        if reach is not None and start < reach:
            start = reach
        if end > start:
            total += (end - start).total_seconds()
        reach = end if reach is None else max(reach, end)
    return total


def _network_seconds(spans: list[ConversationSpan], now: datetime) -> float:
    """What the conversations of one network used: its chats' merged active stretches plus
    its calls."""
    chats = [i for span in spans if span.channel == "text" for i in _chat_intervals(span)]
    calls = sum(_call_seconds(span, now) for span in spans if span.channel != "text")
    return _merged_seconds(chats) + calls


def seconds_used(spans: list[ConversationSpan], now: datetime) -> float:
    """Active seconds of these conversations, each network's counted as one."""
    networks: dict[str, list[ConversationSpan]] = defaultdict(list)
    total = 0.0
    for span in spans:
        if span.caller_key is None:  # not known (from before networks were kept)
            total += _network_seconds([span], now)
        else:
            networks[span.caller_key].append(span)
    return total + sum(_network_seconds(group, now) for group in networks.values())


def seconds_used_today(
    db: Session, agent_id: str, now: datetime, *, caller: str | None = None
) -> float:
    """The agent's widget seconds since midnight UTC; with `caller`, that network's only."""
    spans = WidgetRepository(db).widget_spans(agent_id, day_start(now), caller_key=caller)
    return seconds_used(spans, now)


def minutes_used_today(db: Session, agent_id: str, now: datetime | None = None) -> float:
    return seconds_used_today(db, agent_id, now or datetime.now(UTC)) / 60


def seconds_left_today(
    db: Session, settings: Settings, agent_id: str, cap_minutes: int, network: str | None
) -> tuple[float, float]:
    """Seconds left today under the agent's cap, and under `network`'s share of it (the
    whole share when the network is not known)."""
    now = datetime.now(UTC)
    left = cap_minutes * 60 - seconds_used_today(db, agent_id, now)
    share = ip_share_s(settings, cap_minutes)
    if network is None:
        return left, share
    return left, share - seconds_used_today(db, agent_id, now, caller=network)
