"""Prometheus metrics of one process, and the page that exposes them.

The metric objects are module-level, as prometheus-client expects: each process counts into
its own, and every call site records into the same series. With PROMETHEUS_MULTIPROC_DIR set
(before the process starts), prometheus-client writes each process's values to files in that
directory and `exposition()` adds up every process on the machine that shares it: the API
processes, `frontdesk worker` and `frontdesk agent-worker` alike.
"""

from __future__ import annotations

import os

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)

# Seconds. Requests and turns are interactive (a reply within a second or two is the goal);
# jobs run from milliseconds (a webhook) to many minutes (a large crawl).
_LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)
_TURN_BUCKETS = (0.1, 0.25, 0.5, 0.75, 1, 1.5, 2, 3, 5, 8, 13, 21)
_JOB_BUCKETS = (0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300, 900, 3600)

HTTP_REQUESTS = Counter(
    "frontdesk_http_requests",
    "HTTP requests answered, by method, route template and status code.",
    ("method", "route", "status"),
)
HTTP_DURATION = Histogram(
    "frontdesk_http_request_duration_seconds",
    "Time from a request's arrival to the end of its response, by method and route template.",
    ("method", "route"),
    buckets=_LATENCY_BUCKETS,
)
JOBS = Counter(
    "frontdesk_jobs",
    "Background jobs run, by job name and outcome (complete, error, canceled, ...).",
    ("job", "outcome"),
)
JOB_DURATION = Histogram(
    "frontdesk_job_duration_seconds",
    "How long background jobs ran, by job name.",
    ("job",),
    buckets=_JOB_BUCKETS,
)
CONVERSATIONS_STARTED = Counter(
    "frontdesk_conversations_started",
    "Conversations opened, by channel (text, voice, livekit, exam).",
    ("channel",),
)
CONVERSATIONS_ENDED = Counter(
    "frontdesk_conversations_ended",
    "Conversations ended, by channel.",
    ("channel",),
)
TURN_LATENCY = Histogram(
    "frontdesk_turn_latency_seconds",
    "How long callers wait for the agent: typed channels from the message received to the "
    "reply ready (reply_ms), voice channels from the end of the caller's speech to the "
    "agent's first audio (end_of_speech_to_audio_ms).",
    ("channel",),
    buckets=_TURN_BUCKETS,
)


def multiprocess_dir() -> str | None:
    return os.environ.get("PROMETHEUS_MULTIPROC_DIR") or None


def exposition() -> tuple[bytes, str]:
    """The text exposition of this process's metrics, or of every process sharing the
    multiprocess directory; and its content type."""
    if multiprocess_dir():
        # A fresh registry per scrape, as prometheus-client documents: the collector reads
        # the files as they are now.
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return generate_latest(registry), CONTENT_TYPE_LATEST
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST
