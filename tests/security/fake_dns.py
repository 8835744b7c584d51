"""Names that resolve the way an attacker's DNS server would answer, for the guard's resolver.

Frontdesk's outbound guard resolves names with `anyio.getaddrinfo`; patching that one
function (never the guard) makes a test name answer what the test says: a fixed list of
addresses, or a function of how many times the name was asked (DNS rebinding).
"""

from __future__ import annotations

import socket
from collections.abc import Callable, Mapping
from typing import Any

import anyio
import pytest

Answer = list[str] | Callable[[int], list[str]]


class FakeDns:
    def __init__(self, table: Mapping[str, Answer]) -> None:
        self.table = dict(table)
        self.asked: dict[str, int] = {}

    def answer(self, name: str) -> list[str] | None:
        key = name.lower().rstrip(".")
        entry = self.table.get(key)
        if entry is None:
            return None
        count = self.asked.get(key, 0)
        self.asked[key] = count + 1
        return entry(count) if callable(entry) else list(entry)


def install(monkeypatch: pytest.MonkeyPatch, table: Mapping[str, Answer]) -> FakeDns:
    """Answer `table`'s names from now on; every other name resolves as usual."""
    dns = FakeDns(table)
    real = anyio.getaddrinfo

    async def getaddrinfo(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        name = host.decode() if isinstance(host, bytes) else str(host)
        answers = dns.answer(name)
        if answers is None:
            return await real(host, port, *args, **kwargs)
        return [
            (
                socket.AF_INET6 if ":" in ip else socket.AF_INET,
                socket.SOCK_STREAM,
                6,
                "",
                (ip, port or 0, 0, 0) if ":" in ip else (ip, port or 0),
            )
            for ip in answers
        ]

    monkeypatch.setattr(anyio, "getaddrinfo", getaddrinfo)
    return dns
