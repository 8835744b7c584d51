"""conversations: the number a phone call came from

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-07 09:00:00.000000

Phone calls (Twilio Media Streams, LiveKit SIP) know the caller's number from the network:
it is shown on the transcript, offered to the lead and booking tools, and proves that a
booking made with it is the caller's. Browser and widget conversations have none.
A hand-off on the phone puts the caller through: the number is kept with the call.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("conversations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("caller_number", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("transfer_to", sa.String(length=32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("conversations", schema=None) as batch_op:
        batch_op.drop_column("transfer_to")
        batch_op.drop_column("caller_number")
