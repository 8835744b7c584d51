"""dashboard and widget

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-26 06:00:00.000000
"""

from __future__ import annotations

import secrets

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("agents", schema=None) as batch_op:
        batch_op.add_column(sa.Column("public_key", sa.String(length=40), nullable=True))
        batch_op.add_column(
            sa.Column("widget", sa.JSON(), server_default=sa.text("'{}'"), nullable=False)
        )
    # Agents made before the widget existed get their key here, so the column can be required.
    agents = sa.table("agents", sa.column("id", sa.String), sa.column("public_key", sa.String))
    connection = op.get_bind()
    for (agent_id,) in connection.execute(sa.select(agents.c.id)).all():
        key = "pk_" + secrets.token_urlsafe(18)
        connection.execute(agents.update().where(agents.c.id == agent_id).values(public_key=key))
    with op.batch_alter_table("agents", schema=None) as batch_op:
        batch_op.alter_column("public_key", existing_type=sa.String(length=40), nullable=False)
        batch_op.create_unique_constraint(batch_op.f("uq_agents_public_key"), ["public_key"])
    with op.batch_alter_table("conversations", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("source", sa.String(length=20), server_default="owner", nullable=False)
        )
    with op.batch_alter_table("workspaces", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("settings", sa.JSON(), server_default=sa.text("'{}'"), nullable=False)
        )
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("name", sa.String(length=200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("name")
    with op.batch_alter_table("workspaces", schema=None) as batch_op:
        batch_op.drop_column("settings")
    with op.batch_alter_table("conversations", schema=None) as batch_op:
        batch_op.drop_column("source")
    with op.batch_alter_table("agents", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_agents_public_key"), type_="unique")
        batch_op.drop_column("widget")
        batch_op.drop_column("public_key")
