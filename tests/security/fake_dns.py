"""Names that resolve the way an attacker's DNS server would answer.

Frontdesk's outbound guard resolves names with `anyio.getaddrinfo`, and anyio's own
`connect_tcp` (under httpx's and httpx2's connections) resolves through the same function of
`anyio._core._sockets`. Patching that one function in both places (never the guard) makes a
test name answer what the test says, to the guard and to any client that would resolve the
name again for its connection: a fixed list of addresses, or a function of how many times
the name was asked (DNS rebinding). Other names resolve as usual.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable, Mapping
from typing import Any

import anyio
import anyio._core._sockets as anyio_sockets
import pytest

Answer = list[str] | Callable[[int], list[str]]


class FakeDns:
    def __init__(self, table: Mapping[str, Answer]) -> None:
        self.table = dict(table)
        self.asked: dict[str, int] = {}
        self._lock = threading.Lock()

    def answer(self, name: str) -> list[str] | None:
        key = name.lower().rstrip(".")
        entry = self.table.get(key)
        if entry is None:
            return None
        with self._lock:
            count = self.asked.get(key, 0)
            self.asked[key] = count + 1
        return entry(count) if callable(entry) else list(entry)


def install(monkeypatch: pytest.MonkeyPatch, table: Mapping[str, Answer]) -> FakeDns:
    """Answer `table`'s names from now on, in every thread and event loop of the process."""
    dns = FakeDns(table)
    real = anyio_sockets.getaddrinfo

    async def getaddrinfo(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        name = host.decode() if isinstance(host, bytes) else str(host)
        answers = dns.answer(name)
        if answers is None:
            return await real(host, port, *args, **kwargs)
        number = int(port or 0)
        return [
            (
                socket.AF_INET6 if ":" in ip else socket.AF_INET,
                socket.SOCK_STREAM,
                6,
                "",
                (ip, number, 0, 0) if ":" in ip else (ip, number),
            )
            for ip in answers
        ]

    monkeypatch.setattr(anyio, "getaddrinfo", getaddrinfo)
    monkeypatch.setattr(anyio_sockets, "getaddrinfo", getaddrinfo)
    return dns
