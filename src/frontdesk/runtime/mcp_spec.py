"""An agent's MCP servers as plain data: what the spec carries and what a connection finds.

Kept apart from `mcp_tools` so the spec and the services' ports do not import the MCP SDK.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class McpServerSpec:
    """One MCP server as the runtime needs it: plain data, loaded with the agent's spec."""

    server_id: str
    name: str
    transport: str  # "http" | "stdio"
    url: str = ""
    headers: Mapping[str, str] = field(default_factory=dict)
    command: str = ""
    args: tuple[str, ...] = ()
    env: Mapping[str, str] = field(default_factory=dict)
    disabled_tools: frozenset[str] = frozenset()
    timeout_s: float = 5.0
    # Hosts an HTTP server may be on although they resolve to non-public addresses (the
    # operator's FRONTDESK_OUTBOUND_ALLOWED_HOSTS); every connection is checked against it.
    allowed_hosts: tuple[str, ...] = ()
    # For a conversation with an anonymous caller: only these tools are offered (the ones
    # the owner marked safe for callers). None: every tool that is not switched off.
    only_tools: frozenset[str] | None = None


@dataclass(frozen=True)
class McpToolInfo:
    name: str
    description: str


@dataclass(frozen=True)
class McpServerReport:
    """What one connection attempt found: the tools offered, or why it failed."""

    server_id: str
    tools: tuple[McpToolInfo, ...] = ()
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None
