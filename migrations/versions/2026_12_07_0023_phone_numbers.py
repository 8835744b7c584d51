"""phone_numbers: business numbers answered through LiveKit SIP

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-07 10:00:00.000000

An owner adds a phone number to an agent; Frontdesk creates the inbound trunk and the
dispatch rule for it in the LiveKit project and keeps their ids here to remove them again.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "phone_numbers",
        sa.Column("workspace_id", sa.String(length=32), nullable=False),
        sa.Column("agent_id", sa.String(length=32), nullable=False),
        sa.Column("number", sa.String(length=32), nullable=False),
        sa.Column("livekit_project", sa.String(length=200), nullable=False),
        sa.Column("trunk_id", sa.String(length=64), nullable=False),
        sa.Column("dispatch_rule_id", sa.String(length=64), nullable=False),
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["agent_id"],
            ["agents.id"],
            name=op.f("fk_phone_numbers_agent_id_agents"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_phone_numbers_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_phone_numbers")),
        sa.UniqueConstraint(
            "livekit_project", "number", name=op.f("uq_phone_numbers_livekit_project")
        ),
    )
    with op.batch_alter_table("phone_numbers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_phone_numbers_agent_id"), ["agent_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_phone_numbers_workspace_id"), ["workspace_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("phone_numbers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_phone_numbers_workspace_id"))
        batch_op.drop_index(batch_op.f("ix_phone_numbers_agent_id"))
    op.drop_table("phone_numbers")
