"""uploaded files in the database

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-26 12:30:00.000000

Uploaded documents move from the API process's data directory into the database, so any
worker on any machine can read them. Files already on this machine's disk are copied in;
a file that is gone stays gone (its source says so when it is read again).
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    files = op.create_table(
        "uploaded_files",
        sa.Column("source_id", sa.String(length=32), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["source_id"],
            ["knowledge_sources.id"],
            name=op.f("fk_uploaded_files_source_id_knowledge_sources"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("source_id", name=op.f("pk_uploaded_files")),
    )
    connection = op.get_bind()
    sources = connection.execute(
        sa.text(
            "SELECT id, file_path FROM knowledge_sources "
            "WHERE kind = 'file' AND file_path IS NOT NULL"
        )
    )
    now = datetime.now(UTC)
    for source_id, file_path in sources.fetchall():
        path = Path(file_path)
        if path.is_file():
            data = path.read_bytes()
            op.bulk_insert(
                files,
                [{"source_id": source_id, "data": data, "size": len(data), "created_at": now}],
            )


def downgrade() -> None:
    op.drop_table("uploaded_files")
