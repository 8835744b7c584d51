"""knowledge gaps

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-26 13:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "knowledge_gaps",
        sa.Column("workspace_id", sa.String(length=32), nullable=False),
        sa.Column("agent_id", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("question", sa.String(length=500), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("first_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("centroid", sa.JSON(), nullable=False),
        sa.Column("embedder", sa.String(length=100), nullable=False),
        sa.Column("answer", sa.Text(), nullable=True),
        sa.Column("source_id", sa.String(length=32), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("dismissed_reason", sa.String(length=500), nullable=True),
        sa.Column("dismissed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("rerun_status", sa.String(length=20), nullable=True),
        sa.Column("rerun_results", sa.JSON(), nullable=False),
        sa.Column("rerun_error", sa.Text(), nullable=True),
        sa.Column("rerun_started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("rerun_finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["agent_id"],
            ["agents.id"],
            name=op.f("fk_knowledge_gaps_agent_id_agents"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["source_id"],
            ["knowledge_sources.id"],
            name=op.f("fk_knowledge_gaps_source_id_knowledge_sources"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_knowledge_gaps_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_knowledge_gaps")),
    )
    with op.batch_alter_table("knowledge_gaps", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_knowledge_gaps_agent_id"), ["agent_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_knowledge_gaps_status"), ["status"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_knowledge_gaps_workspace_id"), ["workspace_id"], unique=False
        )

    op.create_table(
        "knowledge_gap_questions",
        sa.Column("workspace_id", sa.String(length=32), nullable=False),
        sa.Column("agent_id", sa.String(length=32), nullable=False),
        sa.Column("gap_id", sa.String(length=32), nullable=False),
        sa.Column("conversation_id", sa.String(length=32), nullable=False),
        sa.Column("question", sa.String(length=500), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("asked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("embedding", sa.JSON(), nullable=False),
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["agent_id"],
            ["agents.id"],
            name=op.f("fk_knowledge_gap_questions_agent_id_agents"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversations.id"],
            name=op.f("fk_knowledge_gap_questions_conversation_id_conversations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["gap_id"],
            ["knowledge_gaps.id"],
            name=op.f("fk_knowledge_gap_questions_gap_id_knowledge_gaps"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_knowledge_gap_questions_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_knowledge_gap_questions")),
    )
    with op.batch_alter_table("knowledge_gap_questions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_knowledge_gap_questions_agent_id"), ["agent_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_knowledge_gap_questions_conversation_id"),
            ["conversation_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_knowledge_gap_questions_gap_id"), ["gap_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_knowledge_gap_questions_workspace_id"), ["workspace_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("knowledge_gap_questions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_knowledge_gap_questions_workspace_id"))
        batch_op.drop_index(batch_op.f("ix_knowledge_gap_questions_gap_id"))
        batch_op.drop_index(batch_op.f("ix_knowledge_gap_questions_conversation_id"))
        batch_op.drop_index(batch_op.f("ix_knowledge_gap_questions_agent_id"))
    op.drop_table("knowledge_gap_questions")
    with op.batch_alter_table("knowledge_gaps", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_knowledge_gaps_workspace_id"))
        batch_op.drop_index(batch_op.f("ix_knowledge_gaps_status"))
        batch_op.drop_index(batch_op.f("ix_knowledge_gaps_agent_id"))
    op.drop_table("knowledge_gaps")
