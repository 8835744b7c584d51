"""bench/load.py stays runnable: its imports from tests/ and its options (the run itself
needs PostgreSQL, Redis and minutes, so it is a benchmark, not a test)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from bench.load import p95

ROOT = Path(__file__).resolve().parents[1]


def test_help_lists_the_options() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "load.py"), "--help"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    for option in ("--postgres", "--redis", "--latency-ms", "--quick", "--max-callers"):
        assert option in result.stdout


def test_p95_is_the_nearest_rank() -> None:
    # 20 values: the 19th smallest; 10 values: the largest (ceil(9.5) = 10).
    assert p95([float(v) for v in range(1, 21)]) == 19.0
    assert p95([float(v) for v in range(10, 0, -1)]) == 10.0
    assert p95([7.0]) == 7.0
