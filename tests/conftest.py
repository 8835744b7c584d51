"""Shared fixtures: real SQLite (and PostgreSQL when configured), real Chroma, real workers.

Every test that touches the database runs once on SQLite and, when
FRONTDESK_TEST_POSTGRES_URL is set (CI sets it), once more on a fresh PostgreSQL database.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from frontdesk.app import create_app
from frontdesk.config import Settings
from frontdesk.migrate import upgrade
from frontdesk.native_exit import exit_before_finalizing
from frontdesk.providers.embeddings.minilm_onnx import MiniLMOnnxEmbedder
from frontdesk.resources import Resources, build_resources
from tests.factories import make_receptionist, make_signed_in_client
from tests.fake_llm import ScriptedLLM
from tests.postgres_databases import throwaway_postgres

POSTGRES_URL = os.environ.get("FRONTDESK_TEST_POSTGRES_URL", "")
_SESSION = pytest.StashKey[pytest.Session]()
BACKENDS = ["sqlite"] + (["postgresql"] if POSTGRES_URL else [])


def _postgres_database() -> Iterator[str]:
    """A throwaway database on the configured server, dropped afterwards."""
    with throwaway_postgres(POSTGRES_URL) as url:
        yield url


@pytest.fixture(autouse=True)
def _environment_restored() -> Iterator[None]:
    """Each test sees the environment it started with: livekit-agents' worker writes
    LIVEKIT_URL and its keys into os.environ when it runs, and Settings read them."""
    saved = dict(os.environ)
    yield
    if os.environ != saved:
        os.environ.clear()
        os.environ.update(saved)


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path) -> Iterator[str]:  # type: ignore[no-untyped-def]
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'frontdesk.db'}"
    else:
        yield from _postgres_database()


@pytest.fixture(scope="session")
def embedder() -> MiniLMOnnxEmbedder:
    """One loaded model for the whole run: loading it per test would dominate the suite."""
    return MiniLMOnnxEmbedder()


@pytest.fixture
def settings(tmp_path, database_url: str) -> Settings:  # type: ignore[no-untyped-def]
    return Settings(
        environment="test",
        data_dir=tmp_path / "data",
        database_url=database_url,
        crawl_allowed_hosts=["127.0.0.1"],
        crawl_delay_s=0.0,
        crawl_concurrency=4,
        job_stale_after_s=3.0,
        embedded_workers=2,
        max_upload_mb=2.0,
        # Tests that talk to the embedded model opt in; the others must never load it.
        embedded_llm=False,
    )


@pytest.fixture
def resources(settings: Settings, embedder: MiniLMOnnxEmbedder) -> Iterator[Resources]:
    upgrade(settings.sqlalchemy_url)
    res = build_resources(settings, embedder=embedder)
    yield res
    res.close()


@pytest.fixture
def app_client(resources: Resources) -> Iterator[TestClient]:
    """The real app with its embedded job workers; not signed in."""
    with TestClient(create_app(resources=resources)) as client:
        yield client


@pytest.fixture
def fake_llm() -> ScriptedLLM:
    return ScriptedLLM()


@pytest.fixture
def chat_resources(
    settings: Settings, embedder: MiniLMOnnxEmbedder, fake_llm: ScriptedLLM
) -> Iterator[Resources]:
    upgrade(settings.sqlalchemy_url)
    resources = build_resources(settings, embedder=embedder, llm_factory=lambda: fake_llm)
    yield resources
    resources.close()


@pytest.fixture
def chat(chat_resources: Resources) -> Iterator[tuple[TestClient, dict]]:
    """A signed-in client and an agent with a calendar open every day 09:00-17:00 UTC."""
    with TestClient(create_app(resources=chat_resources)) as app_client:
        client, _ = make_signed_in_client(app_client, chat_resources)
        agent = make_receptionist(client)
        yield client, agent


# The heavy groups, marked by what a test uses, so that `make test-fast` can leave them out
# (`-m "not browser and not voice and not livekit and not slow"`) and `make test` runs all.
_TESTS = Path(__file__).resolve().parent
_BY_FOLDER = {
    "browser": "browser",  # Chromium
    "livekit_calls": "livekit",  # a real LiveKit server and agent workers
    "reliability": "slow",  # real server processes, killed and restarted
    "corpus": "slow",  # whole websites crawled and scored
}
_BY_FIXTURE = {
    "playwright_driver": "browser",
    "speech_models": "voice",  # Whisper, Piper and the VAD, on real audio
    "phone_line": "voice",
    "model_resources": "slow",  # the embedded language model
}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        path = Path(str(item.path))
        folder = path.parent.relative_to(_TESTS).parts[:1] if path.is_relative_to(_TESTS) else ()
        marks = {_BY_FOLDER[f] for f in folder if f in _BY_FOLDER}
        marks |= {mark for name, mark in _BY_FIXTURE.items() if name in item.fixturenames}
        if path.name.startswith("test_sip_"):
            marks.add("livekit")  # LiveKit's SIP service beside its server
        callspec = getattr(item, "callspec", None)
        if callspec is not None and callspec.params.get("database_url") == "postgresql":
            marks.add("postgres")
        for mark in sorted(marks):
            item.add_marker(mark)


def pytest_sessionstart(session: pytest.Session) -> None:
    session.config.stash[_SESSION] = session


@pytest.hookimpl(trylast=True)
def pytest_unconfigure(config: pytest.Config) -> None:
    """End the run with its own status before finalization when the voice tests started
    livekit's native runtime: a late callback from it during finalization aborted a run
    whose 1672 tests had passed (see frontdesk.native_exit)."""
    session = config.stash.get(_SESSION, None)
    if session is not None:
        # The status pytest itself would return: set by the end of the session.
        exit_before_finalizing(int(session.exitstatus))
