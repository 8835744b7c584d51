from __future__ import annotations

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from frontdesk.models.base import Base, IdMixin, TimestampMixin


class PhoneNumber(IdMixin, TimestampMixin, Base):
    """A business phone number answered by an agent through LiveKit SIP: the inbound trunk
    that accepts calls to it and the dispatch rule that sends them to the agent worker."""

    __tablename__ = "phone_numbers"
    # One LiveKit project routes a number to one agent.
    __table_args__ = (UniqueConstraint("livekit_project", "number"),)

    workspace_id: Mapped[str] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), index=True
    )
    agent_id: Mapped[str] = mapped_column(ForeignKey("agents.id", ondelete="CASCADE"), index=True)
    number: Mapped[str] = mapped_column(String(32))  # E.164
    # The API key of the LiveKit project the trunk and rule live in.
    livekit_project: Mapped[str] = mapped_column(String(200))
    trunk_id: Mapped[str] = mapped_column(String(64))
    dispatch_rule_id: Mapped[str] = mapped_column(String(64))
