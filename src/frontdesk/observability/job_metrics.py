"""Job metrics from huey's signals: every task any consumer of this queue runs is counted
by name and outcome and timed, whether it runs in `frontdesk serve` or `frontdesk worker`."""

from __future__ import annotations

import time
from typing import Any

from huey import Huey
from huey import signals as S

from frontdesk.observability.metrics import JOB_DURATION, JOBS

# The signals that close a task's run, and the outcome each is counted as. A task that
# raises RetryTask sends none of them: its retry is counted when it runs again.
_OUTCOMES = {
    S.SIGNAL_COMPLETE: "complete",
    S.SIGNAL_ERROR: "error",
    S.SIGNAL_CANCELED: "canceled",
    S.SIGNAL_TIMEOUT: "timeout",
    S.SIGNAL_LOCKED: "locked",
    S.SIGNAL_INTERRUPTED: "interrupted",
    S.SIGNAL_RATE_LIMITED: "rate_limited",
}


def watch_jobs(huey: Huey) -> None:
    """Count and time the tasks `huey`'s consumers run in this process."""
    # task id -> start; each id is executed by one consumer thread at a time.
    running: dict[str, float] = {}

    @huey.signal(S.SIGNAL_EXECUTING)
    def _started(_signal: str, task: Any, *_: Any) -> None:
        running[task.id] = time.perf_counter()

    @huey.signal(*_OUTCOMES)
    def _finished(signal: str, task: Any, *_: Any) -> None:
        started = running.pop(task.id, None)
        JOBS.labels(task.name, _OUTCOMES[signal]).inc()
        if started is not None:
            JOB_DURATION.labels(task.name).observe(time.perf_counter() - started)
