"""Analytics: the range and time zone asked for, SQL's counts put into local days and weeks.

The repository counts by UTC quarter hour; here each quarter hour is placed in the owner's
time zone (its day, its week starting on Monday, its weekday and hour), then the figures
are summed per bucket and for the whole range.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy.orm import Session

from frontdesk.agents.repository import AgentRepository
from frontdesk.analytics.repository import SLOT_SECONDS, AnalyticsRepository, Scope
from frontdesk.analytics.schemas import (
    OUTCOME_KEYS,
    AgentFigures,
    AnalyticsReport,
    Bucket,
    Figures,
    Interval,
    Latency,
    LatencyByChannel,
    Outcomes,
    Topic,
)
from frontdesk.analytics.topics import top_topics
from frontdesk.errors import NotFound, ValidationFailed
from frontdesk.models import Agent
from frontdesk.scheduling.service import config_of
from frontdesk.workspace.service import Principal

DEFAULT_DAYS = 30
MAX_DAYS = 366
# Outcomes that mean the agent resolved the conversation itself.
CONTAINED = ("answered", "lead_captured", "booked", "message_taken")


@dataclass(frozen=True)
class AnalyticsQuery:
    from_date: date | None = None
    to_date: date | None = None
    interval: Interval = "day"
    timezone: str | None = None


def zone_named(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValidationFailed(
            f"Unknown time zone {name!r}: use a name like 'Europe/London' or 'America/New_York'."
        ) from None


def percentile_95(values: list[float]) -> float | None:
    """Nearest rank: the smallest value that at least 95% of the values do not exceed."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[math.ceil(0.95 * len(ordered)) - 1]


@dataclass
class _Tally:
    """The running sums of one bucket (or of the whole range)."""

    conversations: int = 0
    seconds: float = 0.0
    outcomes: Counter[str] = field(default_factory=Counter)
    leads: int = 0
    bookings: int = 0
    text_ms: list[float] = field(default_factory=list)
    speech_ms: list[float] = field(default_factory=list)

    def figures(self) -> Figures:
        contained = sum(self.outcomes[o] for o in CONTAINED)
        base = contained + self.outcomes["handed_off"]
        return Figures(
            conversations=self.conversations,
            minutes=round(self.seconds / 60, 1),
            outcomes=Outcomes(**{key: self.outcomes[key] for key in OUTCOME_KEYS}),
            contained=contained,
            containment_base=base,
            containment=round(contained / base, 4) if base else None,
            leads=self.leads,
            bookings=self.bookings,
            latency=LatencyByChannel(text=_latency(self.text_ms), voice=_latency(self.speech_ms)),
        )


def _latency(values: list[float]) -> Latency:
    p95 = percentile_95(values)
    return Latency(
        turns=len(values),
        average_ms=round(sum(values) / len(values), 1) if values else None,
        p95_ms=round(p95, 1) if p95 is not None else None,
    )


class AnalyticsService:
    """Every figure is scoped to the principal's workspace; exams are never counted."""

    def __init__(self, db: Session, principal: Principal) -> None:
        self.db = db
        self.principal = principal
        self.repo = AnalyticsRepository(db)

    def _agent(self, agent_id: str) -> Agent:
        agent = AgentRepository(self.db).get(self.principal.workspace_id, agent_id)
        if agent is None:
            raise NotFound("No such agent in your workspace.")
        return agent

    def report(self, query: AnalyticsQuery, agent_id: str | None = None) -> AnalyticsReport:
        """For one agent when `agent_id` is given (in its calendar's time zone unless another
        is asked for), else for the whole workspace (in UTC unless asked)."""
        agent = self._agent(agent_id) if agent_id else None
        zone = zone_named(query.timezone or (_agent_zone(agent) if agent else "UTC"))
        today = datetime.now(zone).date()
        last = query.to_date or today
        first = query.from_date or last - timedelta(days=DEFAULT_DAYS - 1)
        if first > last:
            raise ValidationFailed(f"'from' ({first}) must not be after 'to' ({last}).")
        if (last - first).days + 1 > MAX_DAYS:
            raise ValidationFailed(
                f"The range is {(last - first).days + 1} days; ask for {MAX_DAYS} days at most."
            )
        scope = Scope(
            workspace_id=self.principal.workspace_id,
            agent_id=agent.id if agent else None,
            start=_local_midnight(first, zone),
            end=_local_midnight(last + timedelta(days=1), zone),
        )
        agents = (
            [agent]
            if agent
            else AgentRepository(self.db).list(self.principal.workspace_id, q=None, status=None)
        )
        return _Report(self.repo, scope, zone, first, last, query.interval, agents).build(
            agent_id=agent.id if agent else None, zone_name=zone.key
        )


def _agent_zone(agent: Agent) -> str:
    try:
        return config_of(agent).timezone
    except ValidationFailed:  # settings saved before a stricter rule: still show analytics
        return "UTC"


def _local_midnight(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)


class _Report:
    """One report's buckets, filled from the repository's slots."""

    def __init__(
        self,
        repo: AnalyticsRepository,
        scope: Scope,
        zone: ZoneInfo,
        first: date,
        last: date,
        interval: Interval,
        agents: list[Agent],
    ) -> None:
        self.repo, self.scope, self.zone = repo, scope, zone
        self.first, self.last, self.interval = first, last, interval
        self.starts = _bucket_starts(first, last, interval)
        self.index = {start: i for i, start in enumerate(self.starts)}
        self.tallies = [_Tally() for _ in self.starts]
        self.total = _Tally()
        self.hours = [[0] * 24 for _ in range(7)]
        self._local: dict[int, datetime] = {}
        self._slot_tally: dict[int, _Tally] = {}
        self.agents = {agent.id: (agent, _Tally()) for agent in agents}
        self._elsewhere = _Tally()  # an agent deleted meanwhile: in the totals, in no row

    def _of(self, agent_id: str) -> _Tally:
        found = self.agents.get(agent_id)
        return found[1] if found else self._elsewhere

    def _at(self, slot: int) -> datetime:
        local = self._local.get(slot)
        if local is None:
            local = datetime.fromtimestamp(slot * SLOT_SECONDS, tz=self.zone)
            self._local[slot] = local
        return local

    def _tally(self, slot: int) -> _Tally:
        tally = self._slot_tally.get(slot)
        if tally is None:
            day = self._at(slot).date()
            key = day if self.interval == "day" else max(self.first, _monday(day))
            tally = self._slot_tally[slot] = self.tallies[self.index[key]]
        return tally

    def build(self, *, agent_id: str | None, zone_name: str) -> AnalyticsReport:
        for row in self.repo.conversation_slots(self.scope):
            for tally in (self._tally(row.slot), self.total, self._of(row.agent_id)):
                tally.conversations += row.conversations
                tally.seconds += row.seconds
                tally.outcomes.update(row.outcomes)
            local = self._at(row.slot)
            self.hours[local.weekday()][local.hour] += row.conversations
        for slot, agent, count in self.repo.lead_slots(self.scope):
            for tally in (self._tally(slot), self.total, self._of(agent)):
                tally.leads += count
        for slot, agent, count in self.repo.booking_slots(self.scope):
            for tally in (self._tally(slot), self.total, self._of(agent)):
                tally.bookings += count
        # Gathered per quarter hour first: a month can hold a hundred thousand replies, and
        # each then goes to three lists (its bucket, the totals, its agent) in one extend.
        replies: dict[tuple[int, str, bool], list[float]] = defaultdict(list)
        for slot, agent, typed, ms in self.repo.reply_timings(self.scope):
            replies[slot, agent, typed].append(ms)
        for (slot, agent, typed), values in replies.items():
            for tally in (self._tally(slot), self.total, self._of(agent)):
                (tally.text_ms if typed else tally.speech_ms).extend(values)
        topics = top_topics(self.repo.caller_messages(self.scope))
        return AnalyticsReport(
            agent_id=agent_id,
            from_date=self.first,
            to_date=self.last,
            interval=self.interval,
            timezone=zone_name,
            totals=self.total.figures(),
            buckets=[
                Bucket(
                    start=start,
                    end=_bucket_end(start, self.last, self.interval),
                    **t.figures().model_dump(),
                )
                for start, t in zip(self.starts, self.tallies, strict=True)
            ],
            busiest_hours=self.hours,
            topics=[Topic(phrase=p, conversations=n) for p, n in topics],
            agents=sorted(
                (
                    AgentFigures(agent_id=agent.id, name=agent.name, **tally.figures().model_dump())
                    for agent, tally in self.agents.values()
                ),
                key=lambda row: (-row.conversations, row.name.lower(), row.agent_id),
            ),
        )


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _bucket_starts(first: date, last: date, interval: Interval) -> list[date]:
    """Each day; or each week (Monday to Sunday), the first and last clipped to the range."""
    if interval == "day":
        return [first + timedelta(days=n) for n in range((last - first).days + 1)]
    starts = [first]
    monday = _monday(first) + timedelta(days=7)
    while monday <= last:
        starts.append(monday)
        monday += timedelta(days=7)
    return starts


def _bucket_end(start: date, last: date, interval: Interval) -> date:
    if interval == "day":
        return start
    return min(_monday(start) + timedelta(days=6), last)
