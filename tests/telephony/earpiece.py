"""What a test phone heard: the agent's audio at the caller's ear, with when each piece
arrived, and the waits the phone tests are written with. Shared by the Twilio and the SIP
test phones."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np

# Louder than this (RMS of 16-bit samples) is the agent's voice, not the line's silence.
LOUD_RMS = 300.0


def loud(pcm: bytes) -> bool:
    samples = np.frombuffer(pcm, dtype="<i2").astype(np.float64)
    return bool(samples.size) and float(np.sqrt(np.mean(samples**2))) > LOUD_RMS


@dataclass
class Earpiece:
    # What the caller heard, 8 kHz PCM16, with the time.monotonic() each piece was played.
    heard: list[tuple[float, bytes]] = field(default_factory=list, kw_only=True)
    # time.monotonic() of each piece of the agent's audio as it reached the phone (before
    # any playback queue; a SIP phone leaves out the line's silence between words).
    arrived: list[float] = field(default_factory=list, kw_only=True)

    async def until(self, wanted: Any, limit_s: float = 90.0) -> None:
        deadline = time.monotonic() + limit_s
        while not wanted():
            if time.monotonic() > deadline:
                raise AssertionError("timed out waiting on the phone line")
            await asyncio.sleep(0.05)

    def heard_after(self, moment: float) -> float | None:
        """When the first loud audio after `moment` reached the caller's ear."""
        for at, pcm in self.heard:
            if at > moment and loud(pcm):
                return at
        return None

    def arrived_after(self, moment: float) -> float | None:
        """When the agent's first audio after `moment` reached the phone: what a WebSocket
        client's first audio bytes are."""
        return next((at for at in self.arrived if at > moment), None)

    def heard_pcm(self, since: float = 0.0, until: float = float("inf")) -> bytes:
        return b"".join(pcm for at, pcm in self.heard if since <= at <= until)

    def quiet_since(self) -> float:
        """How long since the caller last heard the agent's voice."""
        voiced = [at for at, pcm in self.heard if loud(pcm)]
        return time.monotonic() - (voiced[-1] if voiced else 0.0)
