"""Chroma access: one collection per agent, our own embeddings always passed in.

Chroma's default embedding function downloads a model, so every collection is created with
`embedding_function=None` and every write and query carries vectors computed by Frontdesk's
embedder. Chunks carry `source_gen` = "<source id>:<generation>" so a search can be limited to
the generations that are live, which is what makes a re-crawl's swap atomic.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlparse

import chromadb
import numpy as np
from chromadb.api import ClientAPI
from chromadb.config import Settings as ChromaSettings

from frontdesk.config import Settings


@dataclass(frozen=True)
class StoredChunk:
    id: str
    text: str
    metadata: dict[str, Any]
    distance: float | None = None


def source_gen(source_id: str, generation: int) -> str:
    return f"{source_id}:{generation}"


def connect_chroma(settings: Settings) -> ClientAPI:
    """PersistentClient in the data dir by default, a Chroma server when a URL is set."""
    chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    if settings.chroma_url:
        parsed = urlparse(settings.chroma_url)
        return chromadb.HttpClient(
            host=parsed.hostname or "127.0.0.1",
            port=parsed.port or (443 if parsed.scheme == "https" else 8000),
            ssl=parsed.scheme == "https",
            settings=chroma_settings,
        )
    settings.chroma_path.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(settings.chroma_path), settings=chroma_settings)


class VectorStore:
    """The agent collections. Thread-safe: Chroma clients are, and so is our collection cache."""

    def __init__(self, client: ClientAPI) -> None:
        self.client = client
        self._lock = threading.Lock()

    @staticmethod
    def collection_name(agent_id: str) -> str:
        return f"agent_{agent_id}"

    def _collection(self, agent_id: str):  # type: ignore[no-untyped-def]
        with self._lock:
            return self.client.get_or_create_collection(
                self.collection_name(agent_id),
                embedding_function=None,
                configuration={"hnsw": {"space": "cosine"}},
            )

    def upsert(
        self,
        agent_id: str,
        ids: Sequence[str],
        embeddings: np.ndarray,
        documents: Sequence[str],
        metadatas: Sequence[dict[str, Any]],
    ) -> None:
        if not ids:
            return
        self._collection(agent_id).upsert(
            ids=list(ids),
            embeddings=embeddings,
            documents=list(documents),
            metadatas=list(metadatas),
        )

    def delete_where(self, agent_id: str, where: dict[str, Any]) -> None:
        self._collection(agent_id).delete(where=where)

    def query(
        self, agent_id: str, embedding: np.ndarray, n: int, source_gens: Sequence[str]
    ) -> list[StoredChunk]:
        if not source_gens:
            return []
        result = self._collection(agent_id).query(
            query_embeddings=embedding.reshape(1, -1),
            n_results=n,
            where=_in_gens(source_gens),
            include=["documents", "metadatas", "distances"],
        )
        ids = result["ids"][0]
        docs = (result["documents"] or [[]])[0]
        metas = (result["metadatas"] or [[]])[0]
        dists = (result["distances"] or [[]])[0]
        return [
            StoredChunk(id=i, text=d or "", metadata=dict(m or {}), distance=float(x))
            for i, d, m, x in zip(ids, docs, metas, dists, strict=True)
        ]

    def nearest_ids(self, agent_id: str, embedding: np.ndarray, n: int) -> list[tuple[str, float]]:
        """Ids and distances of the `n` nearest chunks, live or not, without a filter.

        Chroma answers an unfiltered query from its HNSW index in a few milliseconds; a
        `where` filter costs ~50 ms on 10k chunks, so searchers filter afterwards instead.
        """
        result = self._collection(agent_id).query(
            query_embeddings=embedding.reshape(1, -1), n_results=n, include=["distances"]
        )
        dists = (result["distances"] or [[]])[0]
        return [(i, float(d)) for i, d in zip(result["ids"][0], dists, strict=True)]

    def chunks(self, agent_id: str, source_gens: Sequence[str]) -> list[StoredChunk]:
        """Every live chunk of an agent (used to build its keyword index)."""
        if not source_gens:
            return []
        result = self._collection(agent_id).get(
            where=_in_gens(source_gens), include=["documents", "metadatas"]
        )
        docs = result["documents"] or []
        metas = result["metadatas"] or []
        return [
            StoredChunk(id=i, text=d or "", metadata=dict(m or {}))
            for i, d, m in zip(result["ids"], docs, metas, strict=True)
        ]

    def source_chunks(
        self, agent_id: str, source_gen_key: str, *, limit: int, offset: int
    ) -> tuple[int, list[StoredChunk]]:
        """One generation of a source in reading order (page by page, then as written):
        the number of chunks and the `limit` from `offset`.

        Chroma returns chunks in its own order, so the order is worked out from the
        metadata alone and only the page asked for is read with its text.
        """
        collection = self._collection(agent_id)
        metas = collection.get(where={"source_gen": source_gen_key}, include=["metadatas"])
        order = sorted(
            zip(metas["ids"], metas["metadatas"] or [], strict=True),
            key=lambda item: (str((item[1] or {}).get("url") or ""), _ordinal(item[1])),
        )
        page_ids = [chunk_id for chunk_id, _ in order[offset : offset + limit]]
        if not page_ids:
            return len(order), []
        found = collection.get(ids=page_ids, include=["documents", "metadatas"])
        by_id = {
            i: StoredChunk(id=i, text=d or "", metadata=dict(m or {}))
            for i, d, m in zip(
                found["ids"], found["documents"] or [], found["metadatas"] or [], strict=True
            )
        }
        return len(order), [by_id[i] for i in page_ids if i in by_id]

    def count(self, agent_id: str, where: dict[str, Any] | None = None) -> int:
        collection = self._collection(agent_id)
        if where is None:
            return collection.count()
        return len(collection.get(where=where, include=[])["ids"])

    def drop_agent(self, agent_id: str) -> None:
        with self._lock:
            try:
                self.client.delete_collection(self.collection_name(agent_id))
            except Exception as exc:  # noqa: BLE001 - Chroma raises differing types per backend
                if "does not exist" not in str(exc).lower() and "not found" not in str(exc).lower():
                    raise


def _ordinal(metadata: Mapping[str, Any] | None) -> int:
    value = (metadata or {}).get("ordinal")
    return value if isinstance(value, int) else 0


def _in_gens(source_gens: Sequence[str]) -> dict[str, Any]:
    return {"source_gen": {"$in": list(source_gens)}}
