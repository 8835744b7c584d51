"""Audio frame helpers shared by the local speech models (which all want mono 16 kHz)."""

from __future__ import annotations

import numpy as np
from livekit import rtc


def mono(frame: rtc.AudioFrame) -> rtc.AudioFrame:
    """The frame with its channels averaged into one (browsers may send stereo)."""
    if frame.num_channels == 1:
        return frame
    pcm = np.frombuffer(bytes(frame.data), np.int16).reshape(-1, frame.num_channels)
    averaged = pcm.mean(axis=1).astype(np.int16)
    return rtc.AudioFrame(averaged.tobytes(), frame.sample_rate, 1, len(averaged))
