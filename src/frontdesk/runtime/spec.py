"""AgentSpec: everything the runtime needs to know about one agent, as plain data."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from frontdesk.runtime.catalog import TOOL_NAMES
from frontdesk.runtime.mcp_spec import McpServerSpec


@dataclass(frozen=True)
class AgentSpec:
    agent_id: str
    workspace_id: str
    name: str
    persona_name: str
    instructions: str
    greeting: str
    timezone: str
    hours_text: str
    business_facts: dict[str, Any] = field(default_factory=dict)
    appointment_types: list[dict[str, Any]] = field(default_factory=list)
    enabled_tools: tuple[str, ...] = TOOL_NAMES
    # Enabled MCP servers only; their tools join the enabled built-in ones.
    mcp_servers: tuple[McpServerSpec, ...] = ()
    # ISO 3166 alpha-2: how callers' phone numbers and short dates ("3/12") are read.
    country: str | None = None
    # Booking rules the business states (see scheduling.config.SchedulingConfig).
    max_party_size: int | None = None
    hold_minutes: int | None = None
    booking_rules: str = ""
    # A phone call: the caller's number as the network reports it (E.164; None when
    # withheld). Offered to the lead and booking tools; a human hand-off transfers the call.
    phone_call: bool = False
    caller_number: str | None = None

    def tool_enabled(self, name: str) -> bool:
        return name in self.enabled_tools
