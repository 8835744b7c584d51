"""One ASGI middleware for every HTTP request: its id (logged, echoed in X-Request-ID) and
its metrics, labelled by route template.

A plain ASGI middleware rather than Starlette's BaseHTTPMiddleware: responses stream through
untouched (server-sent events, file downloads) and the request id set here is the one every
endpoint, dependency and thread-pool call sees.
"""

from __future__ import annotations

import logging
import time

from starlette.routing import BaseRoute
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from frontdesk.observability import context
from frontdesk.observability.metrics import HTTP_DURATION, HTTP_REQUESTS

access_log = logging.getLogger("frontdesk.access")

REQUEST_ID_HEADER = b"x-request-id"
# Requests no route matched (scanners probing for /wp-admin, typos): one label, however many
# paths they try, so they cannot blow up the number of series.
UNMATCHED = "unmatched"
# Any other method a client invents is counted as "OTHER", for the same reason.
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
# Load balancers and Prometheus ask these every few seconds: logged only when they fail.
QUIET_ROUTES = frozenset({"/api/health", "/api/ready", "/metrics"})


def route_template(scope: Scope) -> str:
    """The matched route's path template (`/api/agents/{agent_id}`), never the raw path."""
    route = scope.get("route")
    if isinstance(route, BaseRoute):
        path = getattr(route, "path", None)
        if isinstance(path, str):
            # A mount (the static files) is one route, whatever file is asked for.
            return path or "/"
    return UNMATCHED


class ObservabilityMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        incoming = None
        for name, value in scope.get("headers", ()):
            if name == REQUEST_ID_HEADER:
                incoming = value.decode("latin-1")
                break
        request_id = context.new_request_id(incoming)
        token = context.request_id.set(request_id)
        if scope["type"] == "websocket":
            # A call's socket: its log lines carry the id; its length is no latency.
            await self.app(scope, receive, send)
        else:
            await self._http(scope, receive, send, request_id)
        # Reset only on success: an unexpected error is logged by the error handler outside
        # this middleware, and that line must name the request too. The request's task (and
        # its context) ends with it either way.
        context.request_id.reset(token)

    async def _http(self, scope: Scope, receive: Receive, send: Send, request_id: str) -> None:
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = [
                    (k, v) for k, v in message.get("headers", ()) if k.lower() != REQUEST_ID_HEADER
                ]
                headers.append((REQUEST_ID_HEADER, request_id.encode("latin-1")))
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            seconds = time.perf_counter() - started
            method = scope.get("method", "GET")
            method = method if method in METHODS else "OTHER"
            route = route_template(scope)
            HTTP_REQUESTS.labels(method, route, str(status)).inc()
            HTTP_DURATION.labels(method, route).observe(seconds)
            if status >= 400 or route not in QUIET_ROUTES:
                # The route template, never the raw path or its query string: a path can
                # carry a secret (the calendar feed's token) and logs outlive it.
                access_log.info(
                    "%s %s %d %.0f ms",
                    method,
                    route,
                    status,
                    seconds * 1000,
                    extra={
                        "route": route,
                        "status": status,
                        "duration_ms": round(seconds * 1000, 1),
                    },
                )
