"""An agent's MCP servers: the tools of each enabled one join the agent's own tools in every
conversation."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from frontdesk.db import DbSession
from frontdesk.mcp_servers.schemas import McpServerCreate, McpServerPublic, McpServerUpdate
from frontdesk.mcp_servers.service import McpServerService, public
from frontdesk.workspace.auth import CurrentPrincipal

router = APIRouter(prefix="/api/agents/{agent_id}/mcp-servers", tags=["mcp servers"])


def _service(request: Request, principal: CurrentPrincipal, db: DbSession) -> McpServerService:
    return McpServerService(db, request.app.state.resources, principal)


@router.get("", response_model=list[McpServerPublic])
def list_mcp_servers(
    agent_id: str, request: Request, principal: CurrentPrincipal, db: DbSession
) -> list[McpServerPublic]:
    """The agent's MCP servers, oldest first, with the tools each offered when last reached
    and its status. Header and environment values are masked."""
    return [public(s) for s in _service(request, principal, db).list(agent_id)]


@router.post("", response_model=McpServerPublic, status_code=201)
def create_mcp_server(
    agent_id: str,
    data: McpServerCreate,
    request: Request,
    principal: CurrentPrincipal,
    db: DbSession,
) -> McpServerPublic:
    """Give the agent an MCP server. `http`: a URL on the public internet (or a host named in
    FRONTDESK_OUTBOUND_ALLOWED_HOSTS) and optional headers such as Authorization. `stdio`:
    owners and admins only; `command` with `args` must be a whole command line the operator
    named in FRONTDESK_MCP_STDIO_COMMANDS, and `env` may only set variables named in
    FRONTDESK_MCP_STDIO_ENV. The tools reach anonymous callers (the website widget) only with
    `safe_for_callers` or the tools listed in `caller_safe_tools`. Nothing is connected yet:
    `POST …/check` lists the tools."""
    return public(_service(request, principal, db).create(agent_id, data))


@router.patch("/{server_id}", response_model=McpServerPublic)
def update_mcp_server(
    agent_id: str,
    server_id: str,
    change: McpServerUpdate,
    request: Request,
    principal: CurrentPrincipal,
    db: DbSession,
) -> McpServerPublic:
    """Rename, switch on or off, change the address or command, switch single tools off
    (`disabled_tools`), or mark the server or single tools safe for anonymous callers. Only
    the fields sent change; a changed address or command line is checked again. A URL on
    another scheme, host or port drops the stored headers (a new command drops the stored
    environment): enter them again with it."""
    return public(_service(request, principal, db).update(agent_id, server_id, change))


@router.delete("/{server_id}", status_code=204)
def delete_mcp_server(
    agent_id: str, server_id: str, request: Request, principal: CurrentPrincipal, db: DbSession
) -> Response:
    """Remove the server; conversations that start afterwards go without its tools."""
    _service(request, principal, db).delete(agent_id, server_id)
    return Response(status_code=204)


@router.post("/{server_id}/check", response_model=McpServerPublic)
def check_mcp_server(
    agent_id: str, server_id: str, request: Request, principal: CurrentPrincipal, db: DbSession
) -> McpServerPublic:
    """Connect to the server now and list its tools (a few seconds at most). The answer is
    the server with `status` ok and its tools, or `status` failed and `last_error` saying why
    in plain words (did not answer, not an MCP server, command could not start…)."""
    return public(_service(request, principal, db).check(agent_id, server_id))
