"""mcp tools for anonymous callers

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-05 15:30:00.000000

An MCP server's tools reach anonymous callers (the public widget) only when the owner marks
the server, or single tools, safe for callers. Existing servers start unmarked: they keep
serving the dashboard, the owner's test calls and API keys, and stop reaching the widget
until the owner decides.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("mcp_servers") as batch:
        batch.add_column(
            sa.Column("safe_for_callers", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch.add_column(
            sa.Column(
                "caller_safe_tools", sa.JSON(), server_default=sa.text("'[]'"), nullable=False
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("mcp_servers") as batch:
        batch.drop_column("caller_safe_tools")
        batch.drop_column("safe_for_callers")
