"""Model files joined from their installed parts: once, verified, and safe when several
processes sharing a data directory (`frontdesk serve` and agent workers) start together."""

from __future__ import annotations

import hashlib
import multiprocessing
from pathlib import Path

import pytest

from frontdesk.errors import ConfigurationError
from frontdesk.providers.model_files import is_joined, join_verified

PART = b"frontdesk model part " * 50_000  # ~1 MB each: the join takes long enough to overlap


def _parts(tmp_path: Path) -> tuple[list[Path], str, int]:
    parts = []
    for n in range(3):
        part = tmp_path / f"part{n:02d}.bin"
        part.write_bytes(PART + bytes([n]))
        parts.append(part)
    whole = b"".join(p.read_bytes() for p in parts)
    return parts, hashlib.sha256(whole).hexdigest(), len(whole)


def _join(args: tuple[list[Path], Path, str, int]) -> str:
    parts, path, sha256, size = args
    try:
        join_verified(parts, path, sha256=sha256, size=size, what="test model")
    except Exception as exc:  # reported to the parent as text
        return f"{type(exc).__name__}: {exc}"
    return "ok"


def test_processes_joining_at_once_take_turns(tmp_path: Path) -> None:
    parts, sha256, size = _parts(tmp_path)
    path = tmp_path / "data" / "models" / "model.gguf"
    with multiprocessing.get_context("spawn").Pool(4) as pool:
        results = pool.map(_join, [(parts, path, sha256, size)] * 4)
    assert results == ["ok"] * 4
    assert is_joined(path, sha256)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == sha256
    assert not list(path.parent.glob("*.partial"))


def test_a_mismatched_join_is_refused_and_leaves_nothing(tmp_path: Path) -> None:
    parts, _, size = _parts(tmp_path)
    path = tmp_path / "models" / "model.gguf"
    with pytest.raises(ConfigurationError, match="refusing to load it"):
        join_verified(parts, path, sha256="0" * 64, size=size, what="test model")
    assert not path.exists() and not list(path.parent.glob("*.partial"))
