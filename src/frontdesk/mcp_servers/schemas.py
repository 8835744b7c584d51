from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from frontdesk.timestamps import UtcDatetime

# Header values and environment values may be secrets: the API shows them like this, and a
# value sent back exactly as shown keeps what is stored.
MASK = "••••"


def masked(value: str) -> str:
    """A stored secret as the dashboard shows it: the last four characters of a long one."""
    return f"{MASK}{value[-4:]}" if len(value) >= 12 else MASK


class McpToolPublic(BaseModel):
    name: str
    description: str
    enabled: bool = Field(description="False when the owner switched this tool off")
    safe_for_callers: bool = Field(
        description="True when anonymous callers (the public widget) are offered this tool"
    )


class McpServerPublic(BaseModel):
    id: str
    agent_id: str
    name: str
    transport: str = Field(description="http or stdio")
    url: str | None
    headers: dict[str, str] = Field(description="Header names with their values masked")
    command: str | None
    args: list[str]
    env: dict[str, str] = Field(description="Variable names with their values masked")
    enabled: bool
    disabled_tools: list[str]
    safe_for_callers: bool = Field(
        description="Every tool of this server reaches anonymous callers (the public widget)"
    )
    caller_safe_tools: list[str] = Field(
        description="Tools marked safe for anonymous callers one by one"
    )
    tools: list[McpToolPublic] = Field(description="The tools the server offered when last reached")
    status: str = Field(description="unchecked, ok or failed")
    last_error: str | None = Field(description="Why the server could not be used, when failed")
    checked_at: UtcDatetime | None
    created_at: UtcDatetime
    updated_at: UtcDatetime


class McpServerCreate(BaseModel):
    """An HTTP server needs `url` (headers optional); a stdio server needs `command`."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=100)
    transport: str = Field(description="http (a URL) or stdio (a program on this machine)")
    url: str | None = Field(default=None, max_length=2000)
    headers: dict[str, str] = Field(default_factory=dict, description="e.g. Authorization")
    command: str | None = Field(default=None, max_length=500)
    args: list[str] = Field(default_factory=list, max_length=50)
    env: dict[str, str] = Field(default_factory=dict)
    enabled: bool = True
    disabled_tools: list[str] = Field(default_factory=list, max_length=200)
    safe_for_callers: bool = Field(
        default=False,
        description="Offer every tool to anonymous callers (the public widget) too; by default "
        "only the dashboard, the owner's test calls and API keys get them",
    )
    caller_safe_tools: list[str] = Field(
        default_factory=list,
        max_length=200,
        description="Tools offered to anonymous callers when the whole server is not",
    )


class McpServerUpdate(BaseModel):
    """Only the fields sent change. `headers` and `env` replace the stored ones; a value sent
    back masked, exactly as the API showed it, keeps the stored value."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(default=None, min_length=1, max_length=100)
    url: str | None = Field(default=None, max_length=2000)
    headers: dict[str, str] | None = None
    command: str | None = Field(default=None, max_length=500)
    args: list[str] | None = Field(default=None, max_length=50)
    env: dict[str, str] | None = None
    enabled: bool | None = None
    disabled_tools: list[str] | None = Field(default=None, max_length=200)
    safe_for_callers: bool | None = None
    caller_safe_tools: list[str] | None = Field(default=None, max_length=200)
