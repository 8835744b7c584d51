"""retention and deletion

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-26 20:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("workspaces", schema=None) as batch_op:
        batch_op.add_column(sa.Column("transcript_retention_days", sa.Integer(), nullable=True))
    with op.batch_alter_table("conversations", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("transcript_deleted_at", sa.DateTime(timezone=True), nullable=True)
        )
    op.create_table(
        "caller_deletions",
        sa.Column("workspace_id", sa.String(length=32), nullable=False),
        sa.Column("requested_by", sa.String(length=32), nullable=True),
        sa.Column("requested_via", sa.String(length=20), nullable=False),
        sa.Column("phone_hash", sa.String(length=64), nullable=True),
        sa.Column("email_hash", sa.String(length=64), nullable=True),
        sa.Column("counts", sa.JSON(), nullable=False),
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["requested_by"],
            ["users.id"],
            name=op.f("fk_caller_deletions_requested_by_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_caller_deletions_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_caller_deletions")),
    )
    with op.batch_alter_table("caller_deletions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_caller_deletions_workspace_id"), ["workspace_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("caller_deletions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_caller_deletions_workspace_id"))
    op.drop_table("caller_deletions")
    with op.batch_alter_table("conversations", schema=None) as batch_op:
        batch_op.drop_column("transcript_deleted_at")
    with op.batch_alter_table("workspaces", schema=None) as batch_op:
        batch_op.drop_column("transcript_retention_days")
