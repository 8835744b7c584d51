"""LiveKit's own server on loopback, for the tests that must meet a real one.

`scripts/ensure-livekit-server` builds the pinned release once (into .tools/); each use here
starts it with a key pair of the test's own, ports of its own (signal, RTC over TCP, a UDP
range) and, when given, webhooks pointed at the Frontdesk server under test, then stops it.
A machine without Go fails the test with the script's message: the LiveKit path is proven
against the server or not at all.
"""

from __future__ import annotations

import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

ROOT = Path(__file__).resolve().parent.parent
ENSURE = ROOT / "scripts" / "ensure-livekit-server"
KEY = "frontdesk-test-key"
SECRET = "frontdesk-test-secret-that-is-long-enough-for-livekit"
_UDP_PORTS = 20
_START_TIMEOUT_S = 30.0


@dataclass(frozen=True)
class LiveKitServer:
    url: str  # ws://127.0.0.1:port, what clients and workers connect to
    http_url: str  # the same port over HTTP, for the server API (livekit-api)
    key: str
    secret: str


def server_binary() -> Path:
    """The pinned livekit-server, built on first use; the test fails with the reason when
    it cannot be built (no Go, the module proxy unreachable)."""
    done = subprocess.run([str(ENSURE)], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        pytest.fail(f"livekit-server could not be built: {done.stderr.strip()}")
    return Path(done.stdout.strip().splitlines()[-1])


def free_port(kind: int = socket.SOCK_STREAM) -> int:
    with socket.socket(socket.AF_INET, kind) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def free_udp_range(size: int) -> int:
    """The first of `size` consecutive UDP ports that are free now."""
    for _ in range(50):
        start = free_port(socket.SOCK_DGRAM)
        if start + size >= 65535:
            continue
        try:
            held = []
            for port in range(start, start + size):
                sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                held.append(sock)
                sock.bind(("127.0.0.1", port))
        except OSError:
            continue
        finally:
            for sock in held:
                sock.close()
        return start
    raise RuntimeError("no free UDP port range on loopback")


def _config(
    port: int, tcp_port: int, udp_start: int, webhook_url: str | None, redis: str | None = None
) -> str:
    lines = [
        f"port: {port}",
        "bind_addresses: ['127.0.0.1']",
        "rtc:",
        f"  tcp_port: {tcp_port}",
        f"  port_range_start: {udp_start}",
        f"  port_range_end: {udp_start + _UDP_PORTS}",
        "  use_external_ip: false",
        "keys:",
        f"  {KEY}: {SECRET}",
        "logging:",
        "  level: info",
    ]
    if webhook_url:
        lines += ["webhook:", f"  api_key: {KEY}", "  urls:", f"    - {webhook_url}"]
    if redis:
        # SIP trunks and rules live in Redis, which LiveKit's SIP service shares.
        parts = urlsplit(redis)
        db = int(parts.path.strip("/") or 0)
        lines += ["redis:", f"  address: {parts.hostname}:{parts.port or 6379}", f"  db: {db}"]
    return "\n".join(lines) + "\n"


@contextmanager
def running_livekit(
    tmp_path: Path,
    webhook_url: str | None = None,
    *,
    port: int | None = None,
    redis: str | None = None,
) -> Iterator[LiveKitServer]:
    """livekit-server on loopback for the duration of the block, on `port` when given (the
    settings of a Frontdesk server started before it already name it); with `redis` (a
    redis:// URL) its state lives there, as SIP needs."""
    binary = server_binary()
    port, tcp_port = port or free_port(), free_port()
    config = tmp_path / "livekit.yaml"
    udp_start = free_udp_range(_UDP_PORTS)
    config.write_text(_config(port, tcp_port, udp_start, webhook_url, redis))
    log = (tmp_path / "livekit.log").open("w")
    process = subprocess.Popen(
        [str(binary), "--config", str(config), "--node-ip", "127.0.0.1"],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    http_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + _START_TIMEOUT_S
        while True:
            if process.poll() is not None:
                pytest.fail(f"livekit-server exited: {(tmp_path / 'livekit.log').read_text()}")
            try:
                if httpx.get(http_url, timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                pytest.fail("livekit-server did not answer on its port within 30 s")
            time.sleep(0.1)
        yield LiveKitServer(f"ws://127.0.0.1:{port}", http_url, KEY, SECRET)
    finally:
        stop(process)
        log.close()


def stop(process: subprocess.Popen) -> None:  # type: ignore[type-arg]
    """Ask a server to stop; kill it when it will not."""
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
