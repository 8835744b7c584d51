"""Background jobs on Huey: SQLite queue by default, Redis when `FRONTDESK_QUEUE_URL` is set.

The queue carries "work on source X" and "analyse conversation Y" messages. Whether the work
is done, and where it stopped, lives in the database (see knowledge/ingestion.py and
conversations/analysis_job.py), so a message lost with a killed worker costs nothing:
`recover()` re-enqueues every unfinished source and unanalysed conversation when a consumer
starts, and periodic sweeps pick up what a silent worker left.
"""

from __future__ import annotations

import logging
import threading
from datetime import UTC, datetime, timedelta
from typing import Protocol

from huey import Huey, RedisHuey, SqliteHuey, crontab
from huey.consumer import Consumer

from frontdesk.config import Settings
from frontdesk.db import transaction
from frontdesk.knowledge.ingestion import IngestionRunner
from frontdesk.knowledge.repository import KnowledgeRepository
from frontdesk.observability.context import conversation_scope
from frontdesk.observability.job_metrics import watch_jobs
from frontdesk.private_files import private_sqlite

log = logging.getLogger(__name__)

MAX_BUSY_RETRIES = 3
# The periodic sweep leaves a just-ended conversation to the job its ending enqueued; one
# still unanalysed after this long lost its job (a stopped worker) and is enqueued again.
ANALYSIS_GRACE = timedelta(minutes=10)


class ConversationAnalysis(Protocol):
    """conversations/analysis_job.py's analyzer, as the queue needs it."""

    def run(self, conversation_id: str, *, force: bool = False) -> str | None: ...

    def pending_ids(self, *, ended_before: datetime | None = None) -> list[str]: ...


class WebhookDeliveries(Protocol):
    """webhooks/delivery.py's sender, as the queue needs it."""

    def deliver(self, delivery_id: str) -> float | None: ...

    def due_ids(self) -> list[str]: ...

    def prune(self) -> int: ...


class TranscriptRetention(Protocol):
    """privacy/retention.py's job, as the queue needs it."""

    def run(self) -> int: ...


class UnansweredCalls(Protocol):
    """livekit/unanswered.py's sweep, as the queue needs it."""

    def run(self) -> int: ...


def build_huey(settings: Settings) -> Huey:
    url = settings.queue_url
    if url.startswith(("redis://", "rediss://", "unix://")):
        return RedisHuey(settings.queue_name, url=url, results=False)
    if url:
        raise ValueError(f"FRONTDESK_QUEUE_URL must be a redis:// URL, not {url!r}.")
    # The queue holds job arguments; created 0600 like the database (private_files.py).
    queue_file = private_sqlite(settings.resolved_data_dir / "queue.db")
    return SqliteHuey(settings.queue_name, filename=str(queue_file), results=False)


class JobQueue:
    """Enqueue jobs from anywhere; run them where `bind()` gave a runner."""

    def __init__(self, settings: Settings, huey: Huey | None = None) -> None:
        self.settings = settings
        self.huey = huey or build_huey(settings)
        watch_jobs(self.huey)
        self.runner: IngestionRunner | None = None
        self.analysis: ConversationAnalysis | None = None
        self.webhooks: WebhookDeliveries | None = None
        self.retention: TranscriptRetention | None = None
        self.unanswered: UnansweredCalls | None = None
        self._ingest = self.huey.task(name="ingest_source")(self._run_ingest)
        self._sweep = self.huey.periodic_task(crontab(minute="*"), name="sweep_stale_sources")(
            self._sweep_stale
        )
        self._analyze = self.huey.task(name="analyze_conversation")(self._run_analysis)
        self._sweep_analyses = self.huey.periodic_task(
            crontab(minute="*"), name="sweep_unanalysed_conversations"
        )(self._enqueue_unanalysed)
        self._deliver = self.huey.task(name="deliver_webhook")(self._run_delivery)
        self._sweep_webhooks = self.huey.periodic_task(
            crontab(minute="*"), name="sweep_due_webhooks"
        )(self._enqueue_due_webhooks)
        self._prune_webhooks = self.huey.periodic_task(
            crontab(hour="3", minute="17"), name="prune_webhook_log"
        )(self._prune_webhook_log)
        # Hourly, so a shortened period takes effect the same hour; a run with nothing due
        # is one indexed query per workspace that has a period.
        self._apply_retention = self.huey.periodic_task(
            crontab(minute="23"), name="apply_transcript_retention"
        )(self._run_retention)
        self._sweep_calls = self.huey.periodic_task(
            crontab(minute="*"), name="sweep_unanswered_calls"
        )(self._end_unanswered)

    def bind(self, runner: IngestionRunner) -> None:
        self.runner = runner

    def bind_analysis(self, analysis: ConversationAnalysis) -> None:
        self.analysis = analysis

    def bind_webhooks(self, webhooks: WebhookDeliveries) -> None:
        self.webhooks = webhooks

    def bind_retention(self, retention: TranscriptRetention) -> None:
        self.retention = retention

    def bind_unanswered(self, unanswered: UnansweredCalls) -> None:
        self.unanswered = unanswered

    def _end_unanswered(self) -> int:
        return self.unanswered.run() if self.unanswered is not None else 0

    def enqueue_webhook(self, delivery_id: str) -> None:
        self._deliver(delivery_id)

    def _run_delivery(self, delivery_id: str) -> None:
        if self.webhooks is None:
            raise RuntimeError("this process has no webhook sender bound")
        retry_in = self.webhooks.deliver(delivery_id)
        if retry_in is not None:
            # The next try is a scheduled message; if it is lost, the sweep finds the
            # delivery due in the database all the same.
            self._deliver.schedule((delivery_id,), delay=retry_in)

    def _enqueue_due_webhooks(self) -> int:
        if self.webhooks is None:
            return 0
        ids = self.webhooks.due_ids()
        for delivery_id in ids:
            self.enqueue_webhook(delivery_id)
        return len(ids)

    def _prune_webhook_log(self) -> int:
        return self.webhooks.prune() if self.webhooks is not None else 0

    def _run_retention(self) -> int:
        return self.retention.run() if self.retention is not None else 0

    def enqueue_analysis(self, conversation_id: str, *, force: bool = False) -> None:
        """Analyse the conversation; unless `force`d (an owner's re-run), a job that finds it
        analysed since its last turn does nothing. Recovery may enqueue a conversation whose
        first message is still queued (a consumer that starts after it ended), and only one
        of the two should cost a model call."""
        self._analyze(conversation_id, force)

    def _run_analysis(self, conversation_id: str, force: bool = False) -> None:
        if self.analysis is None:
            raise RuntimeError("this process has no conversation analysis bound")
        with conversation_scope(conversation_id):
            outcome = self.analysis.run(conversation_id, force=force)
            log.info("conversation %s analysed: %s", conversation_id, outcome)

    def _enqueue_unanalysed(self, *, grace: timedelta = ANALYSIS_GRACE) -> int:
        if self.analysis is None:
            return 0
        ids = self.analysis.pending_ids(ended_before=datetime.now(UTC) - grace)
        for conversation_id in ids:
            self.enqueue_analysis(conversation_id)
        return len(ids)

    def enqueue_ingest(self, source_id: str) -> None:
        self._ingest(source_id)

    def _run_ingest(self, source_id: str, attempt: int = 0) -> None:
        if self.runner is None:
            raise RuntimeError("this process has no ingestion runner bound")
        outcome = self.runner.run_source(source_id)
        log.info("source %s: %s %s", source_id, outcome.status, outcome.detail)
        if outcome.status == "busy" and attempt < MAX_BUSY_RETRIES:
            # Another worker holds it, or a dead one did whose heartbeat is not stale yet:
            # look again once it would be. A live holder just finishes the job meanwhile.
            self._ingest.schedule(
                (source_id, attempt + 1), delay=self.settings.job_stale_after_s + 1
            )

    def recover(self) -> int:
        """Re-enqueue every unfinished source (at consumer start); claims make it safe. Ended
        conversations still without an analysis are enqueued too (re-running one only
        replaces it)."""
        self._enqueue_unanalysed(grace=timedelta(0))
        self._enqueue_due_webhooks()
        return self._enqueue_unfinished(stale_only=False)

    def _sweep_stale(self) -> int:
        return self._enqueue_unfinished(stale_only=True)

    def _enqueue_unfinished(self, *, stale_only: bool) -> int:
        if self.runner is None:
            return 0
        stale_before = datetime.now(UTC) - timedelta(seconds=self.settings.job_stale_after_s)
        with transaction(self.runner.sessions) as db:
            ids = KnowledgeRepository(db).unfinished_source_ids(
                stale_before=stale_before if stale_only else None
            )
        for source_id in ids:
            self.enqueue_ingest(source_id)
        return len(ids)


class _EmbeddedConsumer(Consumer):
    # Huey's consumer installs SIGINT/SIGTERM handlers; inside `frontdesk serve` those belong
    # to uvicorn, which stops the consumer itself from the app's lifespan.
    def _set_signal_handlers(self) -> None:
        pass


class EmbeddedWorkers:
    """Worker threads inside the serving process (the single-machine default)."""

    def __init__(self, queue: JobQueue, workers: int) -> None:
        self.queue = queue
        self.consumer = _EmbeddedConsumer(
            queue.huey,
            workers=workers,
            worker_type="thread",
            periodic=True,
            check_worker_health=False,
        )
        self._started = threading.Event()

    def start(self) -> None:
        self.consumer.start()
        self._started.set()
        count = self.queue.recover()
        if count:
            log.info("resuming %d unfinished knowledge source(s)", count)

    def stop(self, timeout: float = 10.0) -> None:
        if not self._started.is_set():
            return
        # Running crawls stop after their current batch and go back to the queue; without
        # this a long crawl would outlive the server's resources and fail.
        if self.queue.runner is not None:
            self.queue.runner.request_stop()
        self.consumer.shutdown_timeout = timeout
        self.consumer.stop(graceful=True)
