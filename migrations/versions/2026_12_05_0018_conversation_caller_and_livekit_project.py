"""conversations: the widget caller's key and the LiveKit project of a call

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-05 15:00:00.000000

`caller_key` names the network a widget conversation came from (a keyed hash of the client
IP, never the IP), so one network's share of the daily minutes cap can be counted.
`livekit_project` is the API key of the LiveKit project a call's token was minted for: the
agent worker answers a dispatched call only on that project. Rows from before stay empty.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("conversations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("caller_key", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("livekit_project", sa.String(length=200), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_conversations_caller_key"), ["caller_key"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("conversations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_conversations_caller_key"))
        batch_op.drop_column("livekit_project")
        batch_op.drop_column("caller_key")
