"""Analytics over HTTP: one agent's, or the whole workspace's (optionally one agent's)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from frontdesk.analytics.schemas import AnalyticsReport, Interval
from frontdesk.analytics.service import DEFAULT_DAYS, AnalyticsQuery, AnalyticsService
from frontdesk.db import DbSession
from frontdesk.errors import NotFound
from frontdesk.openapi_errors import error_responses
from frontdesk.workspace.auth import CurrentPrincipal

router = APIRouter(prefix="/api", tags=["analytics"])


def analytics_query(
    from_date: Annotated[
        date | None,
        Query(
            alias="from",
            description=f"First day (YYYY-MM-DD) in the time zone; default {DEFAULT_DAYS - 1} "
            "days before `to`",
        ),
    ] = None,
    to_date: Annotated[
        date | None,
        Query(alias="to", description="Last day included; default today in the time zone"),
    ] = None,
    interval: Annotated[
        Interval, Query(description="One bucket per day, or per week (Monday to Sunday)")
    ] = "day",
    tz: Annotated[
        str | None,
        Query(
            max_length=64,
            description="IANA time zone, e.g. Europe/London; default the agent's calendar "
            "zone for one agent, else UTC",
        ),
    ] = None,
) -> AnalyticsQuery:
    return AnalyticsQuery(from_date=from_date, to_date=to_date, interval=interval, timezone=tz)


Range = Annotated[AnalyticsQuery, Depends(analytics_query)]


@router.get("/agents/{agent_id}/analytics", response_model=AnalyticsReport)
def get_agent_analytics(
    agent_id: str, query: Range, principal: CurrentPrincipal, db: DbSession
) -> AnalyticsReport:
    """One agent's conversations, minutes, outcomes, containment, leads, bookings, reply
    latency, busiest hours and top topics, for the range and per day or week, in the
    agent's calendar time zone unless `tz` names another. Every figure is defined as for
    `GET /api/analytics`. An unknown zone, or a range that ends before it starts or is
    longer than 366 days, is a 422; another workspace's agent is a 404."""
    return AnalyticsService(db, principal).report(query, agent_id)


@router.get("/analytics", response_model=AnalyticsReport, responses=error_responses(NotFound))
def get_workspace_analytics(
    query: Range,
    principal: CurrentPrincipal,
    db: DbSession,
    agent_id: Annotated[str | None, Query(description="Only this agent's figures")] = None,
) -> AnalyticsReport:
    """The whole workspace's figures (every agent together), or one agent's with
    `agent_id`, for the range and per day or week; in UTC unless `tz` names a zone (with
    `agent_id`, the agent's calendar zone). Another workspace's agent is a 404.

    The range is at most 366 days, counted in the time zone (days start at its
    midnight, weeks on Monday; the first and last weeks may be partial). Every bucket is there,
    empty ones as zeros. Exam conversations and other workspaces' data are never counted.

    - **conversations** are counted in the bucket they started in, with their outcome
      (`not_analysed` while going or before the analysis ran).
    - **minutes**: a call from the caller joining to its end (0 if never answered or still
      going); a typed conversation from its start to its last message.
    - **containment** = conversations resolved without a hand-off (answered, lead captured,
      booked, message taken) / those plus the handed-off ones. Abandoned and not yet analysed
      conversations are left out of both: nobody was served or it is not known yet.
    - **leads** and **bookings** are counted when they were made (a booking cancelled since
      still counts), in the bucket of that moment.
    - **latency** is named per channel: typed replies by `reply_ms` (message received to whole
      reply ready), calls by `end_of_speech_to_audio_ms` (caller stops speaking to the agent's
      first audio). The fixed greeting is not counted. Average, and p95 by nearest rank.
    - **busiest_hours**: conversations started, by weekday (Monday first) and hour.
    - **topics**: keywords and two-word phrases from what callers said, common words removed,
      ranked by the number of conversations that used them (see analytics/topics.py).
    """
    return AnalyticsService(db, principal).report(query, agent_id)
