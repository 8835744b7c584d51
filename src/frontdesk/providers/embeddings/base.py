"""The embedding port: text in, unit-length float32 vectors out.

The knowledge base stores and compares these vectors by cosine similarity; because every
adapter returns L2-normalized rows, cosine is a plain dot product. Adapters load their
model lazily, so building one costs nothing until the first text is embedded.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence

import numpy as np

__all__ = ["Embedder"]


class Embedder(ABC):
    """Turns text into vectors for semantic search.

    `name` identifies the model (vectors from different models must never be mixed in one
    collection); `dimensions` is the length of every vector. Implementations must be safe to
    call from several threads at once.
    """

    name: str
    dimensions: int

    @abstractmethod
    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        """Embed passages to be searched: a float32 array of shape (len(texts), dimensions).

        Rows are L2-normalized and in the order of `texts`; an empty input gives (0, dimensions).
        """

    def embed_query(self, text: str) -> np.ndarray:
        """Embed a search query: a float32 vector of shape (dimensions,), L2-normalized.

        Models trained with distinct query and passage prefixes (e5, bge) override this.
        """
        return self.embed_documents([text])[0]
