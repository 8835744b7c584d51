from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, String, Text, false, text, true
from sqlalchemy.orm import Mapped, mapped_column

from frontdesk.models.base import Base, IdMixin, TimestampMixin


class McpServer(IdMixin, TimestampMixin, Base):
    """An MCP server whose tools an agent may call, reached over HTTP or run over stdio."""

    __tablename__ = "mcp_servers"

    workspace_id: Mapped[str] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), index=True
    )
    agent_id: Mapped[str] = mapped_column(ForeignKey("agents.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    transport: Mapped[str] = mapped_column(String(10))  # "http" | "stdio"
    url: Mapped[str | None] = mapped_column(String(2000), nullable=True)
    # Sent with every HTTP request (e.g. Authorization). Secrets: never returned by the API.
    headers: Mapped[dict[str, str]] = mapped_column(JSON, default=dict, server_default=text("'{}'"))
    command: Mapped[str | None] = mapped_column(String(500), nullable=True)
    args: Mapped[list[str]] = mapped_column(JSON, default=list, server_default=text("'[]'"))
    # Set for the stdio program on top of a minimal environment; may hold secrets too.
    env: Mapped[dict[str, str]] = mapped_column(JSON, default=dict, server_default=text("'{}'"))
    enabled: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    # Tools the owner switched off by name; new tools the server adds later are on.
    disabled_tools: Mapped[list[str]] = mapped_column(
        JSON, default=list, server_default=text("'[]'")
    )
    # Whether the server's tools reach anonymous callers (the public widget): all of them
    # when `safe_for_callers`, else only those named in `caller_safe_tools`. The dashboard,
    # the owner's test calls and API keys get every tool that is switched on.
    safe_for_callers: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    caller_safe_tools: Mapped[list[str]] = mapped_column(
        JSON, default=list, server_default=text("'[]'")
    )
    # What the server offered when last reached: [{"name", "description"}].
    tools: Mapped[list[dict[str, Any]]] = mapped_column(
        JSON, default=list, server_default=text("'[]'")
    )
    # "unchecked" until first reached, then "ok" or "failed" (with last_error saying why).
    status: Mapped[str] = mapped_column(String(20), default="unchecked", server_default="unchecked")
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    checked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
