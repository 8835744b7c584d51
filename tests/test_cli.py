"""The command line, run as a user runs it, against a fresh data dir."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from frontdesk import __version__
from frontdesk.cli import app
from tests.website.juniper_site import juniper_site

pytestmark = pytest.mark.slow


def test_version() -> None:
    result = CliRunner().invoke(app, ["version"])
    assert result.exit_code == 0 and __version__ in result.output


def test_ingest_agents_list_and_delete(tmp_path: Path, database_url: str, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    env = {
        "FRONTDESK_DATA_DIR": str(tmp_path / "data"),
        "FRONTDESK_DATABASE_URL": database_url,
        "FRONTDESK_CRAWL_ALLOWED_HOSTS": "127.0.0.1",
        "FRONTDESK_CRAWL_DELAY_S": "0",
    }
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    runner = CliRunner()
    # No workspace yet: a clear message, not a traceback.
    first = runner.invoke(app, ["agents", "list"])
    assert first.exit_code == 1 and "frontdesk serve" in first.output
    assert "setup link" in first.output and "FRONTDESK_OWNER_PASSWORD" in first.output

    from frontdesk.config import Settings
    from frontdesk.db import build_engine, build_sessionmaker, transaction
    from frontdesk.migrate import upgrade
    from frontdesk.workspace.service import ensure_first_run_owner

    settings = Settings()
    upgrade(settings.sqlalchemy_url)
    engine = build_engine(settings.sqlalchemy_url)
    with transaction(build_sessionmaker(engine)) as db:
        ensure_first_run_owner(db, email="owner@frontdesk.local", password="cli-test-pass")
    engine.dispose()

    notes = tmp_path / "notes.md"
    notes.write_text(
        "# Parking\n\nSix free spaces behind the building, entrance from Cedar Street."
    )
    with juniper_site() as site:
        result = runner.invoke(
            app, ["ingest", "--name", "Juniper", "--url", site.url("/"), "--file", str(notes)]
        )
    assert result.exit_code == 0, result.output
    assert "2 source(s) to ingest" in result.output

    listed = runner.invoke(app, ["agents", "list"])
    assert "Juniper" in listed.output and "interviewing" in listed.output
    agent_id = next(line.split()[1] for line in listed.output.splitlines() if "Juniper" in line)
    assert runner.invoke(app, ["agents", "delete", agent_id]).exit_code == 0
    assert "Juniper" not in runner.invoke(app, ["agents", "list"]).output

    bad = runner.invoke(app, ["ingest", "--name", "X", "--url", "http://10.1.2.3/"])
    assert bad.exit_code == 1 and "10.1.2.3" in bad.output


def test_module_entry_point_runs() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "frontdesk", "--help"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0 and "serve" in result.stdout and "ingest" in result.stdout


def test_onboard_in_the_terminal_resumes_and_generates(  # type: ignore[no-untyped-def]
    tmp_path: Path, database_url: str, monkeypatch
) -> None:
    env = {
        "FRONTDESK_DATA_DIR": str(tmp_path / "data"),
        "FRONTDESK_DATABASE_URL": database_url,
        "FRONTDESK_CRAWL_ALLOWED_HOSTS": "127.0.0.1",
        "FRONTDESK_CRAWL_DELAY_S": "0",
        "FRONTDESK_EMBEDDED_LLM": "false",  # the checklist's wording, no model to load
    }
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    from frontdesk.config import Settings
    from frontdesk.db import build_engine, build_sessionmaker, transaction
    from frontdesk.migrate import upgrade
    from frontdesk.models import Agent
    from frontdesk.workspace.service import ensure_first_run_owner

    settings = Settings()
    upgrade(settings.sqlalchemy_url)
    engine = build_engine(settings.sqlalchemy_url)
    with transaction(build_sessionmaker(engine)) as db:
        ensure_first_run_owner(db, email="owner@frontdesk.local", password="cli-test-pass")
    runner = CliRunner()
    with juniper_site() as site:
        made = runner.invoke(app, ["ingest", "--name", "Juniper", "--url", site.url("/")])
    assert made.exit_code == 0, made.output
    with transaction(build_sessionmaker(engine)) as db:
        agent_id = db.query(Agent).one().id

    # Two answers, then quit: saved.
    first = runner.invoke(app, ["onboard", agent_id], input="Yes.\nYes, that's right.\nquit\n")
    assert first.exit_code == 0, first.output
    assert "Starting the interview" in first.output and "Saved" in first.output
    # Again: resumed at question 3; "back" to 2; then answers and skips to the end.
    # (hours, time zone, address, appointment kinds, cancellation, handoff, never, persona)
    lines = ["back", "Yes.", "", "", "", "", "Dr. Ana Ruiz, 555-0100", "", "Call him Sam, brief."]
    second = runner.invoke(app, ["onboard", agent_id], input="\n".join(lines + [""] * 10) + "\n")
    assert second.exit_code == 0, second.output
    assert "Resuming your interview" in second.output and "3/" in second.output
    assert "Sam is ready" in second.output, second.output
    with transaction(build_sessionmaker(engine)) as db:
        agent = db.get(Agent, agent_id)
        assert agent is not None and agent.status == "ready" and agent.persona_name == "Sam"
        contact = agent.business_facts["handoff_contacts"][0]
        assert (contact["name"], contact["phone"]) == ("Dr. Ana Ruiz", "5550100")
        # The booking question was skipped: no booking promised, messages instead.
        assert "book_appointment" not in agent.enabled_tools
        assert {"take_message", "handoff_to_human"} <= set(agent.enabled_tools)
    engine.dispose()
