"""A widget call that LiveKit dispatches to the agent worker lasts only what is left of the
day's minutes, as a widget call over the local socket does: the worker hangs up then, with
the reason the caller is given, so a call held open cannot use up the day for everybody."""

from __future__ import annotations

import asyncio

import pytest
from livekit.api import TokenVerifier

from frontdesk.db import transaction
from frontdesk.livekit.worker import prepare_call
from frontdesk.models import Conversation
from frontdesk.providers.speech import SpeechModels
from frontdesk.resources import Resources
from tests.livekit_calls.webhook_signing import KEY, SECRET
from tests.voice.conftest import speech_models  # noqa: F401 - the shared session fixture
from tests.widget.conftest import Widget, widget  # noqa: F401 - the fixture
from tests.widget.test_widget_limits import _earlier_today

pytestmark = pytest.mark.timeout(180)


def test_widget_call_is_cut_off_when_todays_minutes_run_out(
    widget: Widget,  # noqa: F811 - the fixture
    chat_resources: Resources,
    speech_models: SpeechModels,  # noqa: F811 - the fixture
) -> None:
    chat_resources.speech = lambda: speech_models
    widget.settings(daily_minutes_cap=1)
    _earlier_today(widget, seconds=55)
    session = widget.session("voice").json()
    call_start = session["call"]
    assert call_start["transport"] == "livekit"
    claims = TokenVerifier(KEY, SECRET).verify(call_start["token"])
    assert claims.room_config is not None
    metadata = claims.room_config.agents[0].metadata

    async def scenario() -> float | None:
        call = await prepare_call(chat_resources, metadata, room=call_start["room"])
        limit = call.time_limit_s
        closed = asyncio.Event()
        call.session.on("close", lambda _event: closed.set())
        await call.start()
        # Nobody hangs up here: the worker does, once the five seconds left are over.
        await asyncio.wait_for(closed.wait(), 30)
        await call.finish()
        return limit

    limit = asyncio.run(scenario())
    assert limit is not None and 0 < limit <= 5
    with transaction(chat_resources.sessionmaker) as db:
        row = db.get(Conversation, session["conversation_id"])
        assert row is not None and row.status == "ended"
        assert row.end_reason == "Juniper Vet has used today's conversation minutes"
