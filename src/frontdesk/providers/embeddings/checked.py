"""An embedder that vouches for another: its failures and unusable vectors become one clear
`EmbeddingError` instead of whatever the model happened to raise.

Vectors are checked before they reach Chroma because Chroma does not check them for us: NaN
rows are stored as they are and poison every later search, and a wrong length is refused
deep in the store with an error that names neither the model nor the source.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from frontdesk.errors import FrontdeskError
from frontdesk.providers.embeddings.base import Embedder


class EmbeddingError(FrontdeskError):
    """The embedding model failed or returned vectors that cannot be used."""

    status = 503


class CheckedEmbedder(Embedder):
    """Wraps `inner`; answers exactly what it answers, or raises `EmbeddingError`."""

    def __init__(self, inner: Embedder) -> None:
        self.inner = inner
        self.name = inner.name
        self.dimensions = inner.dimensions

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        return self._checked(self._ask(lambda: self.inner.embed_documents(texts)), len(texts))

    def embed_query(self, text: str) -> np.ndarray:
        vector = self._ask(lambda: self.inner.embed_query(text))
        return self._checked(np.asarray(vector).reshape(1, -1), 1)[0]

    def _ask(self, call: Callable[[], object]) -> object:
        """The inner model's answer; whatever it raises, as an EmbeddingError naming it."""
        try:
            return call()
        except EmbeddingError:
            raise
        except Exception as exc:
            raise EmbeddingError(f"The embedding model {self.name} failed: {exc}") from exc

    def _checked(self, vectors: object, rows: int) -> np.ndarray:
        array = np.asarray(vectors, dtype=np.float32)
        if array.shape != (rows, self.dimensions):
            problem = f"shape {array.shape} instead of ({rows}, {self.dimensions})"
        elif not np.isfinite(array).all():
            problem = "NaN or infinite values"
        else:
            return array
        raise EmbeddingError(
            f"The embedding model {self.name} returned unusable vectors ({problem}).", status=502
        )
