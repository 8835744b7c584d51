from __future__ import annotations

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from frontdesk.models.base import Base, IdMixin, TimestampMixin


class Workspace(IdMixin, TimestampMixin, Base):
    """A business (or agency) account; every resource belongs to exactly one."""

    __tablename__ = "workspaces"

    name: Mapped[str] = mapped_column(String(200))
