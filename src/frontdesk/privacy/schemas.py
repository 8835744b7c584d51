"""What the privacy endpoints take and answer."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, model_validator

MAX_RETENTION_DAYS = 3650


class RetentionSettings(BaseModel):
    transcript_retention_days: int | None = Field(
        default=None,
        ge=1,
        le=MAX_RETENTION_DAYS,
        description=(
            "Days after a conversation ends before its transcript is deleted (1 to 3650); "
            "null keeps transcripts for good."
        ),
    )


class RetentionPublic(RetentionSettings):
    transcripts_due: int = Field(
        description="Ended conversations past the period whose transcript the next hourly "
        "run will delete (0 when transcripts are kept for good)."
    )
    transcripts_deleted: int = Field(
        description="Conversations whose transcript the retention period has deleted so far."
    )


class CallerDeletionRequest(BaseModel):
    phone: str | None = Field(default=None, max_length=40, description="As the caller gave it")
    email: str | None = Field(default=None, max_length=320)
    dry_run: bool = Field(
        default=False, description="Only count what would be deleted; nothing changes."
    )

    @model_validator(mode="after")
    def _something_to_match(self) -> CallerDeletionRequest:
        if not (self.phone or "").strip() and not (self.email or "").strip():
            raise ValueError("Give the caller's phone number, their email, or both.")
        return self


class DeletionCounts(BaseModel):
    leads: int
    conversations: int
    transcript_turns: int
    messages: int
    appointments: int
    appointments_cancelled: int = Field(
        description="Of the appointments, those still to come: cancelled first (calendar "
        "and webhooks told) and then deleted.",
    )
    knowledge_gap_questions: int
    webhook_log_entries: int


class CallerDeletionResult(BaseModel):
    dry_run: bool
    id: str | None = Field(description="The audit record's id; null for a dry run.")
    counts: DeletionCounts


class CallerDeletionPublic(BaseModel):
    """One audit record: what was deleted, when and by whom; never the phone or email."""

    model_config = ConfigDict(from_attributes=True)

    id: str
    created_at: datetime
    requested_by: str | None
    requested_by_email: str | None = None
    requested_via: str
    matched_phone: bool
    matched_email: bool
    counts: DeletionCounts
