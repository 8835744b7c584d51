"""G.711 μ-law, the telephone network's 8 kHz audio (what Twilio Media Streams carry).

Written with numpy lookups rather than `audioop`, which Python 3.13 removes.
"""

from __future__ import annotations

import numpy as np

PHONE_RATE = 8_000
_BIAS = 0x84  # added before the segment search so that the smallest segment is not empty
# The encoder works on 14-bit samples, with the bias and clip scaled to match.
_BIAS_14 = 0x21
_CLIP_14 = 8_159


def _decode_table() -> np.ndarray:
    code = ~np.arange(256, dtype=np.int32) & 0xFF
    exponent = (code >> 4) & 0x07
    mantissa = code & 0x0F
    magnitude = (((mantissa << 3) + _BIAS) << exponent) - _BIAS
    return np.where(code & 0x80, -magnitude, magnitude).astype(np.int16)


_DECODED = _decode_table()


def decode(payload: bytes) -> bytes:
    """μ-law bytes → 16-bit little-endian PCM at the same rate."""
    return _DECODED[np.frombuffer(payload, dtype=np.uint8)].astype("<i2").tobytes()


def encode(pcm: bytes) -> bytes:
    """16-bit little-endian PCM → μ-law bytes (one per sample), as G.711 does it on 14 bits."""
    samples = np.frombuffer(pcm, dtype="<i2").astype(np.int32) >> 2
    sign = np.where(samples < 0, 0x80, 0)
    magnitude = np.minimum(np.abs(samples), _CLIP_14) + _BIAS_14
    # The segment is the position of the highest set bit above bit 5 (0–7).
    exponent = np.maximum(np.floor(np.log2(magnitude)).astype(np.int32) - 5, 0)
    mantissa = (magnitude >> (exponent + 1)) & 0x0F
    # Past the last segment (only the clipped loudest samples): the loudest code.
    over = exponent > 7
    exponent = np.where(over, 7, exponent)
    mantissa = np.where(over, 0x0F, mantissa)
    return (~(sign | (exponent << 4) | mantissa) & 0xFF).astype(np.uint8).tobytes()
