"""First-run setup, sign in and out, who am I, the workspace, its team and API keys."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from frontdesk.config import Settings
from frontdesk.db import DbSession
from frontdesk.errors import Conflict, Forbidden, TooManyRequests, Unauthorized, UnsafeURL
from frontdesk.models import User
from frontdesk.openapi_errors import error_responses
from frontdesk.workspace import service
from frontdesk.workspace.auth import SESSION_COOKIE, CurrentPrincipal
from frontdesk.workspace.login_limits import LoginLimits
from frontdesk.workspace.repository import WorkspaceRepository
from frontdesk.workspace.schemas import (
    ApiKeyCreate,
    ApiKeyCreated,
    ApiKeyPublic,
    LoginRequest,
    MemberCreate,
    MemberUpdate,
    MePublic,
    PasswordChange,
    SetupRequest,
    SetupStatus,
    UserPublic,
    WorkspacePublic,
    WorkspaceUpdate,
    workspace_public,
)
from frontdesk.workspace.service import Principal

router = APIRouter(prefix="/api", tags=["workspace"])


def _settings(request: Request) -> Settings:
    return request.app.state.resources.settings


def _sign_in(response: Response, settings: Settings, token: str) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=settings.session_days * 86400,
        httponly=True,
        samesite="lax",
        secure=settings.secure_cookies,
        path="/",
    )


def _me(db: DbSession, principal: Principal) -> MePublic:
    workspace = service.get_workspace(db, principal)
    user = WorkspaceRepository(db).user(principal.user_id) if principal.user_id else None
    return MePublic(
        user_id=user.id if user else None,
        email=user.email if user else None,
        name=user.name if user else None,
        role=principal.role,  # type: ignore[arg-type]
        workspace_id=workspace.id,
        workspace_name=workspace.name,
        via=principal.via,
        user=UserPublic.model_validate(user) if user else None,
    )


@router.get("/auth/setup", response_model=SetupStatus)
def setup_status(db: DbSession) -> SetupStatus:
    """Whether this install still needs its first-run setup (no user exists yet). Public."""
    return SetupStatus(needed=service.setup_needed(db))


@router.post(
    "/auth/setup",
    response_model=MePublic,
    status_code=201,
    responses=error_responses(Unauthorized, Conflict),
)
def setup(body: SetupRequest, request: Request, response: Response, db: DbSession) -> MePublic:
    """First run: create the workspace and its owner with the token of the link
    `frontdesk serve` printed, and sign in (the same session cookie as login).

    401 when the token is wrong, 409 once any user exists.
    """
    settings = _settings(request)
    user = service.complete_setup(
        db,
        signing_key=settings.signing_key,
        token=body.token,
        workspace_name=body.workspace_name,
        name=body.name,
        email=body.email,
        password=body.password,
    )
    _sign_in(response, settings, service.open_session(db, user, days=settings.session_days))
    principal = Principal(
        workspace_id=user.workspace_id, user_id=user.id, via="session", role=user.role
    )
    return _me(db, principal)


@router.post(
    "/auth/login",
    response_model=UserPublic,
    responses=error_responses(Unauthorized, TooManyRequests),
)
def login(body: LoginRequest, request: Request, response: Response, db: DbSession) -> User:
    """Sign in with email and password; sets an HTTP-only session cookie.

    429 (with Retry-After) after too many failed attempts from one client address
    (FRONTDESK_LOGIN_FAILURES_PER_IP) or for one email (FRONTDESK_LOGIN_FAILURES_PER_EMAIL);
    the password is then not checked at all."""
    settings = _settings(request)
    limits: LoginLimits = request.app.state.login_limits
    client_ip = request.client.host if request.client else "unknown"
    limits.before(client_ip, body.email)
    with limits.verifying():
        try:
            user, token = service.login(
                db, email=body.email, password=body.password, days=settings.session_days
            )
        except Unauthorized:
            limits.failed(client_ip, body.email)
            raise
    _sign_in(response, settings, token)
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
    """Change your password; your other sessions are signed out."""
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
    """The caller: user id, email, name, role, and workspace id and name."""
    return _me(db, principal)


@router.get("/workspace", response_model=WorkspacePublic, responses=error_responses(Forbidden))
def get_workspace(principal: CurrentPrincipal, db: DbSession) -> WorkspacePublic:
    """The workspace's name and its own provider settings (secrets only as set/hint).
    Owner and admins only."""
    service.require_admin(principal)
    workspace = service.get_workspace(db, principal)
    return workspace_public(workspace.id, workspace.name, workspace.settings or {})


@router.patch(
    "/workspace", response_model=WorkspacePublic, responses=error_responses(Forbidden, UnsafeURL)
)
def update_workspace(
    body: WorkspaceUpdate, request: Request, principal: CurrentPrincipal, db: DbSession
) -> WorkspacePublic:
    """Rename the workspace or change its provider settings (language model endpoint,
    OpenAI key for speech, LiveKit project, speech providers). In `settings`, a string sets
    a value, null or "" clears it so the server's environment applies again, and a field
    not sent is left alone. They apply to conversations and calls started afterwards.
    `llm_base_url` and `livekit_url` must reach the public internet (or a host named in
    FRONTDESK_OUTBOUND_ALLOWED_HOSTS), else 422; changing one's scheme, host or port drops
    the keys stored for it unless new ones are sent with it. Owner and admins only."""
    workspace = service.update_workspace(
        db,
        principal,
        name=body.name,
        settings=body.settings.model_dump(exclude_unset=True) if body.settings else {},
        env=_settings(request),
    )
    return workspace_public(workspace.id, workspace.name, workspace.settings or {})


@router.get(
    "/workspace/members", response_model=list[UserPublic], responses=error_responses(Forbidden)
)
def list_members(principal: CurrentPrincipal, db: DbSession) -> list[User]:
    """The workspace's team, oldest first. Owner and admins only."""
    return service.list_members(db, principal)


@router.post(
    "/workspace/members",
    response_model=UserPublic,
    status_code=201,
    responses=error_responses(Forbidden, Conflict),
)
def add_member(body: MemberCreate, principal: CurrentPrincipal, db: DbSession) -> User:
    """Add a team member (role admin or member) who signs in with this email and password.
    409 when the email is taken. Owner and admins only."""
    return service.add_member(
        db, principal, email=body.email, name=body.name, role=body.role, password=body.password
    )


@router.patch(
    "/workspace/members/{user_id}", response_model=UserPublic, responses=error_responses(Forbidden)
)
def update_member(
    user_id: str, body: MemberUpdate, principal: CurrentPrincipal, db: DbSession
) -> User:
    """Rename a member or change their role between admin and member. The owner's role and
    your own cannot change (403). Owner and admins only."""
    changes = body.model_dump(exclude_unset=True)
    if "name" in changes and changes["name"] is None:
        changes.pop("name")
    return service.update_member(db, principal, user_id, changes=changes)


@router.delete(
    "/workspace/members/{user_id}", status_code=204, responses=error_responses(Forbidden)
)
def remove_member(user_id: str, principal: CurrentPrincipal, db: DbSession) -> Response:
    """Remove a member with their sessions and the API keys they created. Neither the owner
    nor yourself (403). Owner and admins only."""
    service.remove_member(db, principal, user_id)
    return Response(status_code=204)


@router.get("/api-keys", response_model=list[ApiKeyPublic], responses=error_responses(Forbidden))
def list_api_keys(principal: CurrentPrincipal, db: DbSession) -> list:
    """The workspace's API keys (without the secret part). Owner and admins only."""
    return service.list_api_keys(db, principal)


@router.post(
    "/api-keys", response_model=ApiKeyCreated, status_code=201, responses=error_responses(Forbidden)
)
def create_api_key(body: ApiKeyCreate, principal: CurrentPrincipal, db: DbSession) -> ApiKeyCreated:
    """Create an API key for scripts; it acts with your role. The key is in this response
    only. Owner and admins only."""
    row, key = service.create_api_key(db, principal, body.name)
    return ApiKeyCreated(**ApiKeyPublic.model_validate(row).model_dump(), key=key)


@router.delete("/api-keys/{key_id}", status_code=204, responses=error_responses(Forbidden))
def revoke_api_key(key_id: str, principal: CurrentPrincipal, db: DbSession) -> Response:
    """Revoke an API key at once. Owner and admins only."""
    service.revoke_api_key(db, principal, key_id)
    return Response(status_code=204)
