"""appointments: the party size a caller booked for

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-06 10:00:00.000000

A restaurant table for four and a table for two take the same slot but not the same table;
the business needs the number, and the booking tool refuses a group larger than the
business's stated maximum. Rows from before stay empty (a party size nobody asked for).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("appointments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("party_size", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("appointments", schema=None) as batch_op:
        batch_op.drop_column("party_size")
