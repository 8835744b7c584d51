"""knowledge gap questions: why a question is a gap

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-06 12:00:00.000000

The grounding check withholds a sentence whose claims nothing supports; the caller's
question then becomes a gap of kind "unsupported" whose reason names those claims
("unsupported: $50 per pound"). Questions from before have no reason.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("knowledge_gap_questions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reason", sa.String(length=300), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("knowledge_gap_questions", schema=None) as batch_op:
        batch_op.drop_column("reason")
