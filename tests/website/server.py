"""A static website on 127.0.0.1, served from a background thread, for crawl tests.

`LoopbackSite` serves a directory the way a plain web server would (index.html for folders,
a redirect from `/folder` to `/folder/`, 404 for anything else), plus extra routes for
redirects and hand-made responses. It records every request it answers, so a test can prove a
page was never even asked for. Benchmarks reuse it on a site they generate into a temp dir.
"""

from __future__ import annotations

import mimetypes
import sys
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from urllib.parse import unquote, urlsplit

_CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".htm": "text/html; charset=utf-8",
    ".xml": "application/xml",
    ".txt": "text/plain; charset=utf-8",
    ".md": "text/markdown; charset=utf-8",
    ".pdf": "application/pdf",
    ".css": "text/css",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


@dataclass(frozen=True)
class Route:
    """A fixed answer for one path.

    A `Transfer-Encoding: chunked` header makes the body go out in chunks without a
    Content-Length, like a streamed response whose size is not known in advance. `delay_s`
    makes the server wait before answering, like a slow backend.
    """

    status: int
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes = b""
    delay_s: float = 0.0


@dataclass(frozen=True)
class ServedRequest:
    """One request the site answered: its method, path (with query) and monotonic time."""

    method: str
    path: str
    at: float


RouteSpec = Route | tuple[int, Mapping[str, str], bytes]


def content_type_for(path: Path) -> str:
    """The Content-Type a typical web server sends for a file with this name."""
    known = _CONTENT_TYPES.get(path.suffix.lower())
    if known:
        return known
    guessed, _ = mimetypes.guess_type(path.name)
    return guessed or "application/octet-stream"


class LoopbackSite:
    """Serve `root` (and `routes`) on http://127.0.0.1:<free port> while the `with` block runs
    (or on another loopback address, e.g. 127.0.0.2 for a second origin)."""

    def __init__(
        self,
        root: Path | str | None = None,
        routes: Mapping[str, RouteSpec] | None = None,
        *,
        host: str = "127.0.0.1",
    ) -> None:
        self.host = host
        self.root = Path(root).resolve() if root is not None else None
        self._routes: dict[str, Route] = {}
        for path, spec in (routes or {}).items():
            self.add_route(path, spec)
        self._lock = threading.Lock()
        self._served: list[ServedRequest] = []
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        """Like "http://127.0.0.1:54321", no trailing slash; only while the site runs."""
        if self._server is None:
            raise RuntimeError("the site is not running; use it inside `with`")
        return f"http://{self.host}:{self._server.server_port}"

    @property
    def port(self) -> int:
        return int(self.base_url.rsplit(":", 1)[1])

    def url(self, path: str) -> str:
        """The absolute URL of a path on this site."""
        return self.base_url + (path if path.startswith("/") else "/" + path)

    def add_route(self, path: str, spec: RouteSpec) -> None:
        """Answer `path` (exact match, query ignored) with a fixed response; works while running."""
        route = spec if isinstance(spec, Route) else Route(spec[0], dict(spec[1]), spec[2])
        self._routes[path] = route

    def route_for(self, path: str) -> Route | None:
        return self._routes.get(path)

    @property
    def requests(self) -> list[ServedRequest]:
        """A copy of the requests answered so far, oldest first."""
        with self._lock:
            return list(self._served)

    @property
    def requested_paths(self) -> list[str]:
        """The paths (with query) of the requests answered so far, oldest first."""
        return [r.path for r in self.requests]

    def clear_requests(self) -> None:
        with self._lock:
            self._served.clear()

    def record(self, method: str, path: str) -> None:
        with self._lock:
            self._served.append(ServedRequest(method, path, time.monotonic()))

    def __enter__(self) -> LoopbackSite:
        # Port 0 lets the OS pick a free port, so parallel test runs never collide.
        self._server = _Server((self.host, 0), _Handler, site=self)
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"LoopbackSite:{self.port}",
            daemon=True,
        )
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = None
        self._thread = None


class _Server(ThreadingHTTPServer):
    # Keep-alive handler threads may still be waiting for a next request at shutdown; they
    # must not keep the test process alive.
    daemon_threads = True

    def __init__(self, address: tuple[str, int], handler: type, *, site: LoopbackSite) -> None:
        self.site = site
        super().__init__(address, handler)

    def handle_error(self, request: object, client_address: object) -> None:
        # A client that stops reading on purpose (a size cap) closes mid-response; that is
        # expected here, not a server fault worth a traceback on stderr.
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)  # type: ignore[arg-type]


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server
    server_version = "LoopbackSite/1.0"

    def do_GET(self) -> None:
        self._answer(send_body=True)

    def do_HEAD(self) -> None:
        self._answer(send_body=False)

    def log_message(self, format: str, *args: object) -> None:
        # Test output should show failures, not an access log.
        pass

    def _answer(self, *, send_body: bool) -> None:
        site = self.server.site
        site.record(self.command, self.path)
        path = unquote(urlsplit(self.path).path)
        route = site.route_for(path)
        if route is None:
            route = self._static(site.root, path)
        if route.delay_s:
            time.sleep(route.delay_s)
        self._send(route, send_body=send_body)

    def _static(self, root: Path | None, path: str) -> Route:
        not_found = Route(
            404, {"Content-Type": "text/html; charset=utf-8"}, b"<h1>404 Not Found</h1>"
        )
        if root is None:
            return not_found
        target = (root / path.lstrip("/")).resolve()
        if not target.is_relative_to(root):
            return not_found
        if target.is_dir():
            if not path.endswith("/"):
                return Route(301, {"Location": path + "/"})
            target = target / "index.html"
        if not target.is_file():
            return not_found
        return Route(200, {"Content-Type": content_type_for(target)}, target.read_bytes())

    def _send(self, route: Route, *, send_body: bool) -> None:
        self.send_response(route.status, HTTPStatus(route.status).phrase)
        headers = dict(route.headers)
        chunked = headers.get("Transfer-Encoding", "").lower() == "chunked"
        if not chunked:
            headers.setdefault("Content-Length", str(len(route.body)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        if not send_body:
            return
        if chunked:
            for start in range(0, len(route.body), 16 * 1024):
                piece = route.body[start : start + 16 * 1024]
                self.wfile.write(f"{len(piece):x}\r\n".encode() + piece + b"\r\n")
            self.wfile.write(b"0\r\n\r\n")
        else:
            self.wfile.write(route.body)
