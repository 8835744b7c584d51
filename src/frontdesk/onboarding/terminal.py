"""`frontdesk onboard AGENT`: the onboarding interview in a terminal.

The same service as the API (the interview is saved after every answer: quitting and
running the command again resumes it). An empty answer skips, "back" returns to the
previous question, "quit" leaves; after the last question the agent is generated.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from typing import Any

from rich.console import Console

from frontdesk.db import transaction
from frontdesk.errors import ConfigurationError
from frontdesk.onboarding.phrasing import Phraser, phrase
from frontdesk.onboarding.service import OnboardingService, state
from frontdesk.resources import Resources
from frontdesk.workspace.repository import WorkspaceRepository
from frontdesk.workspace.service import Principal

HELP = "(Enter skips, 'back' goes to the previous question, 'quit' saves and leaves.)"


def model_phraser(
    resources: Resources, workspace_settings: Mapping[str, Any] | None = None
) -> Phraser:
    """Questions worded by the configured model (the workspace's own, when its settings
    name one), for code with no event loop running."""

    def word(business: str, question: dict[str, Any], last: str | None) -> str | None:
        try:
            model = resources.structured_for(workspace_settings)
        except ConfigurationError:
            return None

        async def run() -> str | None:
            try:
                return await phrase(model, business, question, last)
            finally:
                await model.aclose()

        return asyncio.run(run())

    return word


def interview(
    resources: Resources,
    principal: Principal,
    agent_id: str,
    console: Console,
    ask: Callable[[str], str],
) -> dict[str, Any] | None:
    """Run the interview; the generated agent's settings, or None when the owner quit."""

    def service(db: Any) -> OnboardingService:
        own = WorkspaceRepository(db).settings_of(principal.workspace_id)
        return OnboardingService(db, resources, principal, phraser=model_phraser(resources, own))

    with transaction(resources.sessionmaker) as db:
        row, created = service(db).start(agent_id)
        current = state(row)
    console.print("Starting the interview." if created else "Resuming your interview.")
    console.print(f"[dim]{HELP}[/dim]")
    while current["current"] is not None:
        question = current["current"]
        number = current["position"] + 1
        console.print(
            f"\n[bold]{number}/{current['total']}[/bold] [dim]{question['topic_label']}[/dim]"
        )
        console.print(question["text"])
        reply = ask("> ").strip()
        if reply.lower() == "quit":
            console.print("Saved. Run the same command to carry on.")
            return None
        with transaction(resources.sessionmaker) as db:
            moves = service(db)
            if reply.lower() == "back":
                row = moves.back(agent_id)
            elif not reply:
                row = moves.skip(agent_id, question["id"])
            else:
                row = moves.answer(agent_id, question["id"], reply)
            current = state(row)
    with transaction(resources.sessionmaker) as db:
        agent = service(db).finish(agent_id)
        generated = {
            "persona_name": agent.persona_name,
            "greeting": agent.greeting,
            "instructions": agent.instructions,
            "appointment_types": [
                t["name"] for t in (agent.scheduling or {}).get("appointment_types", [])
            ],
        }
    console.print(f"\n[bold]{generated['persona_name']}[/bold] is ready: {generated['greeting']}")
    console.print(f"[dim]{generated['instructions']}[/dim]")
    return generated
