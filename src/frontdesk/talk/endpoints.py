"""The talk page, served to the signed-in owner of the agent."""

from __future__ import annotations

from html import escape
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from frontdesk.agents.service import AgentService
from frontdesk.db import DbSession
from frontdesk.errors import ServiceUnavailable
from frontdesk.openapi_errors import error_responses
from frontdesk.talk.web_bundle import STATIC_DIR, load_entry
from frontdesk.workspace.auth import CurrentPrincipal

router = APIRouter(tags=["talk"])

TALK_ENTRY = "src/talk/main.ts"


def static_dir() -> Path:
    """Where the built bundle is (a dependency, so a test can point it at an empty folder)."""
    return STATIC_DIR


# The empty icon spares every visit a /favicon.ico request that would only answer 404.
PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Talk to {name} · Frontdesk</title>
<link rel="icon" href="data:,">
{tags}
</head>
<body>
<main id="talk" data-agent-id="{agent_id}" data-agent-name="{name}">
<h1>Talk to {name}</h1>
<noscript><p>This page needs JavaScript to reach your microphone.</p></noscript>
</main>
</body>
</html>
"""


@router.get(
    "/talk/{agent_id}",
    response_class=HTMLResponse,
    responses=error_responses(ServiceUnavailable),
)
def talk_page(
    agent_id: str,
    request: Request,
    principal: CurrentPrincipal,
    db: DbSession,
    bundle_dir: Annotated[Path, Depends(static_dir)],
) -> HTMLResponse:
    """A page to call the agent in the browser: live captions, a level meter, typed input
    and each turn's timings. Answers 503 while the browser bundle has not been built."""
    agent = AgentService(db, request.app.state.resources, principal).get(agent_id)
    # After the agent check: a stranger learns nothing, not even whether the bundle is built.
    entry = load_entry(bundle_dir, TALK_ENTRY)
    html = PAGE.format(name=escape(agent.name), agent_id=escape(agent.id), tags=entry.tags())
    # The page names the agent and is only for its owner: keep it out of shared caches.
    return HTMLResponse(html, headers={"Cache-Control": "private, no-store"})
