"""A metrics page of its own for the processes that serve no HTTP: `frontdesk worker` and
`frontdesk agent-worker --metrics-port N` on a machine where no `frontdesk serve` shares
their PROMETHEUS_MULTIPROC_DIR. Same page and the same token rule as the API's /metrics."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from frontdesk.observability.access import refusal
from frontdesk.observability.metrics import exposition

StartResponse = Callable[..., Any]


class _QuietHandler(WSGIRequestHandler):
    # Every scrape would print a line to stderr, outside the configured log format.
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the stdlib's name
        pass


def metrics_app(token: str) -> Callable[[dict[str, Any], StartResponse], Iterable[bytes]]:
    """The WSGI app: GET /metrics, for whom access.py lets in."""

    def app(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("PATH_INFO") != "/metrics":
            start_response("404 Not Found", [("Content-Type", "text/plain")])
            return [b"Metrics are at /metrics.\n"]
        refused = refusal(
            token,
            environ.get("HTTP_AUTHORIZATION"),
            str(environ.get("REMOTE_ADDR", "")),
            forwarded="HTTP_X_FORWARDED_FOR" in environ or "HTTP_FORWARDED" in environ,
            host_header=environ.get("HTTP_HOST"),
        )
        if refused:
            start_response("401 Unauthorized", [("Content-Type", "text/plain; charset=utf-8")])
            return [refused.encode() + b"\n"]
        body, content_type = exposition()
        start_response("200 OK", [("Content-Type", content_type)])
        return [body]

    return app


def serve_metrics(host: str, port: int, token: str) -> WSGIServer:
    """Serve the page on `host:port` (port 0: any free one) from a daemon thread."""
    server = make_server(host, port, metrics_app(token), handler_class=_QuietHandler)
    threading.Thread(target=server.serve_forever, name="metrics", daemon=True).start()
    return server
