"""Rate limits per client IP and per agent, and the daily minutes cap: a 429 with a
Retry-After the widget can read. With Redis configured, API processes share the counts."""

from __future__ import annotations

import os
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from frontdesk.config import Settings
from frontdesk.db import transaction
from frontdesk.errors import TooManyRequests
from frontdesk.models import Conversation, ConversationTurn
from frontdesk.widget.minutes import caller_key
from frontdesk.widget.rate_limits import WidgetLimits
from frontdesk.widget.service import day_start
from tests.fake_llm import Say, ScriptedLLM
from tests.widget.conftest import SITE, Widget, browser

REDIS_URL = os.environ.get("FRONTDESK_TEST_REDIS_URL", "")


def _limits(widget: Widget, **limits: str) -> None:
    """The app's limiter, rebuilt with tighter limits (the lifespan built the default one)."""
    settings = widget.resources.settings.model_copy(update=limits)
    widget.app.state.widget_limits = WidgetLimits(settings)


def _too_many(response) -> str:  # type: ignore[no-untyped-def]
    assert response.status_code == 429, response.text
    assert response.json()["error"] == "TooManyRequests"
    assert int(response.headers["retry-after"]) >= 1
    assert response.headers["access-control-allow-origin"] == SITE
    assert response.headers["access-control-expose-headers"] == "Retry-After"
    return response.json()["detail"]


def test_sessions_per_ip(widget: Widget) -> None:
    _limits(widget, widget_sessions_per_ip="2/minute")
    one, other = browser(widget.app, ip="203.0.113.1"), browser(widget.app, ip="203.0.113.2")
    assert widget.session("voice", one).status_code == 201
    assert widget.session("voice", one).status_code == 201
    refused = widget.session("voice", one)
    assert "from your network" in _too_many(refused)
    assert 1 <= int(refused.headers["retry-after"]) <= 60
    assert widget.session("voice", other).status_code == 201


def test_sessions_per_agent(widget: Widget) -> None:
    _limits(widget, widget_sessions_per_agent="3/minute")
    for n in range(3):
        assert widget.session("voice", browser(widget.app, ip=f"203.0.113.{n}")).status_code == 201
    refused = widget.session("voice", browser(widget.app, ip="203.0.113.99"))
    assert "with this business" in _too_many(refused)


def test_messages_per_ip(widget: Widget, fake_llm: ScriptedLLM) -> None:
    _limits(widget, widget_messages_per_ip="2/minute")
    fake_llm.script(Say("Yes."), Say("Yes again."))
    session = widget.session("text").json()
    token = session["token"]
    for _ in range(2):
        reply = widget.say(session["conversation_id"], token, "Are you open?")
        assert reply.status_code == 200, reply.text
        token = reply.json()["token"]
    assert "faster than we can answer" in _too_many(
        widget.say(session["conversation_id"], token, "Hello?")
    )


def _widget_call(
    widget: Widget,
    *,
    started: datetime,
    connected: datetime,
    ended: datetime | None = None,
    ip: str | None = None,
) -> None:
    """A widget voice call stored as the server would: ended when `ended` is given, and
    from the network of `ip` when given."""
    key = caller_key(widget.resources.settings.signing_key, ip) if ip else None
    with transaction(widget.resources.sessionmaker) as db:
        db.add(
            Conversation(
                workspace_id=widget.workspace_id,
                agent_id=widget.agent["id"],
                channel="voice",
                source="widget",
                status="ended" if ended else "active",
                caller_key=key,
                created_at=started,
                connected_at=connected,
                ended_at=ended,
            )
        )


def _earlier_today(widget: Widget, *, seconds: float, started: datetime | None = None) -> None:
    """A widget call of `seconds` that started at `started` (midnight UTC unless told)."""
    start = started or day_start(datetime.now(UTC))
    _widget_call(widget, started=start, connected=start, ended=start + timedelta(seconds=seconds))


def test_daily_minutes_cap(widget: Widget, fake_llm: ScriptedLLM) -> None:
    widget.settings(daily_minutes_cap=2)
    # Yesterday's long call and a call nobody answered do not count.
    yesterday = day_start(datetime.now(UTC)) - timedelta(hours=3)
    _earlier_today(widget, seconds=7200, started=yesterday)
    assert widget.session("voice").status_code == 201  # opened, never connected
    _earlier_today(widget, seconds=61)
    state = widget.owner.get(f"/api/agents/{widget.agent['id']}/widget").json()
    assert state["minutes_used_today"] == 1.0 and state["daily_minutes_cap"] == 2

    fake_llm.script(Say("Yes, we are open."))
    chat = widget.session("text").json()
    _earlier_today(widget, seconds=60)
    refused = widget.say(chat["conversation_id"], chat["token"], "Are you open?")
    detail = _too_many(refused)
    assert detail == (
        "Juniper Vet has used today's conversation minutes. Please try again tomorrow."
    )
    until_midnight = day_start(datetime.now(UTC)) + timedelta(days=1) - datetime.now(UTC)
    assert abs(int(refused.headers["retry-after"]) - until_midnight.total_seconds()) < 5
    widget.owner.patch(
        f"/api/agents/{widget.agent['id']}", json={"business_facts": {"phone": "555-0100"}}
    )
    assert _too_many(widget.session("text")).endswith("tomorrow, or call 555-0100.")

    widget.settings(daily_minutes_cap=3)
    assert widget.session("voice").status_code == 201


def test_a_typed_chat_counts_its_active_time(widget: Widget, fake_llm: ScriptedLLM) -> None:
    fake_llm.script(Say("Sure."))
    chat = widget.session("text").json()
    assert widget.say(chat["conversation_id"], chat["token"], "Hi").status_code == 200
    midnight = day_start(datetime.now(UTC))
    with transaction(widget.resources.sessionmaker) as db:
        # Opened at midnight, last said something five minutes later, never ended: a tab
        # left open. Each pause between turns counts one minute at most (the time spent
        # reading and typing), never the hours since, nor the whole pause.
        row = db.get(Conversation, chat["conversation_id"])
        assert row is not None and row.status == "active"
        row.created_at = midnight
        for n, turn in enumerate(db.query(ConversationTurn).filter_by(conversation_id=row.id)):
            turn.created_at = midnight + timedelta(minutes=n * 2.5)
    used = widget.owner.get(f"/api/agents/{widget.agent['id']}/widget").json()
    assert used["minutes_used_today"] == 2.0


def test_one_call_at_a_time_per_network(widget: Widget) -> None:
    """Calls add up (each runs the speech models): a network with a call going on cannot
    open another, which would use its share of the day's minutes twice over."""
    ip, now = "203.0.113.40", datetime.now(UTC)
    _widget_call(
        widget, started=now - timedelta(seconds=30), connected=now - timedelta(seconds=20), ip=ip
    )
    refused = widget.session("voice", browser(widget.app, ip=ip))
    assert "already going on" in _too_many(refused)
    assert widget.session("voice", browser(widget.app, ip="203.0.113.41")).status_code == 201


@pytest.mark.skipif(not REDIS_URL, reason="FRONTDESK_TEST_REDIS_URL is not set")
def test_processes_share_limits_through_redis() -> None:
    settings = Settings(
        environment="test",
        queue_url=REDIS_URL,
        queue_name=f"frontdesk-test-{uuid.uuid4().hex[:8]}",
        widget_sessions_per_ip="2/minute",
    )
    first, second = WidgetLimits(settings), WidgetLimits(settings)
    try:
        first.session("203.0.113.5", "agent-a")
        second.session("203.0.113.5", "agent-b")
        with pytest.raises(TooManyRequests) as refused:
            second.session("203.0.113.5", "agent-c")
        assert 1 <= refused.value.retry_after_s <= 60
        first.session("203.0.113.6", "agent-a")  # another IP still gets in
        # Memory storage is per process: a third limiter there would not know.
        alone = WidgetLimits(settings.model_copy(update={"queue_url": ""}))
        alone.session("203.0.113.5", "agent-a")
    finally:
        for limits in (first, second):
            limits.storage.reset()
            limits.close()


def test_a_refused_session_counts_against_neither_limit() -> None:
    limits = WidgetLimits(
        Settings(
            environment="test",
            widget_sessions_per_ip="2/minute",
            widget_sessions_per_agent="1/minute",
        )
    )
    limits.session("203.0.113.7", "agent-a")
    with pytest.raises(TooManyRequests) as refused:
        limits.session("203.0.113.7", "agent-a")  # the agent's window is full
    assert "with this business" in str(refused.value.detail)
    # Had the refusal counted against the IP, its second session would be refused here.
    limits.session("203.0.113.7", "agent-b")
    with pytest.raises(TooManyRequests, match="from your network"):
        limits.session("203.0.113.7", "agent-c")
