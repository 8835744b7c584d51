"""The request dependency that says who is calling (session cookie or API key)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session
from starlette.datastructures import Headers

from frontdesk.db import DbSession
from frontdesk.errors import Unauthorized
from frontdesk.workspace import service
from frontdesk.workspace.service import Principal

SESSION_COOKIE = "frontdesk_session"


def current_principal(request: Request, db: DbSession) -> Principal:
    """Authenticate with `Authorization: Bearer fdk_…`, `X-API-Key`, or the session cookie."""
    return authenticate(db, request.headers, request.cookies)


def authenticate(db: Session, headers: Headers, cookies: dict[str, str]) -> Principal:
    """The principal behind a request's or a WebSocket's headers and cookies."""
    header = headers.get("authorization", "")
    key = headers.get("x-api-key") or (
        header[7:].strip() if header.lower().startswith("bearer ") else ""
    )
    if key:
        principal = service.principal_from_api_key(db, key)
        if principal is None:
            raise Unauthorized("This API key is not valid (it may have been revoked).")
        return principal
    token = cookies.get(SESSION_COOKIE)
    if token:
        principal = service.principal_from_session_token(db, token)
        if principal is not None:
            return principal
        raise Unauthorized("Your session has expired; sign in again.")
    raise Unauthorized("Sign in, or send an API key in the Authorization header.")


CurrentPrincipal = Annotated[Principal, Depends(current_principal)]
