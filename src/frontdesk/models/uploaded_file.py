from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from frontdesk.models.base import Base, utcnow


class UploadedFile(Base):
    """The bytes of an uploaded document, kept in the database beside its source.

    Every API process and job worker reads the same database, so a file uploaded to one
    API process is read by a worker on another machine, and again by a later re-read;
    nothing depends on which machine's disk took the upload. Uploads are capped
    (FRONTDESK_MAX_UPLOAD_MB), so one row stays a few megabytes."""

    __tablename__ = "uploaded_files"

    source_id: Mapped[str] = mapped_column(
        String(32), ForeignKey("knowledge_sources.id", ondelete="CASCADE"), primary_key=True
    )
    data: Mapped[bytes] = mapped_column(LargeBinary)
    size: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
