"""calendar feed secrets

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-05 15:00:00.000000

An agent's ICS feed address was an HMAC of the agent id alone, so it could never be revoked.
Each agent now has a random secret in `calendar_feeds`; no row means no feed, so every
address handed out before this revision stops working (they may have been written to access
logs) and the dashboard shows a new one.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "calendar_feeds",
        sa.Column("agent_id", sa.String(length=32), nullable=False),
        sa.Column("secret", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["agent_id"],
            ["agents.id"],
            name=op.f("fk_calendar_feeds_agent_id_agents"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("agent_id", name=op.f("pk_calendar_feeds")),
    )


def downgrade() -> None:
    op.drop_table("calendar_feeds")
