"""A phone call where nobody speaks: ask once, then hang up politely.

A browser caller closes the tab; a phone caller may put the handset down without hanging up
(or the line drops audio), and the agent would hold the line, and a worker, for ever.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

STILL_THERE = "Are you still there?"
GOODBYE = "I haven't heard anything for a while, so I'll hang up now. Please call again any time."
ASK_AFTER_S = 20.0
HANG_UP_AFTER_S = 10.0  # more, after asking


@dataclass
class SilenceWatch:
    """Fed the session's states a few times a second; says what to do about a silent line."""

    ask_after_s: float = ASK_AFTER_S
    hang_up_after_s: float = HANG_UP_AFTER_S
    _quiet_since: float = field(default_factory=time.monotonic)
    _asked: bool = False

    def check(self, *, agent_state: str, user_state: str, now: float | None = None) -> str | None:
        """`STILL_THERE` or `GOODBYE` when the agent should say it now; else None."""
        now = time.monotonic() if now is None else now
        if agent_state != "listening" or user_state == "speaking":
            # Someone is talking (or the agent is about to): the silence starts over, and a
            # caller who answers "are you still there?" is asked again next time.
            self._quiet_since = now
            if user_state == "speaking":
                self._asked = False
            return None
        quiet = now - self._quiet_since
        if not self._asked and quiet >= self.ask_after_s:
            self._asked = True
            self._quiet_since = now
            return STILL_THERE
        if self._asked and quiet >= self.hang_up_after_s:
            return GOODBYE
        return None


class QuietLine:
    """A `SilenceWatch` acted on: what it says is said in the call's session, and `step`
    (a few times a second) is True once the goodbye has been heard. Shared by the phone
    lines (Twilio, LiveKit SIP), which differ only in how they hang up."""

    def __init__(self, watch: SilenceWatch) -> None:
        self.watch = watch
        self._goodbye: Any = None  # the goodbye's SpeechHandle, once said

    def step(self, session: Any) -> bool:
        if self._goodbye is not None:
            return bool(self._goodbye.done())
        said = self.watch.check(agent_state=session.agent_state, user_state=session.user_state)
        if said is not None:
            handle = session.say(said, add_to_chat_ctx=True)
            if said == GOODBYE:
                self._goodbye = handle
        return False
