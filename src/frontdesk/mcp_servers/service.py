"""MCP servers of an agent: validated before they are stored, checked on request, and turned
into the plain specs the runtime connects to in every conversation.

Two rules keep an owner's MCP server from becoming a way into the Frontdesk machine: a
stdio server runs a program here, so only owners and admins may set one up and only with a
whole command line (and environment variable names) the operator allowed (stdio_policy.py);
an HTTP server must be on the public internet unless FRONTDESK_OUTBOUND_ALLOWED_HOSTS names
its host. Both are checked again right before each connection, since settings and DNS
answers change. Stored headers stay with a server only while its origin does.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from urllib.parse import urlsplit

from sqlalchemy.orm import Session

from frontdesk.agents.service import AgentService
from frontdesk.config import Settings
from frontdesk.errors import Forbidden, NotFound, UnsafeURL, ValidationFailed
from frontdesk.mcp_servers.repository import McpServerRepository
from frontdesk.mcp_servers.schemas import (
    MASK,
    McpServerCreate,
    McpServerPublic,
    McpServerUpdate,
    McpToolPublic,
    masked,
)
from frontdesk.mcp_servers.stdio_policy import check_command_line, check_env_names
from frontdesk.models import McpServer
from frontdesk.providers.crawl.ssrf import AddressRefused, check_url
from frontdesk.resources import Resources
from frontdesk.runtime.mcp_spec import McpServerReport, McpServerSpec
from frontdesk.runtime.mcp_tools import McpServerFailed, list_server_tools
from frontdesk.secret_targets import secrets_follow
from frontdesk.workspace.service import Principal

OUTBOUND_SETTING = "FRONTDESK_OUTBOUND_ALLOWED_HOSTS"
TRANSPORTS = ("http", "stdio")
MAX_SERVERS_PER_AGENT = 10
MAX_HEADERS = 20
# RFC 9110 token characters: anything else in a header name breaks the request.
_HEADER_NAME = re.compile(r"^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$")
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


# Who opened a conversation (`Conversation.source`) that may use every MCP tool that is on:
# the owner's own channels (the dashboard chat, test calls, API keys). Every other source
# (the public widget, and any channel added later) is an anonymous caller.
OWNER_SOURCES = frozenset({"owner"})


def public(server: McpServer) -> McpServerPublic:
    off = set(server.disabled_tools or [])
    safe = set(server.caller_safe_tools or [])
    return McpServerPublic(
        id=server.id,
        agent_id=server.agent_id,
        name=server.name,
        transport=server.transport,
        url=server.url,
        headers={k: masked(v) for k, v in (server.headers or {}).items()},
        command=server.command,
        args=list(server.args or []),
        env={k: masked(v) for k, v in (server.env or {}).items()},
        enabled=server.enabled,
        disabled_tools=list(server.disabled_tools or []),
        safe_for_callers=server.safe_for_callers,
        caller_safe_tools=list(server.caller_safe_tools or []),
        tools=[
            McpToolPublic(
                name=str(t.get("name", "")),
                description=str(t.get("description", "")),
                enabled=t.get("name") not in off,
                safe_for_callers=server.safe_for_callers or t.get("name") in safe,
            )
            for t in server.tools or []
        ],
        status=server.status,
        last_error=server.last_error,
        checked_at=server.checked_at,
        created_at=server.created_at,
        updated_at=server.updated_at,
    )


def to_spec(
    server: McpServer,
    allowed_hosts: Sequence[str] = (),
    *,
    only_tools: frozenset[str] | None = None,
) -> McpServerSpec:
    return McpServerSpec(
        server_id=server.id,
        name=server.name,
        transport=server.transport,
        url=server.url or "",
        headers=dict(server.headers or {}),
        command=server.command or "",
        args=tuple(server.args or ()),
        env=dict(server.env or {}),
        disabled_tools=frozenset(server.disabled_tools or ()),
        allowed_hosts=tuple(allowed_hosts),
        only_tools=only_tools,
    )


def caller_tools(server: McpServer, source: str) -> frozenset[str] | None:
    """The tools of `server` a conversation opened by `source` may be offered: None for all
    that are on (the owner's channels, or a server marked safe for callers), else the ones
    marked safe one by one (possibly none)."""
    if source in OWNER_SOURCES or server.safe_for_callers:
        return None
    return frozenset(server.caller_safe_tools or ())


def specs_for_agent(
    db: Session, agent_id: str, *, source: str, allowed_hosts: Sequence[str] = ()
) -> tuple[McpServerSpec, ...]:
    """The enabled servers a conversation opened by `source` connects to: a server with no
    tool for this caller is not connected at all."""
    specs = []
    for server in McpServerRepository(db).enabled_for(agent_id):
        only = caller_tools(server, source)
        if only is not None and not only:
            continue
        specs.append(to_spec(server, allowed_hosts, only_tools=only))
    return tuple(specs)


def check_command(
    settings: Settings, command: str, args: Sequence[str], env: Mapping[str, str]
) -> None:
    """The whole command line and the variable names, against the operator's lists."""
    check_command_line(settings.mcp_stdio_commands, command, args)
    check_env_names(settings.mcp_stdio_env, env)


async def check_http_url(url: str, allowed_hosts: list[str]) -> None:
    """Refuse a URL that is not http(s) or that reaches a private address the allow-list does
    not name, with the MCP setting in the message (not the crawler's)."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        raise ValidationFailed(f"{url!r} is not a valid web address.") from None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise ValidationFailed(
            f"{url!r} is not a web address: an MCP server over HTTP has an address like "
            "https://mcp.example.com/mcp."
        )
    try:
        await check_url(url, allowed_hosts)
    except AddressRefused as exc:
        # "[::1] is ::1" says nothing; a name is worth showing with what it resolved to.
        literal = exc.host.strip("[]").lower() == str(exc.address)
        what = exc.host if literal else f"{exc.host} is {exc.address}, which"
        raise UnsafeURL(
            f"Refused {url}: {what} is not a public internet address. "
            f"Frontdesk only reaches MCP servers on the public internet; add the host to "
            f"{OUTBOUND_SETTING} if this one is intended."
        ) from None
    except UnsafeURL:
        raise UnsafeURL(
            f"Could not find the host of {url}; check the spelling of the address."
        ) from None


def _kept_or_new(name: str, value: str, stored: Mapping[str, str]) -> str | None:
    """The value to store: the stored secret when it was sent back exactly as shown, None for
    a masked value with no stored secret behind it (dropped with an address change)."""
    if value.startswith(MASK):
        if name in stored and value == masked(stored[name]):
            return stored[name]
        return None
    return value


def _clean_headers(headers: Mapping[str, str], stored: Mapping[str, str]) -> dict[str, str]:
    if len(headers) > MAX_HEADERS:
        raise ValidationFailed(f"At most {MAX_HEADERS} headers per server.")
    cleaned: dict[str, str] = {}
    for name, sent in headers.items():
        name = name.strip()
        if not _HEADER_NAME.match(name):
            raise ValidationFailed(f"{name!r} is not a valid HTTP header name.")
        value = _kept_or_new(name, sent, stored)
        if value is None:
            continue
        if "\r" in value or "\n" in value or len(value) > 8000:
            raise ValidationFailed(f"The value of header {name} must be one line (under 8000).")
        cleaned[name] = value.strip()
    return cleaned


def _clean_env(env: Mapping[str, str], stored: Mapping[str, str]) -> dict[str, str]:
    cleaned: dict[str, str] = {}
    for name, sent in env.items():
        if not _ENV_NAME.match(name):
            raise ValidationFailed(
                f"{name!r} is not a valid environment variable name (letters, digits, _)."
            )
        value = _kept_or_new(name, sent, stored)
        if value is None:
            continue
        if "\x00" in value or len(value) > 8000:
            raise ValidationFailed(f"The value of {name} must be under 8000 characters, no NUL.")
        cleaned[name] = value
    return cleaned


def _clean_args(args: list[str]) -> list[str]:
    for arg in args:
        if "\x00" in arg or len(arg) > 2000:
            raise ValidationFailed("Each argument must be under 2000 characters, without NUL.")
    return list(args)


def _clean_tool_names(names: list[str]) -> list[str]:
    return sorted({n.strip() for n in names if n.strip()})


def record_report(db: Session, agent_id: str, report: McpServerReport) -> None:
    """Store what a conversation's connection found: the tools, or why it failed."""
    server = McpServerRepository(db).of_agent_by_id(agent_id, report.server_id)
    if server is None:
        return  # deleted while the conversation was starting
    _apply_report(server, report)


def _apply_report(server: McpServer, report: McpServerReport) -> None:
    server.checked_at = datetime.now(UTC)
    if report.ok:
        server.status, server.last_error = "ok", None
        server.tools = [{"name": t.name, "description": t.description} for t in report.tools]
    else:
        # The tools seen last stay listed, so the owner keeps their switches.
        server.status, server.last_error = "failed", report.error


async def guard_connection(settings: Settings, spec: McpServerSpec) -> None:
    """Checked right before each connection: the settings may have changed since it was saved."""
    try:
        if spec.transport == "stdio":
            check_command(settings, spec.command, spec.args, spec.env)
        else:
            await check_http_url(spec.url, settings.outbound_allowed_hosts)
    except (ValidationFailed, UnsafeURL) as exc:
        raise McpServerFailed(str(exc.detail)) from exc


class McpServerService:
    """The owner's side: everything is scoped to the principal's workspace and the agent."""

    def __init__(self, db: Session, resources: Resources, principal: Principal) -> None:
        self.db = db
        self.settings = resources.settings
        self.principal = principal
        self.agents = AgentService(db, resources, principal)
        self.repo = McpServerRepository(db)

    def _require_admin_for_stdio(self) -> None:
        if not self.principal.is_admin:
            raise Forbidden(
                "Only the workspace's owner and admins can set up or change an MCP server over "
                "stdio: it runs a program on the Frontdesk machine."
            )

    def list(self, agent_id: str) -> list[McpServer]:
        agent = self.agents.get(agent_id)
        return self.repo.of_agent(self.principal.workspace_id, agent.id)

    def get(self, agent_id: str, server_id: str) -> McpServer:
        agent = self.agents.get(agent_id)
        server = self.repo.get(self.principal.workspace_id, agent.id, server_id)
        if server is None:
            raise NotFound("No such MCP server on this agent.")
        return server

    def _check_name(self, agent_id: str, name: str, server_id: str | None = None) -> str:
        name = " ".join(name.split())
        if not name:
            raise ValidationFailed("Give the server a name, e.g. Order status.")
        for other in self.repo.of_agent(self.principal.workspace_id, agent_id):
            if other.id != server_id and other.name.lower() == name.lower():
                raise ValidationFailed(f"This agent already has an MCP server named {name!r}.")
        return name

    def _check_target(self, server: McpServer) -> None:
        """The transport's own fields, complete and allowed."""
        if server.transport == "http":
            url = (server.url or "").strip()
            if not url:
                raise ValidationFailed("An HTTP MCP server needs its URL, e.g. https://…/mcp.")
            asyncio.run(check_http_url(url, self.settings.outbound_allowed_hosts))
            server.url = url
        else:
            command = (server.command or "").strip()
            if not command:
                raise ValidationFailed("A stdio MCP server needs the command that starts it.")
            check_command(self.settings, command, server.args or [], server.env or {})
            server.command = command

    def create(self, agent_id: str, data: McpServerCreate) -> McpServer:
        agent = self.agents.get(agent_id)
        transport = data.transport.strip().lower()
        if transport not in TRANSPORTS:
            raise ValidationFailed(
                f"Unknown transport {data.transport!r}: use http (a server at a URL) or stdio "
                "(a program Frontdesk starts on this machine)."
            )
        if transport == "stdio":
            self._require_admin_for_stdio()
        if self.repo.count(agent.id) >= MAX_SERVERS_PER_AGENT:
            raise ValidationFailed(
                f"An agent can use at most {MAX_SERVERS_PER_AGENT} MCP servers; remove one first."
            )
        server = McpServer(
            workspace_id=agent.workspace_id,
            agent_id=agent.id,
            name=self._check_name(agent.id, data.name),
            transport=transport,
            enabled=data.enabled,
            disabled_tools=_clean_tool_names(data.disabled_tools),
            safe_for_callers=data.safe_for_callers,
            caller_safe_tools=_clean_tool_names(data.caller_safe_tools),
            tools=[],
            status="unchecked",
        )
        if transport == "http":
            server.url = data.url
            server.headers = _clean_headers(data.headers, {})
            server.args, server.env = [], {}
        else:
            server.command = data.command
            server.args = _clean_args(data.args)
            server.env = _clean_env(data.env, {})
            server.headers = {}
        self._check_target(server)
        self.db.add(server)
        self.db.flush()
        return server

    def update(self, agent_id: str, server_id: str, change: McpServerUpdate) -> McpServer:
        server = self.get(agent_id, server_id)
        if server.transport == "stdio":
            self._require_admin_for_stdio()
        sent = change.model_fields_set
        for required in ("name", "enabled", "safe_for_callers"):
            if required in sent and getattr(change, required) is None:
                raise ValidationFailed(f"{required} cannot be null.")
        wrong = {"http": ("command", "args", "env"), "stdio": ("url", "headers")}[server.transport]
        for name in wrong:
            if name in sent and getattr(change, name) is not None:
                raise ValidationFailed(
                    f"{name} does not apply to a {server.transport} server; "
                    "add a new server to change the transport."
                )
        target_changed = False
        if change.name is not None:
            server.name = self._check_name(server.agent_id, change.name, server.id)
        if change.url is not None:
            if not secrets_follow(server.url, change.url.strip()):
                # The stored headers were meant for the old server only (see secret_targets).
                server.headers = {}
            server.url, target_changed = change.url, True
        if change.headers is not None:
            server.headers = _clean_headers(change.headers, server.headers or {})
            target_changed = True
        if change.command is not None:
            if change.command.strip() != (server.command or ""):
                # Values given to one program are not handed to another.
                server.env = {}
            server.command, target_changed = change.command, True
        if change.args is not None:
            server.args, target_changed = _clean_args(change.args), True
        if change.env is not None:
            server.env = _clean_env(change.env, server.env or {})
            target_changed = True
        if change.enabled is not None:
            server.enabled = change.enabled
        if change.disabled_tools is not None:
            server.disabled_tools = _clean_tool_names(change.disabled_tools)
        if change.safe_for_callers is not None:
            server.safe_for_callers = change.safe_for_callers
        if change.caller_safe_tools is not None:
            server.caller_safe_tools = _clean_tool_names(change.caller_safe_tools)
        if target_changed:
            self._check_target(server)
            # What was found at the old address says nothing about the new one.
            server.status, server.last_error = "unchecked", None
        self.db.flush()
        return server

    def delete(self, agent_id: str, server_id: str) -> None:
        server = self.get(agent_id, server_id)
        if server.transport == "stdio":
            self._require_admin_for_stdio()
        self.db.delete(server)
        self.db.flush()

    def check(self, agent_id: str, server_id: str) -> McpServer:
        """Connect now, list the tools and store them with the status (failed says why)."""
        server = self.get(agent_id, server_id)
        spec = to_spec(server, self.settings.outbound_allowed_hosts)

        async def attempt() -> McpServerReport:
            try:
                await guard_connection(self.settings, spec)
                tools = await list_server_tools(spec)
            except McpServerFailed as exc:
                return McpServerReport(spec.server_id, error=str(exc))
            return McpServerReport(spec.server_id, tools=tuple(tools))

        _apply_report(server, asyncio.run(attempt()))
        self.db.flush()
        return server
