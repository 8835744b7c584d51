from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from frontdesk.models.base import Base, IdMixin, TimestampMixin


class CallerDeletion(IdMixin, TimestampMixin, Base):
    """The audit record of one caller's data deleted on request (privacy/caller_deletion.py).

    It keeps what was deleted, when and by whom, but never the caller's phone or email
    themselves: only keyed hashes, so the owner can later show that a given number was
    handled without the record bringing the number back.
    """

    __tablename__ = "caller_deletions"

    workspace_id: Mapped[str] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), index=True
    )
    requested_by: Mapped[str | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), nullable=True
    )
    # "session" or "api_key": an API key has no user, so this says who acted all the same.
    requested_via: Mapped[str] = mapped_column(String(20))
    phone_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)
    email_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)
    # {"leads": 2, "conversations": 1, ...}: what the request removed, by kind.
    counts: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
