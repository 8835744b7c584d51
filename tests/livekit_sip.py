"""LiveKit's SIP service on loopback, beside LiveKit's own server (tests/livekit_server.py):
it takes SIP calls on a UDP port of its own, finds the inbound trunk and dispatch rule for
the number called in the Redis it shares with the server, and brings the caller into a room.

`scripts/ensure-livekit-sip` builds the pinned release once (`make test` does it first)."""

from __future__ import annotations

import socket
import subprocess
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.livekit_server import KEY, SECRET, LiveKitServer, free_port, free_udp_range, stop

ROOT = Path(__file__).resolve().parent.parent
ENSURE = ROOT / "scripts" / "ensure-livekit-sip"
_START_TIMEOUT_S = 30.0
_RTP_PORTS = 40


@dataclass(frozen=True)
class SipService:
    address: tuple[str, int]  # where a trunk sends its calls (UDP)


def sip_binary() -> Path:
    done = subprocess.run([str(ENSURE)], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        pytest.fail(f"livekit-sip could not be built: {done.stderr.strip()}")
    return Path(done.stdout.strip().splitlines()[-1])


def _answers_options(port: int) -> bool:
    """Whether a SIP OPTIONS to the service gets an answer (it has no health page)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.bind(("127.0.0.1", 0))
        probe.settimeout(0.5)
        here = probe.getsockname()[1]
        probe.sendto(
            (
                f"OPTIONS sip:probe@127.0.0.1:{port} SIP/2.0\r\n"
                f"Via: SIP/2.0/UDP 127.0.0.1:{here};branch=z9hG4bK{uuid.uuid4().hex[:12]}\r\n"
                "Max-Forwards: 70\r\n"
                f"From: <sip:probe@127.0.0.1:{here}>;tag={uuid.uuid4().hex[:8]}\r\n"
                f"To: <sip:probe@127.0.0.1:{port}>\r\n"
                f"Call-ID: {uuid.uuid4().hex}\r\n"
                "CSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n"
            ).encode(),
            ("127.0.0.1", port),
        )
        try:
            return probe.recv(4096).startswith(b"SIP/2.0")
        except OSError:
            return False


def _config(livekit: LiveKitServer, redis: str, sip_port: int) -> str:
    parts = urlsplit(redis)
    rtp = free_udp_range(_RTP_PORTS + 1)
    return "\n".join(
        [
            f"api_key: {KEY}",
            f"api_secret: {SECRET}",
            f"ws_url: {livekit.url}",
            "redis:",
            f"  address: {parts.hostname}:{parts.port or 6379}",
            f"  db: {int(parts.path.strip('/') or 0)}",
            f"sip_port: {sip_port}",
            f"sip_port_listen: {sip_port}",
            f"rtp_port: {rtp}-{rtp + _RTP_PORTS}",
            # Everything on loopback: what it announces in SDP is where it listens.
            "use_external_ip: false",
            "nat_1_to_1_ip: 127.0.0.1",
            "listen_ip: 127.0.0.1",
            "logging:",
            "  level: debug",
            "",
        ]
    )


@contextmanager
def running_sip(tmp_path: Path, livekit: LiveKitServer, redis: str) -> Iterator[SipService]:
    """livekit-sip for the duration of the block, sharing `redis` with `livekit`."""
    binary = sip_binary()
    sip_port = free_port(socket.SOCK_DGRAM)
    config = tmp_path / "livekit-sip.yaml"
    config.write_text(_config(livekit, redis, sip_port))
    log_path = tmp_path / "livekit-sip.log"
    log = log_path.open("w")
    process = subprocess.Popen(
        [str(binary), "--config", str(config)], stdout=log, stderr=subprocess.STDOUT
    )
    try:
        deadline = time.monotonic() + _START_TIMEOUT_S
        while True:
            if process.poll() is not None:
                pytest.fail(f"livekit-sip exited: {log_path.read_text()[-3000:]}")
            if _answers_options(sip_port):
                break
            if time.monotonic() > deadline:
                pytest.fail(f"livekit-sip did not answer within 30 s: {log_path.read_text()}")
            time.sleep(0.2)
        yield SipService(("127.0.0.1", sip_port))
    finally:
        stop(process)
        log.close()
