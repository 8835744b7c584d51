"""conversations: when an agent worker answered a LiveKit call

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-07 05:00:00.000000

A LiveKit call that no worker takes (none registered, all full, or under another agent
name) used to stay "active" until a webhook said the caller left, and with no webhooks
configured, for good. The worker now stamps the call when it takes it, and calls still
unanswered after a timeout are ended. Calls from before have no stamp.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("conversations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("answered_by", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("conversations", schema=None) as batch_op:
        batch_op.drop_column("answered_by")
        batch_op.drop_column("answered_at")
