"""Real Frontdesk processes for crash tests: `frontdesk serve` and `frontdesk worker` started
as subprocesses, killed with SIGKILL (no handler runs, nothing is flushed) and started again
on the same database."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

OWNER_EMAIL = "owner@frontdesk.local"
OWNER_PASSWORD = "kill-recovery-password"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Process:
    """One `python -m frontdesk …` subprocess, its output appended to `log`."""

    def __init__(self, args: list[str], env: dict[str, str], log: Path) -> None:
        self.log = log
        with log.open("ab") as handle:
            self.popen = subprocess.Popen(
                [sys.executable, "-m", "frontdesk", *args],
                env={**os.environ, **env},
                stdout=handle,
                stderr=subprocess.STDOUT,
            )

    def kill9(self) -> None:
        self.popen.send_signal(signal.SIGKILL)
        self.popen.wait(timeout=30)

    def stop(self) -> None:
        if self.popen.poll() is None:
            self.popen.terminate()
            try:
                self.popen.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill9()

    def tail(self, chars: int = 4000) -> str:
        return self.log.read_text(errors="replace")[-chars:]


class Server(Process):
    """`frontdesk serve` on a free port, with a signed-in owner's client once it answers."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.port = free_port()
        super().__init__(["serve", "--port", str(self.port)], env, log)
        self.client = self._signed_in()

    def _signed_in(self, timeout: float = 120.0) -> httpx.Client:
        client = httpx.Client(base_url=f"http://127.0.0.1:{self.port}", timeout=30)
        wait_until(lambda: _healthy(client), timeout, lambda: "server: " + self.tail())
        login = client.post(
            "/api/auth/login", json={"email": OWNER_EMAIL, "password": OWNER_PASSWORD}
        )
        assert login.status_code == 200, login.text
        return client

    def stop(self) -> None:
        self.client.close()
        super().stop()


def worker(env: dict[str, str], log: Path) -> Process:
    return Process(["worker", "--workers", "2"], env, log)


def _healthy(client: httpx.Client) -> bool:
    try:
        return client.get("/api/health").status_code == 200
    except httpx.TransportError:
        return False


def wait_until(
    check: Callable[[], Any], timeout: float, explain: Callable[[], str] = lambda: ""
) -> Any:
    """Poll `check` until it returns something truthy; that value."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"not reached in {timeout} s: {explain()}")
        time.sleep(0.1)
