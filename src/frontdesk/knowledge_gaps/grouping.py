"""Grouping similar questions: deterministic average-link clustering over unit vectors.

Every embedder returns L2-normalized rows, so a question's dot product with the mean of a
group's vectors is exactly its average cosine similarity to the group's members. A new
question joins the group it is on average most similar to, when that average reaches
`JOIN_THRESHOLD`; otherwise it starts a group of its own. Questions are placed one at a time
in the order they were asked, and ties go to the older group, so the same questions in the
same order always give the same groups. Average-link rather than single-link: a chain of
pairwise-similar questions ("parking" ~ "car park" ~ "car repair") must not drag unrelated
ones into one group.

The threshold is measured on the bundled MiniLM model: paraphrases of one question ("Do
you board reptiles?" / "Can you look after my lizard while I'm away?") score 0.49-0.56, a
related but different question ("Do you sell horse feed?") 0.18-0.35 against those.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

JOIN_THRESHOLD = 0.45
# Exam questions re-asked after an answer: the same measure, against the gap's centre.
EXAM_MATCH_THRESHOLD = 0.45


def mean_vector(vectors: Sequence[Sequence[float]]) -> list[float]:
    return [float(x) for x in np.asarray(vectors, dtype=np.float32).mean(axis=0)]


def similarities(vector: Sequence[float], centroids: Sequence[Sequence[float]]) -> list[float]:
    """Average cosine similarity of `vector` to each group, by its centroid."""
    if not centroids:
        return []
    matrix = np.asarray(centroids, dtype=np.float32)
    return [float(x) for x in matrix @ np.asarray(vector, dtype=np.float32)]


def best_group(vector: Sequence[float], centroids: Sequence[Sequence[float]]) -> int | None:
    """Index of the group `vector` joins, or None for a group of its own. The first of equal
    scores wins: callers pass the groups oldest first."""
    scores = similarities(vector, centroids)
    best: int | None = None
    for index, score in enumerate(scores):
        if score >= JOIN_THRESHOLD and (best is None or score > scores[best]):
            best = index
    return best


def representative(vectors: Sequence[Sequence[float]]) -> int:
    """Index of the member closest to the group's centre (the first on a tie): the one
    question that speaks for the group."""
    centre = mean_vector(vectors)
    scores = similarities(centre, vectors)
    return max(range(len(scores)), key=lambda i: (scores[i], -i))
