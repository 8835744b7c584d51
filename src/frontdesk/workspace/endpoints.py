"""Sign in and out, who am I, API keys."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from frontdesk.db import DbSession
from frontdesk.errors import NotFound
from frontdesk.models import User, Workspace
from frontdesk.workspace import service
from frontdesk.workspace.auth import SESSION_COOKIE, CurrentPrincipal
from frontdesk.workspace.repository import WorkspaceRepository
from frontdesk.workspace.schemas import (
    ApiKeyCreate,
    ApiKeyCreated,
    ApiKeyPublic,
    LoginRequest,
    MePublic,
    PasswordChange,
    UserPublic,
)

router = APIRouter(prefix="/api", tags=["workspace"])


@router.post("/auth/login", response_model=UserPublic)
def login(body: LoginRequest, request: Request, response: Response, db: DbSession) -> User:
    """Sign in with email and password; sets an HTTP-only session cookie."""
    settings = request.app.state.resources.settings
    user, token = service.login(
        db, email=body.email, password=body.password, days=settings.session_days
    )
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=settings.session_days * 86400,
        httponly=True,
        samesite="lax",
        secure=settings.secure_cookies,
        path="/",
    )
    return user


@router.post("/auth/logout", status_code=204)
def logout(request: Request, db: DbSession) -> Response:
    """End this browser session."""
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        service.logout(db, token)
    response = Response(status_code=204)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.post("/auth/password", status_code=204)
def change_password(
    body: PasswordChange, request: Request, principal: CurrentPrincipal, db: DbSession
) -> Response:
    """Change your password (for example the first-run one); other sessions are signed out."""
    service.change_password(
        db,
        principal,
        current=body.current_password,
        new=body.new_password,
        keep_token=request.cookies.get(SESSION_COOKIE),
    )
    return Response(status_code=204)


@router.get("/auth/me", response_model=MePublic)
def me(principal: CurrentPrincipal, db: DbSession) -> MePublic:
    """The caller's workspace and user."""
    workspace = db.get(Workspace, principal.workspace_id)
    if workspace is None:
        raise NotFound("Your workspace no longer exists.")
    user = WorkspaceRepository(db).user(principal.user_id) if principal.user_id else None
    return MePublic(
        workspace_id=workspace.id,
        workspace_name=workspace.name,
        user=UserPublic.model_validate(user) if user else None,
        via=principal.via,
    )


@router.get("/api-keys", response_model=list[ApiKeyPublic])
def list_api_keys(principal: CurrentPrincipal, db: DbSession) -> list:
    """The workspace's API keys (without the secret part)."""
    return WorkspaceRepository(db).api_keys(principal.workspace_id)


@router.post("/api-keys", response_model=ApiKeyCreated, status_code=201)
def create_api_key(body: ApiKeyCreate, principal: CurrentPrincipal, db: DbSession) -> ApiKeyCreated:
    """Create an API key for scripts. The key is in this response only."""
    row, key = service.create_api_key(db, principal, body.name)
    return ApiKeyCreated(**ApiKeyPublic.model_validate(row).model_dump(), key=key)


@router.delete("/api-keys/{key_id}", status_code=204)
def revoke_api_key(key_id: str, principal: CurrentPrincipal, db: DbSession) -> Response:
    """Revoke an API key at once."""
    service.revoke_api_key(db, principal, key_id)
    return Response(status_code=204)
