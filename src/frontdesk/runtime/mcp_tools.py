"""An agent's MCP servers as tools next to the built-in ones.

Each enabled server becomes one livekit `MCPToolset` that the session sets up when the
conversation starts. A server that cannot start, does not answer in time or is not an MCP
server leaves the agent without its tools for that conversation (the session never sees
the failure) and is reported, so the owner sees why on the server's status. Tool failures
reach the model as a `ToolError` it can explain to the caller.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any, Self
from urllib.parse import urlsplit

import httpx
import httpx2
from livekit.agents.llm import ToolError, function_tool
from livekit.agents.llm.mcp import (
    MCPServer,
    MCPServerHTTP,
    MCPServerStdio,
    MCPTool,
    MCPToolResultContext,
    MCPToolset,
)

from frontdesk.providers.crawl.guarded_httpx2 import guarded_httpx2_client
from frontdesk.providers.crawl.ssrf import AddressRefused, guarded_async_client
from frontdesk.runtime.mcp_spec import McpServerReport, McpServerSpec, McpToolInfo

log = logging.getLogger(__name__)

# What the model gets back at most from one call: a server that dumps a whole database
# would otherwise fill the context of a small model.
MAX_RESULT_CHARS = 4000


ReportMcp = Callable[[McpServerReport], Awaitable[None]]
# Runs before each connection; raises (with a message for the owner) to refuse it.
CheckMcp = Callable[[McpServerSpec], Awaitable[None]]


class McpServerFailed(Exception):
    """The server could not be reached or used; the message says why in plain words."""


def _text_result(ctx: MCPToolResultContext) -> str:
    """The tool's answer as text, the way the model reads the built-in tools' answers."""
    parts: list[str] = []
    for item in ctx.result.content:
        text = getattr(item, "text", None)
        parts.append(text if isinstance(text, str) else f"[{item.type} content left out]")
    if not parts and ctx.result.structured_content is not None:
        parts.append(json.dumps(ctx.result.structured_content, ensure_ascii=False))
    if not parts:
        raise ToolError(f"The tool {ctx.tool_name} answered with nothing.")
    text = "\n".join(parts)
    if len(text) > MAX_RESULT_CHARS:
        text = text[:MAX_RESULT_CHARS] + " [answer cut short]"
    return text


class GuardedMCPServerHTTP(MCPServerHTTP):
    """livekit's HTTP MCP client whose every connection goes through the outbound guard:
    each one resolves the name once, refuses a non-public address the allow-list does not
    name, and connects to the checked address, so a DNS answer that changes after the
    check (rebinding) reaches nothing."""

    def __init__(self, *args: Any, allowed_hosts: tuple[str, ...], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._allowed_hosts = allowed_hosts

    def _create_http_client(
        self,
        headers: dict[str, Any] | None = None,
        timeout: httpx2.Timeout | None = None,
        auth: httpx2.Auth | None = None,
    ) -> httpx2.AsyncClient:
        # Both transports (streamable HTTP and SSE) build their client through this method.
        self._http_client = guarded_httpx2_client(
            self._allowed_hosts,
            headers=headers if headers is not None else self._headers,
            timeout=timeout or httpx2.Timeout(self._timeout, read=self._sse_read_timeout),
            auth=auth,
        )
        return self._http_client


def livekit_server(spec: McpServerSpec) -> MCPServer:
    """The livekit MCP client for a server spec."""
    if spec.transport == "stdio":
        return MCPServerStdio(
            spec.command,
            list(spec.args),
            env=dict(spec.env) or None,
            client_session_timeout_seconds=spec.timeout_s,
            tool_result_resolver=_text_result,
        )
    # Streamable HTTP is the current transport; only an address ending in /sse asks for the
    # older one.
    legacy = urlsplit(spec.url).path.rstrip("/").lower().endswith("/sse")
    return GuardedMCPServerHTTP(
        spec.url,
        allowed_hosts=spec.allowed_hosts,
        transport_type="sse" if legacy else "streamable_http",
        headers=dict(spec.headers),
        timeout=spec.timeout_s,
        sse_read_timeout=spec.timeout_s * 6,
        client_session_timeout_seconds=spec.timeout_s,
        tool_result_resolver=_text_result,
    )


def _leaves(exc: BaseException) -> list[BaseException]:
    """The actual errors inside the exception groups that anyio task groups raise."""
    if isinstance(exc, BaseExceptionGroup):
        found: list[BaseException] = []
        for inner in exc.exceptions:
            found.extend(_leaves(inner))
        return found
    return [exc]


def describe_failure(spec: McpServerSpec, exc: BaseException) -> str:
    """Why a server could not be used, in words an owner can act on."""
    where = spec.url if spec.transport == "http" else spec.command
    for leaf in _leaves(exc):
        if isinstance(leaf, McpServerFailed):
            return str(leaf)
        if isinstance(leaf, AddressRefused):
            return (
                f"Refused to connect to {where}: {leaf.host} resolved to {leaf.address}, which "
                "is not a public internet address. Add the host to "
                "FRONTDESK_OUTBOUND_ALLOWED_HOSTS if this one is intended."
            )
        if isinstance(leaf, TimeoutError):
            return f"The server at {where} did not answer within {spec.timeout_s:g} seconds."
        if isinstance(leaf, FileNotFoundError | PermissionError):
            return f"Could not start {spec.command}: {leaf.strerror or leaf}."
        name = type(leaf).__name__
        text = str(leaf).strip()
        if name in ("ConnectError", "ConnectTimeout"):
            return f"The server at {where} did not answer (nothing accepts connections there)."
        if name == "HTTPStatusError":
            status = getattr(getattr(leaf, "response", None), "status_code", "an error")
            if status in (401, 403):
                return (
                    f"The server at {where} refused the credentials (HTTP {status}); "
                    "check the Authorization header."
                )
            return f"{where} is not an MCP server (it answered HTTP {status})."
        if name in ("McpError", "MCPError") and "connection closed" in text.lower():
            return (
                f"The server {where} closed the connection before it answered; "
                "it is not an MCP server or it crashed on start."
            )
        if name in ("McpError", "MCPError", "ValidationError", "JSONDecodeError"):
            return f"{where} is not an MCP server, or speaks another protocol version ({text})."
        if isinstance(leaf, ConnectionError | EOFError) or name in (
            "ClosedResourceError",
            "BrokenResourceError",
            "EndOfStream",
        ):
            return (
                f"The server {where} closed the connection before it answered; "
                "it is not an MCP server or it crashed on start."
            )
    first = _leaves(exc)[0]
    return f"The server at {where} failed: {type(first).__name__}: {first}".strip()


async def _http_refusal(spec: McpServerSpec) -> str | None:
    """The HTTP status behind a failed connection, which the MCP client reports only as a
    generic error: a refused token and a wrong path need different fixes."""
    hello = {
        "jsonrpc": "2.0",
        "id": 1,
        "method": "initialize",
        "params": {
            "protocolVersion": "2025-06-18",
            "capabilities": {},
            "clientInfo": {"name": "frontdesk", "version": "check"},
        },
    }
    headers = {"Accept": "application/json, text/event-stream", **dict(spec.headers)}
    try:
        # The same guard as the MCP client's own connections: this request resolves the
        # name again, and must not be the one a rebinding answer slips through.
        async with guarded_async_client(
            spec.allowed_hosts, timeout=spec.timeout_s, user_agent="Frontdesk MCP check"
        ) as client:
            response = await client.post(spec.url, json=hello, headers=headers)
    except (httpx.HTTPError, AddressRefused):
        return None
    if response.status_code in (401, 403):
        return (
            f"The server at {spec.url} refused the credentials (HTTP {response.status_code}); "
            "check the Authorization header."
        )
    if response.status_code in (404, 405):
        return (
            f"{spec.url} is not an MCP server (HTTP {response.status_code}); MCP servers over "
            "HTTP usually answer at an address ending in /mcp."
        )
    return None


def _tool_info(tool: MCPTool) -> McpToolInfo:
    schema = tool.info.raw_schema
    return McpToolInfo(name=tool.info.name, description=str(schema.get("description") or ""))


def _guarded(tool: MCPTool, spec: McpServerSpec) -> MCPTool:
    """The same tool, whose failures (a timeout, a dropped server) reach the model as a
    ToolError saying so, rather than livekit's generic internal error."""
    name = tool.info.name

    async def call(raw_arguments: dict[str, Any]) -> Any:
        try:
            return await tool(raw_arguments)
        except ToolError:
            raise
        except Exception as exc:  # noqa: BLE001 - any failure is the tool's, not the call's
            log.warning("MCP tool %s of %s failed", name, spec.name, exc_info=True)
            late = any(isinstance(e, TimeoutError) or "timed out" in str(e) for e in _leaves(exc))
            why = "its server did not answer in time" if late else "its server cannot be reached"
            raise ToolError(
                f"The {name} tool is not working right now ({why}). "
                "Tell the caller you cannot look this up at the moment."
            ) from exc

    return function_tool(call, raw_schema=tool.info.raw_schema)


async def list_server_tools(spec: McpServerSpec) -> list[McpToolInfo]:
    """Connect once, list the server's tools and disconnect; `McpServerFailed` says why not."""
    server = livekit_server(spec)
    try:
        async with asyncio.timeout(spec.timeout_s):
            await server.initialize()
            tools = await server.list_tools()
    except Exception as exc:  # noqa: BLE001 - every failure becomes the owner's message
        hint = await _http_refusal(spec) if spec.transport == "http" else None
        raise McpServerFailed(hint or describe_failure(spec, exc)) from exc
    finally:
        try:
            await server.aclose()
        except Exception:  # noqa: BLE001 - already failed or finished; nothing to keep
            log.debug("closing MCP server %s failed", spec.name, exc_info=True)
    return [_tool_info(tool) for tool in tools]


class GuardedMcpToolset(MCPToolset):
    """One server's tools for one conversation, minus the ones switched off; never fails
    the session's setup."""

    def __init__(
        self,
        spec: McpServerSpec,
        *,
        taken: set[str],
        report: ReportMcp | None = None,
        check: CheckMcp | None = None,
    ) -> None:
        super().__init__(id=f"mcp_{spec.server_id}", mcp_server=livekit_server(spec))
        self.spec = spec
        # Tool names already offered to the model (built-in and other servers'): livekit
        # refuses two tools with one name, which would end the conversation.
        self._taken = taken
        self._report = report
        self._check = check

    async def setup(self, *, reload: bool = False) -> Self:
        try:
            async with asyncio.timeout(self.spec.timeout_s):
                if self._check is not None:
                    await self._check(self.spec)
                await super().setup(reload=reload)
        except Exception as exc:  # noqa: BLE001 - the conversation goes on without them
            message = describe_failure(self.spec, exc)
            log.warning("MCP server %s left out: %s", self.spec.name, message)
            self._tools = []
            await self._send(McpServerReport(self.spec.server_id, error=message))
            return self
        offered = [t for t in self._tools if isinstance(t, MCPTool)]
        kept: list[MCPTool] = []
        for tool in offered:
            name = tool.info.name
            if name in self.spec.disabled_tools:
                continue
            if self.spec.only_tools is not None and name not in self.spec.only_tools:
                continue  # not marked safe for the anonymous caller of this conversation
            if name in self._taken:
                log.warning("MCP tool %s of %s clashes with another tool", name, self.spec.name)
                continue
            self._taken.add(name)
            kept.append(_guarded(tool, self.spec))
        self._tools = list(kept)
        infos = tuple(_tool_info(t) for t in offered)
        await self._send(McpServerReport(self.spec.server_id, tools=infos))
        return self

    async def _send(self, report: McpServerReport) -> None:
        if self._report is None:
            return
        try:
            await self._report(report)
        except Exception:  # noqa: BLE001 - a status that cannot be stored is not the caller's problem
            log.warning("storing the status of MCP server %s failed", self.spec.name, exc_info=True)


def mcp_toolsets(
    servers: tuple[McpServerSpec, ...],
    builtin_names: set[str],
    *,
    report: ReportMcp | None = None,
    check: CheckMcp | None = None,
) -> list[GuardedMcpToolset]:
    taken = set(builtin_names)
    return [GuardedMcpToolset(s, taken=taken, report=report, check=check) for s in servers]
