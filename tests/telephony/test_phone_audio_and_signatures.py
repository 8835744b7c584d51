"""The pieces of a phone line that need no call: G.711 μ-law, Twilio's request signature
(checked against Twilio's own validator), and the watch over a silent line."""

from __future__ import annotations

import numpy as np
from twilio.request_validator import RequestValidator

from frontdesk.telephony import mulaw
from frontdesk.telephony.silence import GOODBYE, STILL_THERE, SilenceWatch
from frontdesk.telephony.twilio_signature import signed_by_twilio, twilio_signature


def test_mulaw_codes_match_g711() -> None:
    # G.711's table: silence is 0xFF, full scale 0x80 / 0x00, and decoding is exact.
    assert mulaw.encode(np.array([0, 32767, -32768, 1000, -1000], "<i2").tobytes()) == bytes(
        [0xFF, 0x80, 0x00, 0xCE, 0x4E]
    )
    assert np.frombuffer(mulaw.decode(bytes([0xFF, 0x80, 0x00, 0xCE, 0x4E])), "<i2").tolist() == [
        0, 32124, -32124, 988, -988
    ]  # fmt: skip
    # Every code decodes to a value that encodes back to the same code.
    codes = bytes(range(256))
    again = mulaw.encode(mulaw.decode(codes))
    assert [a for a in again] == [c if c != 0x7F else 0xFF for c in codes]  # ±0 are one value


def test_mulaw_keeps_speech_loud_and_clear() -> None:
    tone = (np.sin(np.arange(8000) * 2 * np.pi * 440 / 8000) * 12000).astype("<i2")
    back = np.frombuffer(mulaw.decode(mulaw.encode(tone.tobytes())), "<i2")
    noise = back.astype(float) - tone
    snr = 10 * np.log10(np.sum(tone.astype(float) ** 2) / np.sum(noise**2))
    assert snr > 35  # G.711 gives about 38 dB on a loud signal


def test_signatures_are_twilios() -> None:
    token = "12345"
    url = "https://mycompany.com/myapp.php?foo=1&bar=2"
    params = {
        "CallSid": "CA1234567890ABCDE",
        "Caller": "+12349013030",
        "Digits": "1234",
        "From": "+12349013030",
        "To": "+18005551212",
    }
    expected = RequestValidator(token).compute_signature(url, params)
    assert twilio_signature(token, url, params.items()) == expected
    assert signed_by_twilio(token, url, params.items(), expected)
    assert not signed_by_twilio(token, url + "&baz=3", params.items(), expected)
    assert not signed_by_twilio(token, url, [*params.items(), ("Digits", "9")], expected)
    assert not signed_by_twilio("54321", url, params.items(), expected)
    assert not signed_by_twilio(token, url, params.items(), None)
    assert not signed_by_twilio("", url, params.items(), expected)


def test_a_silent_line_is_asked_once_then_said_goodbye_to() -> None:
    watch = SilenceWatch(ask_after_s=20, hang_up_after_s=10, _quiet_since=0.0)
    listening = {"agent_state": "listening", "user_state": "listening"}
    assert watch.check(**listening, now=19.9) is None
    assert watch.check(**listening, now=20.0) == STILL_THERE
    # The question is spoken; the silence counts again from its end.
    assert watch.check(agent_state="speaking", user_state="listening", now=21.0) is None
    assert watch.check(**listening, now=30.9) is None
    assert watch.check(**listening, now=31.0) == GOODBYE


def test_a_caller_who_answers_is_not_hung_up_on() -> None:
    watch = SilenceWatch(ask_after_s=20, hang_up_after_s=10, _quiet_since=0.0)
    listening = {"agent_state": "listening", "user_state": "listening"}
    assert watch.check(**listening, now=20.0) == STILL_THERE
    assert watch.check(agent_state="listening", user_state="speaking", now=22.0) is None
    assert watch.check(agent_state="thinking", user_state="listening", now=23.0) is None
    # A fresh silence: asked again after the full 20 s, not hung up on after 10.
    assert watch.check(**listening, now=40.0) is None
    assert watch.check(**listening, now=43.0) == STILL_THERE
