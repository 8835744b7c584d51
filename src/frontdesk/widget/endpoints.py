"""The owner's widget API (settings, snippet, deploy / pause) and the widget script itself.

The public side, which callers' browsers reach, is in `public_endpoints.py`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import FileResponse

from frontdesk.agents.schemas import AgentPublic
from frontdesk.db import DbSession
from frontdesk.errors import Conflict
from frontdesk.models import Agent
from frontdesk.openapi_errors import error_responses
from frontdesk.talk.endpoints import static_dir
from frontdesk.talk.web_bundle import load_entry
from frontdesk.widget.schemas import WidgetOut, WidgetSettingsUpdate
from frontdesk.widget.service import WidgetService
from frontdesk.workspace.auth import CurrentPrincipal

router = APIRouter(tags=["widget"])

WIDGET_SCRIPT = "widget.js"
WIDGET_ENTRY = "src/widget/main.ts"
SCRIPT_HEADERS = {
    # Short: sites keep the tag for years, and a fixed widget should reach them soon.
    "Cache-Control": "public, max-age=300",
    # Lets pages that isolate themselves (COEP require-corp) still load it.
    "Cross-Origin-Resource-Policy": "cross-origin",
}
# `document.currentScript` is only set while a classic script first runs: read it at once.
LOADER = """(function () {
  var script = document.currentScript;
  if (!script) return;
  import(new URL(MODULE, script.src).href)
    .then(function (widget) { return widget.start(script); })
    .catch(function (problem) { console.warn("Frontdesk widget:", problem); });
})();
"""


def _service(request: Request, db: DbSession, principal: CurrentPrincipal) -> WidgetService:
    return WidgetService(db, request.app.state.resources, principal)


Service = Annotated[WidgetService, Depends(_service)]


def _base_url(request: Request) -> str:
    return str(request.base_url).rstrip("/")


@router.get("/api/agents/{agent_id}/widget", response_model=WidgetOut)
def get_widget(agent_id: str, request: Request, service: Service) -> dict[str, object]:
    """The agent's widget: its public key, settings, the snippet to paste into the website,
    the agent's status and today's widget minutes against the daily cap."""
    return service.view(service.get(agent_id), _base_url(request))


@router.patch("/api/agents/{agent_id}/widget", response_model=WidgetOut)
def update_widget(
    agent_id: str, body: WidgetSettingsUpdate, request: Request, service: Service
) -> dict[str, object]:
    """Change the widget's settings; only the fields sent change."""
    return service.view(service.update(agent_id, body), _base_url(request))


@router.post(
    "/api/agents/{agent_id}/deploy", response_model=AgentPublic, responses=error_responses(Conflict)
)
def deploy_agent(agent_id: str, service: Service) -> Agent:
    """Let the widget open conversations with this agent. Allowed once the agent is ready
    (sources read, onboarding interview done), and from paused; 409 otherwise."""
    return service.deploy(agent_id)


@router.post(
    "/api/agents/{agent_id}/pause", response_model=AgentPublic, responses=error_responses(Conflict)
)
def pause_agent(agent_id: str, service: Service) -> Agent:
    """Stop the widget from opening conversations; callers are told politely (with the
    business's phone number when the agent knows it). 409 when the agent is not deployed."""
    return service.pause(agent_id)


@router.get("/widget.js", include_in_schema=False)
def widget_script(bundle_dir: Annotated[Path, Depends(static_dir)]) -> Response:
    """The embeddable widget. Any site may load it (a script tag needs no CORS); what it
    may do is decided by the public endpoints.

    A `widget.js` built as one file is served as it is. Otherwise the widget is Vite's
    `src/widget/main.ts` module (hashed, beside the dashboard's files), and this is the few
    lines that import it from this server and start it on its own script tag: a module
    cannot be pasted as a plain `<script>`, and its name changes with every build."""
    path = bundle_dir / WIDGET_SCRIPT
    if path.is_file():
        return FileResponse(path, media_type="text/javascript", headers=SCRIPT_HEADERS)
    entry = load_entry(bundle_dir, WIDGET_ENTRY)  # 503 in plain words when not built
    # Relative to this script's own URL, so it also works under a path prefix.
    module = json.dumps(entry.script.lstrip("/"))
    loader = LOADER.replace("MODULE", module)
    return Response(loader, media_type="text/javascript", headers=SCRIPT_HEADERS)
