"""Ending a process that has started livekit's native runtime without a crash at exit.

livekit.rtc runs a Rust (tokio) runtime whose threads call back into Python, for log
records among other things, and they can still do so after livekit's own atexit dispose.
On Python 3.11 a foreign thread that asks for the GIL once the interpreter is finalizing
is ended with pthread_exit; that forced unwind crosses Rust frames that must not unwind,
and Rust aborts the whole process ("panic in a function that cannot unwind"). The work
has finished by then, but the exit status is lost: a passing test run reported failure.

So a process that started the runtime ends here instead: the atexit handlers run while
the interpreter is still whole (livekit's dispose among them), the standard streams are
flushed, and the process exits with its status without entering finalization.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import sys


def native_runtime_started() -> bool:
    """Whether livekit's native runtime was started in this process."""
    ffi = sys.modules.get("livekit.rtc._ffi_client")
    client = getattr(ffi, "FfiClient", None) if ffi is not None else None
    return getattr(client, "_instance", None) is not None


def exit_before_finalizing(status: int) -> None:
    """Run the atexit handlers, flush, and end the process with ``status`` when livekit's
    runtime is live; otherwise return and let the interpreter exit as usual."""
    if not native_runtime_started():
        return
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        # A closed or broken stream has nothing left to lose.
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    os._exit(status)
