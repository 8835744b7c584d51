"""A process that started livekit's native runtime ends with its own status, after its
atexit handlers, without entering the finalization that can abort it."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

_STARTS_RUNTIME = """
    from livekit import rtc
    # Any native object starts the runtime; a resampler needs no room or server.
    rtc.AudioResampler(input_rate=16000, output_rate=8000, num_channels=1)
"""


def _python(script: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(script)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=REPO,
    )


def test_exit_runs_atexit_handlers_and_keeps_the_status() -> None:
    done = _python(
        _STARTS_RUNTIME
        + """
    import atexit
    from frontdesk.native_exit import exit_before_finalizing, native_runtime_started
    atexit.register(print, "atexit ran")
    print("started", native_runtime_started())
    exit_before_finalizing(3)
    print("not reached")
    """
    )
    assert done.returncode == 3, done.stderr
    assert done.stdout.split("\n")[:2] == ["started True", "atexit ran"]
    assert "not reached" not in done.stdout


def test_without_the_runtime_the_process_exits_as_usual() -> None:
    done = _python(
        """
    from frontdesk.native_exit import exit_before_finalizing, native_runtime_started
    print("started", native_runtime_started())
    exit_before_finalizing(3)
    print("went on")
    """
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["started", "False", "went", "on"]


def _pytest_run(tmp_path: Path, test_body: str) -> subprocess.CompletedProcess[str]:
    test_file = tmp_path / "test_probe.py"
    test_file.write_text(textwrap.dedent(_STARTS_RUNTIME) + test_body)
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "tests.conftest",
            "-p",
            "no:cacheprovider",
            "--rootdir",
            str(tmp_path),
            str(test_file),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=REPO,
    )


def test_a_failing_run_still_fails(tmp_path: Path) -> None:
    done = _pytest_run(tmp_path, "\n\ndef test_fails():\n    assert 1 == 2\n")
    assert done.returncode == 1, done.stdout + done.stderr
    assert "1 failed" in done.stdout


def test_a_passing_run_passes(tmp_path: Path) -> None:
    done = _pytest_run(tmp_path, "\n\ndef test_passes():\n    assert 1 == 1\n")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 passed" in done.stdout
