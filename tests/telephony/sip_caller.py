"""A phone calling a business's number through a SIP trunk, as RFC 3261 and RFC 3550 have it:
an INVITE over UDP offering G.711 μ-law (payload 0) and keypresses (RFC 4733 events,
payload 101), the ACK of the 200, then the caller's voice as 20 ms RTP packets in real time
(silence when they are not talking). The agent's RTP is recorded as the caller heard it. A
REFER from the far end (a hand-off to a person) is accepted and reported done with a NOTIFY,
as a carrier does once the other number answers; a BYE from either side ends the call."""

from __future__ import annotations

import asyncio
import random
import re
import struct
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from frontdesk.telephony import mulaw
from tests.telephony.earpiece import Earpiece

RATE = mulaw.PHONE_RATE
FRAME_BYTES = RATE // 50  # 20 ms of μ-law per packet
SILENCE = mulaw.encode(bytes(FRAME_BYTES * 2))
PCMU, EVENTS = 0, 101
HOST = "127.0.0.1"
_HEADER = re.compile(r"^([A-Za-z-]+):\s*(.*)$")


@dataclass
class SipMessage:
    first_line: str
    headers: dict[str, str]  # lower-cased names; the first of each
    body: str

    @property
    def status(self) -> int | None:
        parts = self.first_line.split(" ", 2)
        return int(parts[1]) if self.first_line.startswith("SIP/2.0") else None

    @property
    def method(self) -> str:
        return self.first_line.split(" ", 1)[0]

    def header(self, name: str) -> str:
        return self.headers.get(name.lower(), "")


def parse(data: bytes) -> SipMessage:
    head, _, body = data.decode().partition("\r\n\r\n")
    lines = head.split("\r\n")
    headers: dict[str, str] = {}
    for line in lines[1:]:
        match = _HEADER.match(line)
        if match:
            headers.setdefault(match.group(1).lower(), match.group(2).strip())
    return SipMessage(lines[0], headers, body)


class _Endpoint(asyncio.DatagramProtocol):
    def __init__(self, on_packet: Any) -> None:
        self.on_packet = on_packet

    def datagram_received(self, data: bytes, addr: tuple[str, int]) -> None:
        self.on_packet(data, addr)


@dataclass
class SipCaller(Earpiece):
    caller: str  # the caller's number, as their network reports it (E.164)
    called: str  # the business's number
    refer_to: str | None = None  # where a REFER asked the caller to go
    ended_by_far_end: bool = False
    closed: bool = False
    _sip: Any = None
    _rtp: Any = None
    _server: tuple[str, int] = (HOST, 0)
    _media: tuple[str, int] | None = None
    _call_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    _tag: str = field(default_factory=lambda: uuid.uuid4().hex[:10])
    _to: str = ""  # the To header of the 200 (with the far end's tag)
    _contact: str = ""  # where in-dialog requests go
    _cseq: int = 1
    _answers: asyncio.Queue[SipMessage] = field(default_factory=asyncio.Queue)
    _speech: bytearray = field(default_factory=bytearray)
    _spoken: asyncio.Event = field(default_factory=asyncio.Event)
    _keys: list[str] = field(default_factory=list)
    _tasks: list[asyncio.Task[None]] = field(default_factory=list)
    _speech_ends: float = 0.0

    async def dial(self, server: tuple[str, int], limit_s: float = 30.0) -> None:
        """Call `called` through the SIP service at `server`; returns once answered."""
        loop = asyncio.get_running_loop()
        self._server = server
        self._sip, _ = await loop.create_datagram_endpoint(
            lambda: _Endpoint(self._on_sip), local_addr=(HOST, 0)
        )
        self._rtp, _ = await loop.create_datagram_endpoint(
            lambda: _Endpoint(self._on_rtp), local_addr=(HOST, 0)
        )
        self._send(self._invite())
        deadline = time.monotonic() + limit_s
        while True:
            answer = await asyncio.wait_for(self._answers.get(), deadline - time.monotonic())
            if answer.header("cseq").endswith("INVITE") and answer.status is not None:
                if answer.status < 200:
                    continue
                if answer.status >= 300:
                    raise AssertionError(f"the call was refused: {answer.first_line}")
                break
        self._to = answer.header("to")
        contact = re.search(r"<([^>]+)>", answer.header("contact"))
        self._contact = contact.group(1) if contact else answer.header("contact")
        media = re.search(r"^c=IN IP4 (\S+)", answer.body, re.M)
        port = re.search(r"^m=audio (\d+)", answer.body, re.M)
        assert media and port, answer.body
        self._media = (media.group(1), int(port.group(1)))
        self._send(self._request("ACK", cseq=1))
        self._tasks = [asyncio.ensure_future(self._line())]

    async def say(self, pcm_8k: bytes) -> float:
        """Speak (8 kHz PCM16) into the line in real time; returns when the words ended."""
        self._spoken.clear()
        self._speech.extend(mulaw.encode(pcm_8k))
        await self._spoken.wait()
        return self._speech_ends

    async def press(self, digit: str) -> None:
        """A keypress, as RFC 4733 events in the RTP stream."""
        self._keys.append(digit)
        await asyncio.sleep(0.3)

    async def hang_up(self) -> None:
        if not self.closed:
            self._send(self._request("BYE"))
            await asyncio.sleep(0.3)
        self._stop()

    # -- signalling -----------------------------------------------------------------------
    def _uri(self) -> str:
        return f"sip:{self.caller}@{HOST}:{self._sip.get_extra_info('sockname')[1]}"

    def _invite(self) -> str:
        rtp_port = self._rtp.get_extra_info("sockname")[1]
        sdp = (
            "v=0\r\n"
            f"o=caller {random.randint(1, 10**9)} 1 IN IP4 {HOST}\r\n"
            "s=call\r\n"
            f"c=IN IP4 {HOST}\r\n"
            "t=0 0\r\n"
            f"m=audio {rtp_port} RTP/AVP {PCMU} {EVENTS}\r\n"
            f"a=rtpmap:{PCMU} PCMU/8000\r\n"
            f"a=rtpmap:{EVENTS} telephone-event/8000\r\n"
            f"a=fmtp:{EVENTS} 0-16\r\n"
            "a=ptime:20\r\n"
            "a=sendrecv\r\n"
        )
        host, port = self._server
        self._to = f"<sip:{self.called}@{host}:{port}>"
        return self._compose(
            f"INVITE sip:{self.called}@{host}:{port} SIP/2.0",
            cseq="1 INVITE",
            extra={"Content-Type": "application/sdp"},
            body=sdp,
        )

    def _request(
        self, method: str, *, cseq: int | None = None, extra: dict | None = None, body: str = ""
    ) -> str:
        if cseq is None:
            self._cseq += 1
            cseq = self._cseq
        return self._compose(
            f"{method} {self._contact} SIP/2.0", cseq=f"{cseq} {method}", extra=extra, body=body
        )

    def _compose(self, first: str, *, cseq: str, extra: dict | None = None, body: str = "") -> str:
        port = self._sip.get_extra_info("sockname")[1]
        headers = {
            "Via": f"SIP/2.0/UDP {HOST}:{port};branch=z9hG4bK{uuid.uuid4().hex[:16]};rport",
            "Max-Forwards": "70",
            "From": f"<sip:{self.caller}@{HOST}>;tag={self._tag}",
            "To": self._to,
            "Call-ID": self._call_id,
            "CSeq": cseq,
            "Contact": f"<{self._uri()}>",
            "User-Agent": "frontdesk-test-phone",
            **(extra or {}),
            "Content-Length": str(len(body.encode())),
        }
        return first + "\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers.items()) + "\r\n" + body

    def _send(self, text: str) -> None:
        if self._sip is not None:
            self._sip.sendto(text.encode(), self._server)

    def _reply(self, request: SipMessage, status: str) -> None:
        names = ("via", "from", "to", "call-id", "cseq")
        lines = [f"SIP/2.0 {status}"]
        lines += [f"{name.title()}: {request.header(name)}" for name in names]
        lines += ["Content-Length: 0", "", ""]
        self._send("\r\n".join(lines))

    def _on_sip(self, data: bytes, addr: tuple[str, int]) -> None:
        message = parse(data)
        if message.status is not None:
            self._answers.put_nowait(message)
            return
        if message.method == "BYE":
            self._reply(message, "200 OK")
            self.ended_by_far_end = True
            self._stop()
        elif message.method == "REFER":
            self.refer_to = message.header("refer-to").strip("<>")
            self._reply(message, "202 Accepted")
            # The other number answered: the transfer is done (RFC 3515's sipfrag).
            refer_cseq = message.header("cseq").split()[0]
            self._send(
                self._request(
                    "NOTIFY",
                    extra={
                        "Event": f"refer;id={refer_cseq}",
                        "Subscription-State": "terminated;reason=noresource",
                        "Content-Type": "message/sipfrag;version=2.0",
                    },
                    body="SIP/2.0 200 OK\r\n",
                )
            )
        else:
            self._reply(message, "200 OK")

    # -- media ------------------------------------------------------------------------------
    def _on_rtp(self, data: bytes, addr: tuple[str, int]) -> None:
        if len(data) < 12 or data[1] & 0x7F != PCMU:
            return
        pcm = mulaw.decode(data[12:])
        at = time.monotonic()
        self.heard.append((at, pcm))
        if _sounds(pcm):
            self.arrived.append(at)

    async def _line(self) -> None:
        """20 ms of the caller's line every 20 ms: their speech, a key, or silence."""
        ssrc = random.getrandbits(32)
        sequence = random.getrandbits(16)
        stamp = random.getrandbits(32)
        start = time.monotonic()
        packets = 0
        while not self.closed and self._media is not None:
            if self._keys:
                digit = self._keys.pop(0)
                for packet in _key_packets(digit, sequence, stamp, ssrc):
                    self._rtp.sendto(packet, self._media)
                    sequence = (sequence + 1) & 0xFFFF
                    packets += 1
                    await asyncio.sleep(max(0.0, start + packets * 0.02 - time.monotonic()))
                stamp = (stamp + FRAME_BYTES * 5) & 0xFFFFFFFF
                continue
            if self._speech:
                frame = bytes(self._speech[:FRAME_BYTES]).ljust(FRAME_BYTES, SILENCE[:1])
                del self._speech[:FRAME_BYTES]
                finished = not self._speech
            else:
                frame, finished = SILENCE, False
            header = struct.pack("!BBHII", 0x80, PCMU, sequence, stamp, ssrc)
            self._rtp.sendto(header + frame, self._media)
            sequence = (sequence + 1) & 0xFFFF
            stamp = (stamp + FRAME_BYTES) & 0xFFFFFFFF
            packets += 1
            if finished:
                # A phone sends each 20 ms once it has been spoken: the words ended as the
                # last of them left.
                self._speech_ends = time.monotonic()
                self._spoken.set()
            await asyncio.sleep(max(0.0, start + packets * 0.02 - time.monotonic()))

    def _stop(self) -> None:
        if self.closed:
            return
        self.closed = True
        for endpoint in (self._sip, self._rtp):
            if endpoint is not None:
                asyncio.get_running_loop().call_later(0.5, endpoint.close)


def _key_packets(digit: str, sequence: int, stamp: int, ssrc: int) -> list[bytes]:
    """One keypress as RFC 4733 events: 100 ms of the key held, the last packet (its end)
    sent three times, as phones do."""
    event = "0123456789*#".index(digit)
    packets = []
    for step in range(1, 6):
        end = step == 5
        duration = step * FRAME_BYTES
        payload = struct.pack("!BBH", event, (0x80 if end else 0) | 10, duration)
        marker = 0x80 if step == 1 else 0
        repeats = 3 if end else 1
        for _ in range(repeats):
            header = struct.pack("!BBHII", 0x80, marker | EVENTS, sequence, stamp, ssrc)
            packets.append(header + payload)
            sequence = (sequence + 1) & 0xFFFF
    return packets


def _sounds(pcm: bytes) -> bool:
    """Any sound at all: G.711's silence decodes to (near) zero, the quietest speech does
    not."""
    samples = np.frombuffer(pcm, dtype="<i2")
    return bool(samples.size) and int(np.abs(samples.astype(np.int32)).max()) > 8
