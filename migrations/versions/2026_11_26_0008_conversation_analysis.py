"""conversation analysis

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-26 12:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("conversations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("summary", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("outcome", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("caller_details", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("unanswered", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("analyzed_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("analysis_error", sa.Text(), nullable=True))
        batch_op.create_index(batch_op.f("ix_conversations_outcome"), ["outcome"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("conversations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_conversations_outcome"))
        batch_op.drop_column("analysis_error")
        batch_op.drop_column("analyzed_at")
        batch_op.drop_column("unanswered")
        batch_op.drop_column("caller_details")
        batch_op.drop_column("outcome")
        batch_op.drop_column("summary")
