"""A business's Twilio number on a real `frontdesk` server on loopback: the workspace holds
the account's auth token, and the tests play Twilio (its signed webhooks, its media stream)."""

from __future__ import annotations

import time
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from frontdesk.providers.speech import SpeechModels
from frontdesk.resources import Resources
from frontdesk.runtime.voice_channel import INPUT_RATE
from frontdesk.telephony import mulaw
from frontdesk.telephony.twilio_signature import twilio_signature
from tests.factories import EVERY_DAY, make_receptionist
from tests.fake_llm import Call, Say, ScriptedLLM
from tests.live_server import owner_client, serving
from tests.telephony.twilio_caller import to_rate

# The voice tests' real speech models and caller audio (imported, so they are defined once).
from tests.voice.conftest import caller_voice, speech_models  # noqa: F401

AUTH_TOKEN = "a1b2c3d4e5f60718293a4b5c6d7e8f90"  # a Twilio auth token's shape: 32 hex
CALLER = "+15550142398"


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    """SQLite only: the phone path is about Twilio's protocol; every backend is covered by
    the conversation tests, and a real-time call is slow."""
    return f"sqlite:///{tmp_path / 'frontdesk.db'}"


@dataclass
class Stream:
    url: str  # ws://…/stream
    parameters: dict[str, str]
    action: str  # where Twilio posts when the stream ends


@dataclass
class PhoneLine:
    url: str
    api: httpx.Client  # the owner, signed in
    agent: dict

    def webhook(
        self, path: str, form: dict[str, str], *, token: str | None = AUTH_TOKEN
    ) -> httpx.Response:
        """POST as Twilio does: a form, signed with the account's auth token."""
        url = path if path.startswith("http") else f"{self.url}{path}"
        headers = {}
        if token is not None:
            headers["X-Twilio-Signature"] = twilio_signature(token, url, form.items())
        return httpx.post(url, data=form, headers=headers, timeout=30)

    def incoming(self, caller: str = CALLER, **kwargs: str | None) -> httpx.Response:
        form = {
            "CallSid": "CA" + "1" * 32,
            "AccountSid": "AC" + "0" * 32,
            "From": caller,
            "To": "+15550100000",
            "CallStatus": "ringing",
            "Direction": "inbound",
        }
        return self.webhook(f"/api/telephony/twilio/{self.agent['id']}/voice", form, **kwargs)

    def answer(self, caller: str = CALLER) -> Stream:
        """The TwiML of an incoming call, read as Twilio reads it."""
        response = self.incoming(caller)
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].startswith("application/xml")
        root = ET.fromstring(response.text)
        connect = root.find("Connect")
        assert connect is not None, response.text
        stream = connect.find("Stream")
        assert stream is not None, response.text
        parameters = {p.get("name", ""): p.get("value", "") for p in stream.findall("Parameter")}
        return Stream(stream.get("url", ""), parameters, connect.get("action", ""))

    def conversation(self, conversation_id: str) -> dict:
        response = self.api.get(f"/api/conversations/{conversation_id}")
        assert response.status_code == 200, response.text
        return response.json()

    def wait_for(
        self, conversation_id: str, wanted: Callable[[dict], bool], limit_s: float = 60
    ) -> dict:
        deadline = time.monotonic() + limit_s
        while True:
            row = self.conversation(conversation_id)
            if wanted(row):
                return row
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out; conversation: {row}")
            time.sleep(0.2)


@pytest.fixture
def phone_line(
    chat_resources: Resources,
    speech_models: SpeechModels,  # noqa: F811
) -> Iterator[PhoneLine]:
    """The real app with the scripted LLM and the real speech models, an agent, and the
    workspace's Twilio auth token set."""
    chat_resources.speech = lambda: speech_models
    with serving(chat_resources) as url, owner_client(chat_resources, url) as api:
        agent = make_receptionist(api)
        # Open around the clock: a call outside the hours hears when the business opens
        # (test_after_hours.py), which would make these calls depend on the time of day.
        hours = {day: [{"opens": "00:00", "closes": "23:59"}] for day in EVERY_DAY}
        scheduling = {"timezone": "UTC", "hours": hours, "min_notice_minutes": 0}
        opened = api.patch(f"/api/agents/{agent['id']}", json={"scheduling": scheduling})
        assert opened.status_code == 200, opened.text
        saved = api.patch("/api/workspace", json={"settings": {"twilio_auth_token": AUTH_TOKEN}})
        assert saved.status_code == 200, saved.text
        yield PhoneLine(url, api, agent)


@pytest.fixture
def phone_voice(caller_voice):  # type: ignore[no-untyped-def]  # noqa: F811
    """A caller's sentence as a phone line carries it: 8 kHz PCM16 (μ-law on the wire)."""

    def speak(text: str, silence_s: float = 1.2) -> bytes:
        pcm = caller_voice(text, silence_s=silence_s)
        return to_rate(pcm, INPUT_RATE, mulaw.PHONE_RATE)

    return speak


HANDOFF_NUMBER = "+15550107777"


def hand_offs_to_dr_rivera(api: httpx.Client, agent: dict, fake_llm: ScriptedLLM) -> None:
    """The agent's hand-off contact has a phone, and the model hands a caller who asks for
    a person over to her."""
    facts = {"handoff_contacts": [{"name": "Dr Rivera", "phone": "(555) 010-7777"}]}
    patched = api.patch(f"/api/agents/{agent['id']}", json={"business_facts": facts})
    assert patched.status_code == 200, patched.text
    fake_llm.script(
        Call("handoff_to_human", {"reason": "The caller asked for a person"}),
        Say("Of course. I'm putting you through to Dr Rivera now."),
    )
