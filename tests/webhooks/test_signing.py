"""The documented verification: a signature over timestamp and body, replays refused."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from frontdesk.webhooks.signing import (
    InvalidSignature,
    new_secret,
    signature,
    signature_header,
    verify,
)

BODY = b'{"id":"evt_1","type":"lead.created","data":{"lead":{"name":"Ann Lee"}}}'
NOW = 1_796_000_000


def test_a_signed_request_verifies_and_a_changed_one_does_not() -> None:
    secret = new_secret()
    assert secret.startswith("whsec_") and len(secret) > 40
    header = signature_header(secret, NOW, BODY)
    assert header == "v1=" + signature(secret, NOW, BODY) and len(header) == 3 + 64

    verify(secret, BODY, str(NOW), header, now=NOW + 10)

    with pytest.raises(InvalidSignature, match="does not match"):
        verify(secret, BODY.replace(b"Ann", b"Bob"), str(NOW), header, now=NOW)
    with pytest.raises(InvalidSignature, match="does not match"):
        verify(new_secret(), BODY, str(NOW), header, now=NOW)
    # The timestamp is signed: moving it forward to dodge the age check breaks the signature.
    with pytest.raises(InvalidSignature, match="does not match"):
        verify(secret, BODY, str(NOW + 400), header, now=NOW + 400)


def test_replays_older_than_five_minutes_and_far_future_timestamps_are_refused() -> None:
    secret = new_secret()
    header = signature_header(secret, NOW, BODY)
    verify(secret, BODY, NOW, header, now=NOW + 299)
    with pytest.raises(InvalidSignature, match="too old"):
        verify(secret, BODY, NOW, header, now=NOW + 301)
    with pytest.raises(InvalidSignature, match="future"):
        verify(secret, BODY, NOW, header, now=NOW - 301)


def test_malformed_headers_are_refused_and_any_listed_v1_signature_may_match() -> None:
    secret, old = new_secret(), new_secret()
    good = signature(secret, NOW, BODY)
    for timestamp, value in [(None, f"v1={good}"), (str(NOW), None), ("yesterday", f"v1={good}")]:
        with pytest.raises(InvalidSignature):
            verify(secret, BODY, timestamp, value, now=NOW)
    with pytest.raises(InvalidSignature):
        verify(secret, BODY, str(NOW), f"v0={good}", now=NOW)  # only v1 counts
    both = f"v1={signature(old, NOW, BODY)}, v1={good}"
    verify(secret, BODY, str(NOW), both, now=NOW)


def test_the_example_receiver_in_the_docs_accepts_our_signature_and_refuses_a_replay() -> None:
    """docs/webhooks.md's standalone check agrees with what Frontdesk sends."""
    text = (Path(__file__).parents[2] / "docs" / "webhooks.md").read_text(encoding="utf-8")
    [example] = re.findall(r"```python\n(.*?)```", text, flags=re.S)
    # Everything but the last line, which would start serving.
    code, last = example.rstrip().rsplit("\n", 1)
    assert last.startswith("HTTPServer(")
    secret = new_secret()
    namespace: dict = {}
    exec(compile(code.replace('"whsec_..."', repr(secret)), "docs/webhooks.md", "exec"), namespace)  # noqa: S102
    is_genuine = namespace["is_genuine"]

    now = int(time.time())
    header = signature_header(secret, now, BODY)
    assert is_genuine(BODY, str(now), header)
    assert not is_genuine(BODY + b" ", str(now), header)
    old = now - 301
    assert not is_genuine(BODY, str(old), signature_header(secret, old, BODY))
    assert not is_genuine(BODY, str(now), signature_header(new_secret(), now, BODY))
