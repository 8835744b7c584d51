from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field


class CheckPublic(BaseModel):
    ok: bool
    backend: str = Field(
        description='What was checked: "sqlite" or "postgresql", "chroma embedded" or '
        '"chroma server", "redis" or "sqlite" (the queue file).'
    )
    ms: float = Field(description="How long the check took, in milliseconds.")
    error: str | None = Field(default=None, description="Why the check failed.")


class ReadinessPublic(BaseModel):
    status: Literal["ready"]
    checks: dict[str, CheckPublic] = Field(
        description="One entry per check: database, vector_store, queue."
    )
