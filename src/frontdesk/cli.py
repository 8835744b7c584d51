"""`frontdesk` command line: serve, worker, agent-worker, ingest, agents, version."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from frontdesk import __version__
from frontdesk.config import DEVELOPMENT_SECRET, Settings
from frontdesk.db import transaction
from frontdesk.errors import FrontdeskError
from frontdesk.migrate import upgrade
from frontdesk.models import KnowledgeSource
from frontdesk.native_exit import exit_before_finalizing
from frontdesk.resources import Resources, build_resources
from frontdesk.workspace.service import Principal

app = typer.Typer(help="Frontdesk: a voice receptionist from a website and a few documents.")
agents_app = typer.Typer(help="List, create and delete agents.")
app.add_typer(agents_app, name="agents")
console = Console()


def _settings() -> Settings:
    try:
        return Settings()
    except FrontdeskError as exc:
        console.print(f"[red]{exc.detail}[/red]")
        raise typer.Exit(2) from exc


def _configure_logging(settings: Settings) -> None:
    from frontdesk.observability.logs import configure_logging

    configure_logging(settings.log_format, settings.log_level)


def _prepare(settings: Settings) -> None:
    upgrade(settings.sqlalchemy_url)
    if settings.queue_url and settings.secret_key == DEVELOPMENT_SECRET:
        # Without a shared key each data dir makes its own, and a widget token signed by
        # one API process is refused by the next one behind the load balancer.
        console.print(
            "[yellow]FRONTDESK_QUEUE_URL is set but FRONTDESK_SECRET_KEY is not: set the "
            "same FRONTDESK_SECRET_KEY for every process, or widget sessions break when "
            "requests reach another process.[/yellow]"
        )


@contextmanager
def _exit_on_error() -> Iterator[None]:
    """End the command with the error's own message instead of a traceback."""
    try:
        yield
    except FrontdeskError as exc:
        console.print(f"[red]{exc.detail}[/red]")
        raise typer.Exit(1) from exc


def _open(workspace_id: str | None) -> tuple[Resources, Principal]:
    """Settings, migrations, resources and the workspace a command acts in."""
    settings = _settings()
    _prepare(settings)
    resources = build_resources(settings)
    return resources, _principal(resources, workspace_id)


def _principal(resources: Resources, workspace_id: str | None) -> Principal:
    from frontdesk.workspace.repository import WorkspaceRepository

    with transaction(resources.sessionmaker) as db:
        if workspace_id is None:
            workspace = WorkspaceRepository(db).first_workspace()
            if workspace is None:
                console.print(
                    "[red]No workspace yet: run `frontdesk serve` and open the setup link it "
                    "prints to create the owner (or set FRONTDESK_OWNER_PASSWORD, and "
                    "FRONTDESK_OWNER_EMAIL, before `frontdesk serve` to create it at "
                    "start).[/red]"
                )
                raise typer.Exit(1)
            workspace_id = workspace.id
    # The terminal is the machine's operator: it acts with the owner's reach.
    return Principal(workspace_id=workspace_id, user_id=None, via="cli", role="owner")


@app.command()
def version() -> None:
    """Print the Frontdesk version."""
    console.print(__version__)


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Interface to bind")] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on")] = None,
) -> None:
    """Apply migrations, show the first-run setup link (or create the owner from
    FRONTDESK_OWNER_PASSWORD), and serve the app."""
    import uvicorn

    from frontdesk.app import create_app

    settings = _settings()
    host, port = host or settings.host, port or settings.port
    _configure_logging(settings)
    _prepare(settings)
    with _exit_on_error():
        setup_link = _first_run(settings, host, port)
    if not settings.llm_base_url and settings.embedded_llm:
        _prepare_embedded_model(settings)
    console.rule("Frontdesk")
    base = _base_url(host, port)
    console.print(f"Open [bold]{base}[/bold]  (API docs: {base}/docs)")
    if setup_link:
        console.print("First run: open this link to create the owner account:")
        # Never wrapped or styled: the link must survive a copy from any terminal.
        console.print(f"  {setup_link}", soft_wrap=True, highlight=False, markup=False)
        console.print(f"(also saved in {_setup_note(settings)})", soft_wrap=True)
    # log_config=None: uvicorn's records go through the handler configured above (text or
    # JSON, with request ids) instead of uvicorn's own; each request is logged by
    # frontdesk.access with its id, route and duration, so uvicorn's access log is off.
    uvicorn.run(
        create_app(settings),
        host=host,
        port=port,
        log_level="info",
        log_config=None,
        access_log=False,
    )
    # Voice calls start livekit's native runtime, which can abort the interpreter's
    # finalization (see native_exit); a clean stop must exit 0, not "Aborted".
    exit_before_finalizing(0)


def _base_url(host: str, port: int) -> str:
    # A wildcard bind is no address a browser can open; this machine's own name is.
    shown = {"0.0.0.0": "localhost", "::": "localhost", "": "localhost"}.get(host, host)
    if ":" in shown:
        shown = f"[{shown}]"
    return f"http://{shown}:{port}"


def _setup_note(settings: Settings) -> Path:
    return settings.resolved_data_dir / "first-run-setup.txt"


def _first_run(settings: Settings, host: str, port: int) -> str | None:
    """The setup link while nobody can sign in yet, else None.

    With FRONTDESK_OWNER_PASSWORD set (headless deploys) the owner is created here instead
    and no link is needed. The link's token comes from the signing key, so whichever process
    checks it agrees; it opens nothing once a user exists, and its note is then removed.
    """
    from frontdesk.db import build_engine, build_sessionmaker
    from frontdesk.workspace.security import setup_token
    from frontdesk.workspace.service import ensure_first_run_owner, setup_needed

    engine = build_engine(settings.sqlalchemy_url)
    try:
        with transaction(build_sessionmaker(engine)) as db:
            if settings.owner_password and ensure_first_run_owner(
                db, email=settings.owner_email, password=settings.owner_password
            ):
                console.print(
                    f"Created the owner account {settings.owner_email.lower()} with the "
                    "password in FRONTDESK_OWNER_PASSWORD."
                )
            needed = setup_needed(db)
    finally:
        engine.dispose()
    note = _setup_note(settings)
    if not needed:
        note.unlink(missing_ok=True)
        return None
    link = f"{_base_url(host, port)}/setup?token={setup_token(settings.signing_key)}"
    # Created private: the link makes whoever holds it the owner.
    note.unlink(missing_ok=True)
    fd = os.open(note, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(f"Open this link to create the Frontdesk owner account:\n{link}\n")
    return link


def _prepare_embedded_model(settings: Settings) -> None:
    """Join the bundled model's parts into the data dir once, with a progress bar."""
    from frontdesk.providers.llm.local_model import MODEL_BYTES, ensure_model, is_ready

    if is_ready(settings.resolved_data_dir):
        return
    with Progress(
        TextColumn("Preparing the embedded language model"), BarColumn(), TimeElapsedColumn(),
        console=console,
    ) as progress:  # fmt: skip
        task = progress.add_task("model", total=MODEL_BYTES)
        with _exit_on_error():
            ensure_model(
                settings.resolved_data_dir,
                lambda done, _total: progress.update(task, completed=done),
            )


@app.command()
def chat(
    agent_id: Annotated[str, typer.Argument(help="The agent to talk to")],
    workspace: Annotated[str | None, typer.Option(help="Workspace id")] = None,
) -> None:
    """Talk to an agent in the terminal (text channel); an empty line or Ctrl-D hangs up."""
    import asyncio

    from frontdesk.conversations.service import ConversationHub

    resources, principal = _open(workspace)
    if resources.embedded_llm is not None:
        _prepare_embedded_model(resources.settings)

    async def talk() -> None:
        hub = ConversationHub(resources)
        with _exit_on_error():
            started = await hub.start(principal, agent_id)
        console.print(f"[bold]agent[/bold]: {started['greeting']}")
        try:
            while True:
                try:
                    text = await asyncio.to_thread(console.input, "[bold]you[/bold]: ")
                except EOFError:
                    break
                if not text.strip():
                    break
                out = await hub.message(principal, started["id"], text)
                for call in out["tool_calls"]:
                    mark = "✗" if call["error"] else "✓"
                    console.print(f"  [dim]{mark} {call['name']}({call['arguments']})[/dim]")
                console.print(f"[bold]agent[/bold]: {out['reply']}")
                if out["ended"]:
                    break
        finally:
            await hub.close_all()

    asyncio.run(talk())
    resources.close()


@app.command()
def onboard(
    agent_id: Annotated[str, typer.Argument(help="The agent to set up")],
    workspace: Annotated[str | None, typer.Option(help="Workspace id")] = None,
) -> None:
    """The onboarding interview in the terminal; then the agent is generated and its
    answers are read into its knowledge here."""
    from frontdesk.knowledge.repository import KnowledgeRepository
    from frontdesk.onboarding.terminal import interview

    resources, principal = _open(workspace)
    if resources.embedded_llm is not None:
        _prepare_embedded_model(resources.settings)
    with _exit_on_error():
        generated = interview(resources, principal, agent_id, console, console.input)
    if generated is not None:
        with transaction(resources.sessionmaker) as db:
            queued = KnowledgeRepository(db).working_source_ids(agent_id)
        _run_with_progress(resources, queued)
        console.print(f"Run [bold]frontdesk exam {agent_id}[/bold] to see how well it answers.")
    resources.close()


@app.command()
def exam(
    agent_id: Annotated[str, typer.Argument(help="The agent to examine")],
    workspace: Annotated[str | None, typer.Option(help="Workspace id")] = None,
) -> None:
    """Run the agent's exam here: questions from its own knowledge, graded replies."""
    import asyncio

    from frontdesk.conversations.service import ConversationHub
    from frontdesk.exams.service import ExamRunner
    from frontdesk.models import Exam

    resources, principal = _open(workspace)
    if resources.embedded_llm is not None:
        _prepare_embedded_model(resources.settings)

    async def run() -> str:
        hub = ConversationHub(resources)
        runner = ExamRunner(resources, hub)
        with _exit_on_error():
            exam_id, questions = await runner.create(principal, agent_id)
        with Progress(
            TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
            TimeElapsedColumn(), console=console,
        ) as progress:  # fmt: skip
            tasks: dict[str, TaskID] = {}

            def show(stage: str, done: int, total: int) -> None:
                if stage not in tasks:
                    label = "Writing questions" if stage == "writing" else "Answering"
                    tasks[stage] = progress.add_task(label, total=total)
                progress.update(tasks[stage], completed=done, total=total)

            await runner.run(principal, exam_id, agent_id, questions, on_progress=show)
        await hub.close_all()
        return exam_id

    exam_id = asyncio.run(run())
    with transaction(resources.sessionmaker) as db:
        result = db.get(Exam, exam_id)
        assert result is not None
        for r in result.results:
            if not r["passed"]:
                console.print(f"[red]✗ {r['question']}[/red] → {r['reply']!r} ({r['why']})")
        if result.status == "failed":
            console.print(f"[red]The exam stopped: {result.error}[/red]")
        score = f"{result.score:.0%}" if result.score is not None else "n/a"
        console.print(f"Score: [bold]{score}[/bold] ({result.passed}/{result.answered} passed)")
    resources.close()


MetricsPort = Annotated[
    int,
    typer.Option(help="Serve Prometheus metrics on this port of FRONTDESK_HOST (0: don't)"),
]


def _serve_metrics(settings: Settings, port: int) -> None:
    if port:
        from frontdesk.observability.exporter import serve_metrics

        serve_metrics(settings.host, port, settings.metrics_token)


@app.command()
def worker(
    workers: Annotated[int, typer.Option(help="Worker threads")] = 2,
    metrics_port: MetricsPort = 0,
) -> None:
    """Run background jobs (use with FRONTDESK_QUEUE_URL=redis://… beside `serve`)."""
    settings = _settings()
    _configure_logging(settings)
    _prepare(settings)
    _serve_metrics(settings, metrics_port)
    resources = build_resources(settings)
    consumer = resources.queue.huey.create_consumer(
        workers=workers, worker_type="thread", periodic=True
    )
    resources.queue.recover()
    consumer.run()


@app.command("agent-worker")
def agent_worker(
    port: Annotated[int, typer.Option(help="Port of the worker's health check (0: any)")] = 8081,
    metrics_port: MetricsPort = 0,
) -> None:
    """Answer LiveKit calls: register with LiveKit as FRONTDESK_LIVEKIT_AGENT_NAME."""
    import asyncio

    from frontdesk.livekit.call_models import check_worker_settings
    from frontdesk.livekit.worker_server import run_worker

    settings = _settings()
    with _exit_on_error():
        check_worker_settings(settings)
    _configure_logging(settings)
    _prepare(settings)
    _serve_metrics(settings, metrics_port)
    resources = build_resources(settings)
    if resources.embedded_llm is not None:
        _prepare_embedded_model(settings)
    try:
        asyncio.run(run_worker(resources, port=port))
    finally:
        resources.close()
    exit_before_finalizing(0)


@app.command()
def ingest(
    agent_id: Annotated[str | None, typer.Argument(help="An existing agent to (re)process")] = None,
    name: Annotated[str | None, typer.Option(help="Create a new agent with this name")] = None,
    url: Annotated[str | None, typer.Option(help="Website to crawl")] = None,
    file: Annotated[list[Path] | None, typer.Option(help="Document to add (repeatable)")] = None,
    workspace: Annotated[str | None, typer.Option(help="Workspace id (default: the first)")] = None,
) -> None:
    """Ingest knowledge in this process, with a progress bar per source."""
    from frontdesk.agents.schemas import AgentCreate
    from frontdesk.agents.service import AgentService
    from frontdesk.knowledge.repository import KnowledgeRepository
    from frontdesk.knowledge.service import Upload

    resources, principal = _open(workspace)
    with _exit_on_error(), transaction(resources.sessionmaker) as db:
        service = AgentService(db, resources, principal)
        if agent_id is None:
            if not name:
                console.print("[red]Give an AGENT_ID, or --name with --url/--file.[/red]")
                raise typer.Exit(2)
            uploads = [Upload(filename=p.name, data=p.read_bytes()) for p in file or []]
            agent = service.create(AgentCreate(name=name, website_url=url), uploads)
        else:
            agent = service.get(agent_id)
            if url:
                service.knowledge.add_website(agent, url)
            if file:
                service.knowledge.add_files(
                    agent, [Upload(filename=p.name, data=p.read_bytes()) for p in file]
                )
        agent_id = agent.id
    with transaction(resources.sessionmaker) as db:
        sources = KnowledgeRepository(db).working_source_ids(agent_id)
    console.print(f"Agent [bold]{agent_id}[/bold]: {len(sources)} source(s) to ingest")
    _run_with_progress(resources, sources)
    with transaction(resources.sessionmaker) as db:
        rows = KnowledgeRepository(db).sources(agent_id)
        failed = [s for s in rows if s.status == "failed"]
        for s in failed:
            console.print(f"[red]✗ {s.url or s.file_name or s.title}: {s.error}[/red]")
    resources.close()
    if failed:
        raise typer.Exit(1)


def _run_with_progress(resources: Resources, source_ids: list[str]) -> None:
    threads = [
        threading.Thread(target=resources.runner.run_source, args=(sid,), daemon=True)
        for sid in source_ids
    ]
    for thread in threads:
        thread.start()
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[detail]}"),
        TimeElapsedColumn(),
        console=console,
    ) as progress:
        tasks = {sid: progress.add_task(sid[:8], total=None, detail="queued") for sid in source_ids}
        while True:
            alive = any(t.is_alive() for t in threads)
            with transaction(resources.sessionmaker) as db:
                for sid, task in tasks.items():
                    s = db.get(KnowledgeSource, sid)
                    if s is None:
                        continue
                    label = (s.url or s.file_name or s.title or sid)[:50]
                    progress.update(
                        task,
                        description=label,
                        total=max(s.pages_found, 1),
                        completed=s.pages_fetched,
                        detail=f"{s.status} · {s.pages_indexed} indexed · "
                        f"{s.pages_failed} failed · {s.chunk_count} chunks",
                    )
            if not alive:
                break
            time.sleep(0.3)


@agents_app.command("list")
def agents_list(
    q: Annotated[str | None, typer.Option(help="Search by name")] = None,
    workspace: Annotated[str | None, typer.Option(help="Workspace id")] = None,
) -> None:
    """List agents."""
    from frontdesk.agents.service import AgentService

    resources, principal = _open(workspace)
    table = Table()
    # Ids are what the other commands take: never let rich truncate them.
    table.add_column("id", no_wrap=True, min_width=32)
    table.add_column("name")
    table.add_column("status", no_wrap=True)
    table.add_column("website", overflow="fold")
    with transaction(resources.sessionmaker) as db:
        for agent in AgentService(db, resources, principal).find(q):
            table.add_row(agent.id, agent.name, agent.status, agent.website_url or "")
    console.print(table)


@agents_app.command("create")
def agents_create(
    name: Annotated[str, typer.Argument(help="Agent name")],
    url: Annotated[str | None, typer.Option(help="Website to crawl")] = None,
    workspace: Annotated[str | None, typer.Option(help="Workspace id")] = None,
) -> None:
    """Create an agent; a running `frontdesk serve` (or worker) ingests it."""
    from frontdesk.agents.schemas import AgentCreate
    from frontdesk.agents.service import AgentService

    resources, principal = _open(workspace)
    with _exit_on_error(), transaction(resources.sessionmaker) as db:
        agent = AgentService(db, resources, principal).create(
            AgentCreate(name=name, website_url=url)
        )
    console.print(f"Created agent [bold]{agent.id}[/bold] ({agent.status})")


@agents_app.command("delete")
def agents_delete(
    agent_id: Annotated[str, typer.Argument(help="Agent id")],
    workspace: Annotated[str | None, typer.Option(help="Workspace id")] = None,
) -> None:
    """Delete an agent with its knowledge, vectors and files."""
    from frontdesk.agents.service import AgentService

    resources, principal = _open(workspace)
    with _exit_on_error(), transaction(resources.sessionmaker) as db:
        AgentService(db, resources, principal).delete(agent_id)
    console.print(f"Deleted agent {agent_id}")
