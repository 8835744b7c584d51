"""Hybrid search: vectors for meaning, BM25 for exact names, prices and phone numbers.

The two ranked lists are fused with weighted reciprocal-rank fusion, which needs no score
calibration between a cosine distance and a BM25 score. The constants were measured on the
answer corpus's real caller questions (bench/corpus_retrieval.py; with and without the new
HTML reader) and on bench/retrieval.py: a small RRF_K lets the vectors' first places lead,
and the keyword list, weighted 0.4, lifts the chunk holding the exact name or number into
the top 3. Against the classic k=60 at equal weight: answer in the top 3 for 239 of 247
corpus questions instead of 229 (reader merged), 190 of 196 instead of 187 (before it), and
bench/retrieval.py --quick hit@1 1.0 instead of 0.975; any k from 1 to 5 with a weight from
0.3 to 0.5 is within two questions of that.

The keyword index is built from the agent's live chunks in Chroma and cached per (agent,
kb_version): any process that sees a newer version in the database rebuilds, so API servers
and workers never serve a stale index for long.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from frontdesk.knowledge.keyword_index import KeywordIndex
from frontdesk.knowledge.passage_pieces import in_context, pieces
from frontdesk.knowledge.vector_store import StoredChunk, VectorStore
from frontdesk.providers.embeddings.base import Embedder

# Reciprocal-rank fusion: score = 1/(RRF_K + vector rank) + KEYWORD_WEIGHT/(RRF_K + keyword
# rank); see the module docstring for how these were measured.
RRF_K = 3
KEYWORD_WEIGHT = 0.4
CANDIDATES = 30


@dataclass(frozen=True)
class SearchHit:
    chunk_id: str
    text: str
    score: float
    source_id: str
    source_kind: str
    url: str | None
    file_name: str | None
    title: str | None
    heading: str | None
    vector_rank: int | None
    keyword_rank: int | None
    # Cosine similarity to the question when the vector side ranked this chunk: an absolute
    # signal (unlike the fused rank score) for deciding that nothing relevant was found.
    similarity: float | None = None
    # Share of the question's words (weighted by rarity) that the chunk holds: the other
    # absolute signal, strong where MiniLM's cosine is weak (a short question against a long
    # chunk scores ~0.25 even when the chunk answers it).
    keyword_coverage: float = 0.0
    # The question's words that no chunk of this agent's knowledge holds (keyword_index).
    unseen_terms: tuple[str, ...] = ()
    # The highest cosine similarity of the question with one piece of the chunk (a sentence
    # or line, led by its label: passage_pieces): a chunk that answers in one line of many
    # scores low as a whole, but that line scores high on its own.
    sentence_similarity: float = 0.0
    # The similarity of each of those pieces, in the order `passage_pieces.pieces` gives
    # them: the line a question paraphrases ("be out of the room" of "Check-out is by
    # 10:30 am") scores high though it shares no word with it.
    piece_similarities: tuple[float, ...] = ()


@dataclass
class _CachedIndex:
    version: tuple[int, tuple[str, ...]]
    index: KeywordIndex
    chunks: dict[str, StoredChunk]
    # The vectors of each chunk's pieces, embedded the first time the chunk is a hit.
    piece_vectors: dict[str, np.ndarray] = field(default_factory=dict)


class HybridSearcher:
    def __init__(self, store: VectorStore, embedder: Embedder, cache_size: int = 16) -> None:
        self.store = store
        self.embedder = embedder
        self._cache: OrderedDict[str, _CachedIndex] = OrderedDict()
        self._cache_size = cache_size
        self._lock = threading.Lock()

    def search(
        self,
        agent_id: str,
        kb_version: int,
        source_gens: Sequence[str],
        query: str,
        k: int = 5,
    ) -> list[SearchHit]:
        if not source_gens or not query.strip():
            return []
        cached = self._keyword_index(agent_id, kb_version, source_gens)
        n = max(CANDIDATES, k * 3)
        embedding = self.embedder.embed_query(query)
        vector_hits = self._vector_candidates(agent_id, cached, embedding, n, source_gens)
        keyword_hits = cached.index.search(query, n)

        fused: dict[str, float] = {}
        vector_rank: dict[str, int] = {}
        keyword_rank: dict[str, int] = {}
        chunks: dict[str, StoredChunk] = {}
        for rank, chunk in enumerate(vector_hits, start=1):
            fused[chunk.id] = fused.get(chunk.id, 0.0) + 1.0 / (RRF_K + rank)
            vector_rank[chunk.id] = rank
            chunks[chunk.id] = chunk
        for rank, (chunk_id, _score) in enumerate(keyword_hits, start=1):
            if chunk_id not in cached.chunks:
                continue
            fused[chunk_id] = fused.get(chunk_id, 0.0) + KEYWORD_WEIGHT / (RRF_K + rank)
            keyword_rank[chunk_id] = rank
            chunks.setdefault(chunk_id, cached.chunks[chunk_id])

        best = sorted(fused.items(), key=lambda item: item[1], reverse=True)[:k]
        coverage = cached.index.coverage(query, [chunk_id for chunk_id, _ in best])
        unseen = cached.index.unseen(query)
        closeness = self._piece_similarities(
            cached, [chunks[chunk_id] for chunk_id, _ in best], embedding
        )
        # Normalised so that a chunk ranked first by both lists scores 1.0.
        top = (1.0 + KEYWORD_WEIGHT) / (RRF_K + 1)
        hits = []
        for chunk_id, score in best:
            chunk = chunks[chunk_id]
            meta = chunk.metadata
            hits.append(
                SearchHit(
                    chunk_id=chunk_id,
                    text=chunk.text,
                    score=round(score / top, 4),
                    source_id=str(meta.get("source_id", "")),
                    source_kind=str(meta.get("source_kind", "")),
                    url=meta.get("url") or None,
                    file_name=meta.get("file_name") or None,
                    title=meta.get("title") or None,
                    heading=meta.get("heading") or None,
                    vector_rank=vector_rank.get(chunk_id),
                    keyword_rank=keyword_rank.get(chunk_id),
                    similarity=(
                        round(1.0 - chunk.distance, 4) if chunk.distance is not None else None
                    ),
                    keyword_coverage=round(coverage[chunk_id], 4),
                    unseen_terms=unseen,
                    sentence_similarity=max(closeness[chunk_id], default=0.0),
                    piece_similarities=closeness[chunk_id],
                )
            )
        return hits

    def _piece_similarities(
        self, cached: _CachedIndex, chunks: list[StoredChunk], embedding: np.ndarray
    ) -> dict[str, tuple[float, ...]]:
        """Each chunk's pieces' similarities to the query. A chunk's pieces are embedded
        once per cached index (a few dozen short lines, ~0.1 s on two cores), so a
        conversation pays for each chunk the first time it is found."""
        missing = [c for c in chunks if c.id not in cached.piece_vectors]
        texts = [[in_context(p) for p in pieces(0, c.text)] or [c.text] for c in missing]
        if missing:
            vectors = self.embedder.embed_documents([t for group in texts for t in group])
            start = 0
            for chunk, group in zip(missing, texts, strict=True):
                cached.piece_vectors[chunk.id] = vectors[start : start + len(group)]
                start += len(group)
        return {
            c.id: tuple(round(float(x), 4) for x in cached.piece_vectors[c.id] @ embedding)
            for c in chunks
        }

    def _vector_candidates(
        self,
        agent_id: str,
        cached: _CachedIndex,
        embedding: np.ndarray,
        n: int,
        source_gens: Sequence[str],
    ) -> list[StoredChunk]:
        """Nearest live chunks. Usually every chunk in the collection is live, so an
        unfiltered query (fast) is exact once non-live ids are dropped; while a re-crawl
        writes its new generation, those may crowd the top, and a filtered query takes over."""
        wanted = min(n, len(cached.chunks))
        nearest = self.store.nearest_ids(agent_id, embedding, n)
        live = [
            StoredChunk(
                id=i, text=cached.chunks[i].text, metadata=cached.chunks[i].metadata, distance=d
            )
            for i, d in nearest
            if i in cached.chunks
        ]
        if len(live) >= wanted:
            return live
        return self.store.query(agent_id, embedding, n, source_gens)

    def _keyword_index(
        self, agent_id: str, kb_version: int, source_gens: Sequence[str]
    ) -> _CachedIndex:
        version = (kb_version, tuple(sorted(source_gens)))
        with self._lock:
            cached = self._cache.get(agent_id)
            if cached is not None and cached.version == version:
                self._cache.move_to_end(agent_id)
                return cached
        chunks = self.store.chunks(agent_id, source_gens)
        built = _CachedIndex(
            version=version,
            index=KeywordIndex([(c.id, c.text) for c in chunks]),
            chunks={c.id: c for c in chunks},
        )
        with self._lock:
            self._cache[agent_id] = built
            self._cache.move_to_end(agent_id)
            while len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
        return built

    def forget(self, agent_id: str) -> None:
        with self._lock:
            self._cache.pop(agent_id, None)
