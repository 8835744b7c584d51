"""Attack: one anonymous client uses up the widget's daily minutes for everybody.

The widget switches itself off for the day once its conversations used the owner's daily
minutes cap. A typed chat used to count from its start to its last turn, so one visitor
who opened chats and typed one line in each a few minutes later (about 20 requests at the
default 60 minutes) switched the widget off until midnight for every other visitor.

The attacker here works over real HTTP from one address (127.0.0.1), through two API
processes in turn, opening chats and saying something in some of them a few minutes after
opening them, until refused. The
chats' clocks are rewritten in the database to the times a patient attacker would produce
(the server only ever compares them). A visitor from another address (127.0.0.2) must then
still be answered. A legitimate long conversation counts its active time only.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from frontdesk.config import Settings
from frontdesk.db import transaction
from frontdesk.models import Conversation, ConversationTurn
from frontdesk.resources import Resources
from tests.fake_llm import ScriptedLLM
from tests.live_server import serving
from tests.security.live_widget import LiveWidget, live_widget, open_session, say

pytestmark = pytest.mark.timeout(300)

CAP_MINUTES = 60  # the default daily cap
SHARE_MINUTES = 6  # one network's share of it: max(5 minutes, 10 % of the cap)
IDLE = timedelta(minutes=3)  # how long the attacker leaves each chat before typing


@pytest.fixture
def settings(settings: Settings) -> Settings:
    # The request rate limits are tested on their own (tests/widget/test_widget_limits.py);
    # wide open here, so what stops the attacker is the minutes they used.
    return settings.model_copy(
        update={"widget_sessions_per_ip": "1000/minute", "widget_messages_per_ip": "1000/minute"}
    )


def _retime(resources: Resources, conversation_id: str, start: datetime, gaps: list[float]) -> None:
    """The conversation as if opened at `start`, its turns `gaps` seconds apart in order."""
    with transaction(resources.sessionmaker) as db:
        row = db.get(Conversation, conversation_id)
        assert row is not None
        row.created_at = start
        turns = (
            db.query(ConversationTurn)
            .filter_by(conversation_id=conversation_id)
            .order_by(ConversationTurn.seq)
            .all()
        )
        assert len(turns) == len(gaps), [t.text for t in turns]
        at = start
        for turn, gap in zip(turns, gaps, strict=True):
            at += timedelta(seconds=gap)
            turn.created_at = at


def _minutes_used(widget: LiveWidget) -> float:
    state = widget.owner.get(f"/api/agents/{widget.agent['id']}/widget").json()
    assert state["daily_minutes_cap"] == CAP_MINUTES
    return float(state["minutes_used_today"])


def test_one_address_cannot_use_up_the_day_for_everyone(
    chat_resources: Resources, fake_llm: ScriptedLLM
) -> None:
    now = datetime.now(UTC)
    # Two API processes behind one load balancer (two apps, each with its own memory, over
    # one database): the attacker's requests alternate between them.
    with (
        serving(chat_resources) as base,
        serving(chat_resources) as other_base,
        live_widget(chat_resources, base) as widget,
    ):
        refused = None
        chats: list[dict] = []
        other = LiveWidget(other_base, widget.owner, widget.agent, widget.key, widget.resources)
        with widget.caller("127.0.0.1") as attacker, other.caller("127.0.0.1") as attacker_too:
            for n in range(60):
                opened = open_session(attacker if n % 2 else attacker_too, widget.key)
                if opened.status_code != 201:
                    refused = opened
                    break
                chat = opened.json()
                chats.append(chat)
                if n % 3 == 2:
                    continue  # opened and never said anything: must cost nothing
                answered = say(attacker_too if n % 2 else attacker, chat, "Are you open Sunday?")
                if answered.status_code != 200:
                    refused = answered
                    break
                # Opened, left idle for IDLE, then one line and the agent's answer; each
                # chat a little over a minute after the previous one.
                start = now + timedelta(seconds=65 * n)
                _retime(chat_resources, chat["conversation_id"], start,
                        [0, IDLE.total_seconds(), 1])  # fmt: skip

            assert refused is not None, "one address opened 60 chats and was never refused"

            # The next visitor, from another address, is answered as if nothing happened.
            with widget.caller("127.0.0.2") as visitor:
                opened = open_session(visitor, widget.key)
                assert opened.status_code == 201, opened.text
                answer = say(visitor, opened.json(), "Do you see rabbits?")
                assert answer.status_code == 200, answer.text
                assert answer.json()["reply"]

            # The attacker was stopped by its own share, until midnight.
            assert refused.status_code == 429, refused.text
            body = refused.json()
            assert body["error"] == "TooManyRequests"
            assert "your network" in body["detail"], body
            assert int(refused.headers["retry-after"]) > 0
            # Its chats still open are refused too: the share is the address's, not a chat's.
            again = say(attacker, chats[0], "Still there?")
            assert again.status_code == 429 and "your network" in again.json()["detail"]

        # What the attacker used: about its share (each messaged chat counts one minute of
        # its idle wait, silent ones nothing), far from the cap.
        used = _minutes_used(widget)
        assert SHARE_MINUTES <= used <= SHARE_MINUTES + 1, used


def test_a_long_conversation_counts_its_active_time(
    chat_resources: Resources, fake_llm: ScriptedLLM
) -> None:
    with serving(chat_resources) as base, live_widget(chat_resources, base) as widget:
        with widget.caller("127.0.0.3") as visitor:
            opened = open_session(visitor, widget.key)
            assert opened.status_code == 201, opened.text
            chat = opened.json()
            for n in range(8):
                answered = say(visitor, chat, f"Question {n} about my dog's visit")
                assert answered.status_code == 200, answered.text
                chat = {**chat, "token": answered.json()["token"]}
        # The greeting, then eight exchanges: the caller reads and types for 40 s each time,
        # the agent answers in 2 s, and once the caller leaves for 20 minutes mid-way.
        gaps = [0.0]
        for n in range(8):
            gaps += [20 * 60.0 if n == 4 else 40.0, 2.0]
        start = datetime.now(UTC).replace(microsecond=0)
        _retime(chat_resources, chat["conversation_id"], start, gaps)
        active = sum(min(gap, 60.0) for gap in gaps) / 60  # the 20 minutes count one
        assert active * 60 == pytest.approx(7 * 40 + 60 + 8 * 2)  # not the 25 minutes it lasted
        assert _minutes_used(widget) == pytest.approx(active, abs=0.05)
