"""The request dependencies that say who is calling (session cookie or API key), and count
an API key's request against its rate limits (workspace/api_key_limits.py)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session
from starlette.datastructures import Headers

from frontdesk.db import DbSession, release
from frontdesk.errors import Unauthorized
from frontdesk.workspace import service
from frontdesk.workspace.api_key_limits import STATE_KEY, ApiKeyLimits
from frontdesk.workspace.service import Principal

SESSION_COOKIE = "frontdesk_session"


def current_principal(request: Request, db: DbSession) -> Principal:
    """Authenticate with `Authorization: Bearer fdk_…`, `X-API-Key`, or the session cookie.
    A request with an API key counts against the key's FRONTDESK_API_KEY_REQUESTS."""
    return _counted(request, authenticate(db, request.headers, request.cookies), False)


def conversation_principal(request: Request, db: DbSession) -> Principal:
    """current_principal for what makes an agent answer (a new conversation or call, a
    message): a request with an API key also counts against FRONTDESK_API_KEY_CONVERSATIONS.
    The answer is written in transactions of its own, so the request's is done here."""
    principal = _counted(request, authenticate(db, request.headers, request.cookies), True)
    release(db)
    return principal


# Every dependency above: the OpenAPI document derives 401 and 429 from them.
PRINCIPAL_DEPENDENCIES = (current_principal, conversation_principal)


def _counted(request: Request, principal: Principal, conversation: bool) -> Principal:
    if principal.api_key_id is not None:
        limits: ApiKeyLimits = request.app.state.api_key_limits
        # A refusal raises here, before the endpoint runs, and rolls back the request's
        # transaction (the key's last use included): a refused request does nothing.
        headers = limits.count(principal.api_key_id, conversation=conversation)
        setattr(request.state, STATE_KEY, headers)
    return principal


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
ConversationPrincipal = Annotated[Principal, Depends(conversation_principal)]
