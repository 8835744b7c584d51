"""One cap on the size of every request body (FRONTDESK_MAX_REQUEST_MB).

Uploads spool to disk, so a huge body does not fill memory, but without a cap it would be
read and written out in full before the per-file check ever saw it. A body that declares
its length is refused before a byte of it is read; a chunked one as soon as it passes the
cap. Both answer 413 in the one error shape.
"""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send


class RequestSizeLimit:
    """Plain ASGI (not BaseHTTPMiddleware), so bodies still stream to the endpoint."""

    def __init__(self, app: ASGIApp, *, max_mb: float, max_file_mb: float) -> None:
        self.app = app
        self.limit = int(max_mb * 1024 * 1024)
        self.detail = (
            f"The request is larger than the {max_mb:g} MB limit for one request (each file "
            f"may be up to {max_file_mb:g} MB). Send fewer or smaller files at a time."
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > self.limit:
            # Raised from receive, an HTTPException reaches the error handlers whether the
            # endpoint parses a form, JSON or nothing (FastAPI re-raises it as it is).
            refused = HTTPException(413, self.detail)

            async def refuse() -> Message:
                raise refused

            await self.app(scope, refuse, send)
            return
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.limit:
                raise HTTPException(413, self.detail)
            return message

        await self.app(scope, counted, send)
