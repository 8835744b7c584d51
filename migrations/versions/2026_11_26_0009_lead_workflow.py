"""lead workflow

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-26 18:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("leads", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("status", sa.String(length=20), server_default="new", nullable=False)
        )
        batch_op.add_column(sa.Column("score", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("category", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("score_reason", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("owner_notes", sa.Text(), nullable=True))
        batch_op.create_index(batch_op.f("ix_leads_status"), ["status"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("leads", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_leads_status"))
        batch_op.drop_column("owner_notes")
        batch_op.drop_column("score_reason")
        batch_op.drop_column("category")
        batch_op.drop_column("score")
        batch_op.drop_column("status")
