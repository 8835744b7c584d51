"""The metrics page of processes without HTTP (`frontdesk worker --metrics-port`), fed by
huey's own signals from tasks that really run."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import httpx
import pytest
from huey import MemoryHuey
from prometheus_client.parser import text_string_to_metric_families

from frontdesk.observability.exporter import serve_metrics
from frontdesk.observability.job_metrics import watch_jobs
from tests.observability.scrape import value

TOKEN = "worker-scrape-token-42"


@pytest.fixture
def exporter() -> Iterator[str]:
    server = serve_metrics("127.0.0.1", 0, TOKEN)
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def _samples(base: str) -> dict[tuple[str, frozenset], float]:
    response = httpx.get(f"{base}/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200, response.text
    return {
        (s.name, frozenset(s.labels.items())): s.value
        for family in text_string_to_metric_families(response.text)
        for s in family.samples
    }


def test_worker_page_counts_jobs_by_outcome(exporter: str) -> None:
    huey = MemoryHuey(f"metrics-{uuid.uuid4().hex[:8]}", immediate=True)
    watch_jobs(huey)
    name = f"probe_{uuid.uuid4().hex[:8]}"

    @huey.task(name=name)
    def probe(fail: bool) -> None:
        if fail:
            raise RuntimeError("the crawl target went away")

    probe(False)
    probe(False)
    with pytest.raises(Exception, match="went away"):
        probe(True)(blocking=False)  # immediate mode: the error comes back with the result
    samples = _samples(exporter)
    assert value(samples, "frontdesk_jobs_total", job=name, outcome="complete") == 2
    assert value(samples, "frontdesk_jobs_total", job=name, outcome="error") == 1
    assert value(samples, "frontdesk_job_duration_seconds_count", job=name) == 3


def test_worker_page_needs_the_token(exporter: str) -> None:
    assert httpx.get(f"{exporter}/metrics").status_code == 401
    wrong = httpx.get(f"{exporter}/metrics", headers={"Authorization": "Bearer guess"})
    assert wrong.status_code == 401
    assert httpx.get(f"{exporter}/other").status_code == 404


def test_without_a_token_the_worker_page_answers_this_machine_only() -> None:
    server = serve_metrics("127.0.0.1", 0, "")
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        assert httpx.get(f"{base}/metrics").status_code == 200
        proxied = httpx.get(f"{base}/metrics", headers={"X-Forwarded-For": "198.51.100.4"})
        assert proxied.status_code == 401
        assert "FRONTDESK_METRICS_TOKEN" in proxied.text
    finally:
        server.shutdown()
        server.server_close()
