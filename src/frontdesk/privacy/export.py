"""The workspace export: one ZIP of JSON lines, one file per table, written as it is read.

Rows are read in batches from server-side cursors (PostgreSQL) and each compressed piece of
the archive is sent as soon as it exists, so a workspace with a million turns costs the
server a few batches of memory, not the whole archive. ZIP allows this: an entry's sizes
and checksum may follow its data, and the index comes at the end. On PostgreSQL the export
reads one snapshot (REPEATABLE READ), so its files agree with each other.

Secrets never leave: the workspace's provider keys, webhook signing secrets, the CalDAV
password and MCP headers and environment are written as "[masked]" (or null when unset);
password hashes, API key hashes, server file paths and embedding vectors are left out.
"""

from __future__ import annotations

import json
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, select
from sqlalchemy.orm import Session, sessionmaker

from frontdesk.db import transaction
from frontdesk.knowledge.vector_store import VectorStore, source_gen
from frontdesk.models import (
    Agent,
    ApiKey,
    Appointment,
    CalendarConnection,
    CallerDeletion,
    CallerMessage,
    Conversation,
    ConversationTurn,
    Exam,
    Interview,
    KnowledgeGap,
    KnowledgeGapQuestion,
    KnowledgeSource,
    Lead,
    McpServer,
    PhoneNumber,
    User,
    WebhookEndpoint,
    Workspace,
)
from frontdesk.workspace.schemas import workspace_public

FORMAT_VERSION = 1
MASKED = "[masked]"
BATCH_ROWS = 500
# Hand the client what is compressed once it passes this; small enough to keep memory flat.
FLUSH_BYTES = 256 * 1024
CHUNK_PAGE = 200


def _masked(value: Any) -> Any:
    return MASKED if value else None


def _masked_values(value: Any) -> Any:
    return {key: MASKED for key in (value or {})}


@dataclass(frozen=True)
class Table:
    file: str
    model: type
    # Which rows are the workspace's (turns have no workspace column of their own).
    scope: Callable[[str], Select[Any]]
    leave_out: frozenset[str] = frozenset()
    mask: dict[str, Callable[[Any], Any]] = field(default_factory=dict)


def _own(model: Any) -> Callable[[str], Select[Any]]:
    def scope(workspace_id: str) -> Select[Any]:
        return (
            select(model.__table__)
            .where(model.workspace_id == workspace_id)
            .order_by(model.created_at, model.id)
        )

    return scope


def _turns(workspace_id: str) -> Select[Any]:
    return (
        select(ConversationTurn.__table__)
        .join(Conversation, Conversation.id == ConversationTurn.conversation_id)
        .where(Conversation.workspace_id == workspace_id)
        .order_by(ConversationTurn.conversation_id, ConversationTurn.seq)
    )


TABLES = (
    Table("members.jsonl", User, _own(User), frozenset({"password_hash"})),
    Table("api_keys.jsonl", ApiKey, _own(ApiKey), frozenset({"key_hash"})),
    Table("agents.jsonl", Agent, _own(Agent)),
    Table(
        "knowledge_sources.jsonl",
        KnowledgeSource,
        _own(KnowledgeSource),
        frozenset({"file_path", "claimed_by", "heartbeat_at"}),
    ),
    Table("interviews.jsonl", Interview, _own(Interview)),
    Table("conversations.jsonl", Conversation, _own(Conversation)),
    Table("conversation_turns.jsonl", ConversationTurn, _turns),
    Table("leads.jsonl", Lead, _own(Lead)),
    Table("appointments.jsonl", Appointment, _own(Appointment)),
    Table("messages.jsonl", CallerMessage, _own(CallerMessage)),
    Table("exams.jsonl", Exam, _own(Exam)),
    Table("knowledge_gaps.jsonl", KnowledgeGap, _own(KnowledgeGap), frozenset({"centroid"})),
    Table(
        "knowledge_gap_questions.jsonl",
        KnowledgeGapQuestion,
        _own(KnowledgeGapQuestion),
        frozenset({"embedding"}),
    ),
    Table(
        "webhook_endpoints.jsonl",
        WebhookEndpoint,
        _own(WebhookEndpoint),
        mask={"secret": _masked, "previous_secret": _masked},
    ),
    Table(
        "calendar_connections.jsonl",
        CalendarConnection,
        _own(CalendarConnection),
        mask={"password": _masked},
    ),
    Table(
        "mcp_servers.jsonl",
        McpServer,
        _own(McpServer),
        mask={"headers": _masked_values, "env": _masked_values},
    ),
    Table("caller_deletions.jsonl", CallerDeletion, _own(CallerDeletion)),
    Table("phone_numbers.jsonl", PhoneNumber, _own(PhoneNumber)),
)


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        # SQLite hands back naive datetimes for UTC columns.
        return (value if value.tzinfo else value.replace(tzinfo=UTC)).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON")


def _line(row: dict[str, Any]) -> bytes:
    return json.dumps(row, default=_plain, ensure_ascii=False).encode() + b"\n"


class _Outbox:
    """Where the archive writes: collects bytes until the generator hands them on. Having
    no `seek` makes zipfile write each entry's sizes after its data instead of going back."""

    def __init__(self) -> None:
        self._parts: list[bytes] = []
        self.pending = 0
        self.position = 0

    def write(self, data: bytes) -> int:
        self._parts.append(bytes(data))
        self.pending += len(data)
        self.position += len(data)
        return len(data)

    def tell(self) -> int:
        return self.position

    def flush(self) -> None:
        pass

    def take(self) -> bytes:
        data = b"".join(self._parts)
        self._parts.clear()
        self.pending = 0
        return data


def _rows(db: Session, table: Table, workspace_id: str) -> Iterator[dict[str, Any]]:
    result = db.execute(table.scope(workspace_id).execution_options(yield_per=BATCH_ROWS))
    for row in result.mappings():
        out = {key: value for key, value in row.items() if key not in table.leave_out}
        for key, hide in table.mask.items():
            out[key] = hide(out.get(key))
        yield out


def _chunks(db: Session, store: VectorStore, workspace_id: str) -> Iterator[dict[str, Any]]:
    """The text each live source was cut into, from the vector store, in reading order."""
    live: ColumnElement[bool] = KnowledgeSource.active_generation.is_not(None)
    sources = db.execute(
        select(KnowledgeSource.id, KnowledgeSource.agent_id, KnowledgeSource.active_generation)
        .where(KnowledgeSource.workspace_id == workspace_id, live)
        .order_by(KnowledgeSource.created_at, KnowledgeSource.id)
    ).all()
    for source_id, agent_id, generation in sources:
        if generation is None:
            continue
        offset = 0
        while True:
            total, page = store.source_chunks(
                agent_id, source_gen(source_id, generation), limit=CHUNK_PAGE, offset=offset
            )
            for chunk in page:
                yield {
                    "source_id": source_id,
                    "agent_id": agent_id,
                    "generation": generation,
                    "chunk_id": chunk.id,
                    "url": chunk.metadata.get("url"),
                    "text": chunk.text,
                    "metadata": chunk.metadata,
                }
            offset += CHUNK_PAGE
            if not page or offset >= total:
                break


def _workspace(db: Session, workspace_id: str) -> dict[str, Any]:
    workspace = db.get(Workspace, workspace_id)
    if workspace is None:
        return {}
    shown = workspace_public(workspace.id, workspace.name, workspace.settings or {})
    return {
        "id": workspace.id,
        "name": workspace.name,
        "created_at": _plain(workspace.created_at),
        "transcript_retention_days": workspace.transcript_retention_days,
        # Secrets as {"set", "hint"}: the dashboard's own view of them, no more.
        "settings": shown.settings.model_dump(mode="json"),
    }


def export_filename(now: datetime) -> str:
    return f"frontdesk-export-{now:%Y-%m-%d}.zip"


def workspace_zip(
    sessions: sessionmaker[Session],
    store: VectorStore,
    workspace_id: str,
    *,
    now: datetime | None = None,
) -> Iterator[bytes]:
    """The archive, piece by piece: workspace.json, one .jsonl per table, knowledge_chunks
    .jsonl, and manifest.json last (its counts are known only once everything is written)."""
    now = now or datetime.now(UTC)
    out = _Outbox()
    counts: dict[str, int] = {}
    with (
        transaction(sessions) as db,
        zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive,  # type: ignore[call-overload]
    ):
        if db.get_bind().dialect.name == "postgresql":
            db.connection(execution_options={"isolation_level": "REPEATABLE READ"})
        archive.writestr("workspace.json", json.dumps(_workspace(db, workspace_id), indent=2))
        sources: list[tuple[str, Iterator[dict[str, Any]]]] = [
            (table.file, _rows(db, table, workspace_id)) for table in TABLES
        ]
        sources.append(("knowledge_chunks.jsonl", _chunks(db, store, workspace_id)))
        for name, rows in sources:
            written = 0
            # Sizes unknown in advance: zip64 headers, or an entry over 2 GiB would fail.
            with archive.open(name, "w", force_zip64=True) as entry:
                for row in rows:
                    entry.write(_line(row))
                    written += 1
                    if out.pending >= FLUSH_BYTES:
                        yield out.take()
            counts[name] = written
            if out.pending:
                yield out.take()
        manifest = {
            "format_version": FORMAT_VERSION,
            "workspace_id": workspace_id,
            "exported_at": now.isoformat(),
            "counts": counts,
            "secrets": f'masked as "{MASKED}" or {{"set", "hint"}}; never exported',
        }
        archive.writestr("manifest.json", json.dumps(manifest, indent=2))
    yield out.take()
