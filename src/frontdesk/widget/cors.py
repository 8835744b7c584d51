"""CORS for the widget's public endpoints, and for no others.

There is no app-wide CORS middleware: each agent allows its own origins, known only once
its public key or conversation is looked up. The endpoint lets the caller's origin in
(`WidgetGate.let_in`, which sets `Caller.cors_origin`), and this route class adds the CORS
headers to whatever answer follows, errors included, so the widget can read a 401, 403 or
429's detail (and a 429's Retry-After).
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException

from frontdesk.errors import FrontdeskError

ALLOW_METHODS = "GET, POST"
ALLOW_HEADERS = "Authorization, Content-Type"
# How long a browser may reuse a preflight's answer for the same request shape.
PREFLIGHT_MAX_AGE_S = 600
CALLER_STATE = "widget_caller"


def preflight_headers() -> dict[str, str]:
    return {
        "Access-Control-Allow-Methods": ALLOW_METHODS,
        "Access-Control-Allow-Headers": ALLOW_HEADERS,
        "Access-Control-Max-Age": str(PREFLIGHT_MAX_AGE_S),
    }


def add_cors_headers(request: Request, response: Response) -> None:
    # Vary on every answer, allowed or not: a cache must not hand one site's answer to another.
    response.headers["Vary"] = "Origin"
    caller = getattr(request.state, CALLER_STATE, None)
    origin = getattr(caller, "cors_origin", None)
    if origin:
        response.headers["Access-Control-Allow-Origin"] = origin
        # Not a CORS-safelisted header: without this the widget could not read it.
        response.headers["Access-Control-Expose-Headers"] = "Retry-After"


async def _render(request: Request, exc: Exception) -> Response:
    """The app's own answer to `exc` (its one error shape), rendered here so the CORS
    headers can be added to it."""
    for kind in type(exc).__mro__:
        handler = request.app.exception_handlers.get(kind)
        if handler is not None:
            return await handler(request, exc)
    raise exc


class CorsRoute(APIRoute):
    """A route whose every answer, errors included, carries the CORS headers its endpoint
    decided on."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def handle(request: Request) -> Response:
            try:
                response = await handler(request)
            except (FrontdeskError, RequestValidationError, HTTPException) as exc:
                response = await _render(request, exc)
            add_cors_headers(request, response)
            return response

        return handle
