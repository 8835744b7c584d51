from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Float, ForeignKey, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from frontdesk.models.base import Base, IdMixin, TimestampMixin

AGENT_STATUSES = ("draft", "ingesting", "interviewing", "ready", "deployed", "paused")


def new_public_key() -> str:
    """The widget's key: public by design (it sits in the business's page source), so it can
    only open conversations of its one agent, from the agent's allowed origins."""
    return "pk_" + secrets.token_urlsafe(18)


class Agent(IdMixin, TimestampMixin, Base):
    __tablename__ = "agents"

    workspace_id: Mapped[str] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    website_url: Mapped[str | None] = mapped_column(String(2048), nullable=True)
    status: Mapped[str] = mapped_column(String(20), default="draft", index=True)
    # Bumped whenever the set of searchable chunks changes; keyword indexes cached in any
    # process compare it to know they are stale.
    kb_version: Mapped[int] = mapped_column(Integer, default=0)

    # What the receptionist says and knows beyond the knowledge base. Free-form JSON is
    # validated by pydantic schemas on the way in (agents/schemas.py, scheduling/config.py).
    persona_name: Mapped[str | None] = mapped_column(String(100), nullable=True)
    instructions: Mapped[str | None] = mapped_column(Text, nullable=True)
    greeting: Mapped[str | None] = mapped_column(Text, nullable=True)
    business_facts: Mapped[dict[str, Any]] = mapped_column(
        JSON, default=dict, server_default=text("'{}'")
    )
    enabled_tools: Mapped[list[str] | None] = mapped_column(JSON, nullable=True)
    scheduling: Mapped[dict[str, Any]] = mapped_column(
        JSON, default=dict, server_default=text("'{}'")
    )

    # Set when the onboarding interview generated the agent: from then on it is "ready"
    # once its knowledge is searchable (before, "interviewing").
    onboarded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    # The values generation last wrote, by field: a field that differs now was edited by
    # the owner, and regenerating keeps it (unless asked to overwrite).
    generated: Mapped[dict[str, Any]] = mapped_column(
        JSON, default=dict, server_default=text("'{}'")
    )
    exam_score: Mapped[float | None] = mapped_column(Float, nullable=True)

    # The embeddable widget: its public key and its look and rules (widget/schemas.py).
    public_key: Mapped[str] = mapped_column(String(40), unique=True, default=new_public_key)
    widget: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict, server_default=text("'{}'"))
