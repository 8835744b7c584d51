"""Accounts: first-run setup, login sessions, team members, API keys, who is calling."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session

from frontdesk.config import Settings
from frontdesk.errors import Conflict, Forbidden, NotFound, Unauthorized, ValidationFailed
from frontdesk.models import ApiKey, AuthSession, User, Workspace
from frontdesk.models.base import as_utc
from frontdesk.workspace import overrides, security
from frontdesk.workspace.provider_urls import (
    KEYS_OF_URL,
    check_provider_url,
    drop_keys_of_moved_urls,
)
from frontdesk.workspace.repository import WorkspaceRepository


@dataclass(frozen=True)
class Principal:
    """Who is calling: every query is scoped by `workspace_id`."""

    workspace_id: str
    user_id: str | None
    via: str  # "session" | "api_key", or the process acting: "cli", "livekit"…
    # "owner" | "admin" | "member". Processes acting for the workspace itself are admins.
    role: str = "admin"
    # The API key the request was made with (its rate limits count by it).
    api_key_id: str | None = None

    @property
    def is_admin(self) -> bool:
        return self.role in ("owner", "admin")


def require_admin(principal: Principal) -> None:
    """Workspace settings, the team and API keys are for the owner and admins."""
    if not principal.is_admin:
        raise Forbidden(
            "Only the workspace's owner and admins can do this: workspace settings, team "
            "members and API keys are not open to members."
        )


def create_workspace_with_owner(
    session: Session,
    *,
    workspace_name: str,
    email: str,
    password: str,
    name: str | None = None,
) -> tuple[Workspace, User]:
    email = email.strip().lower()
    if "@" not in email:
        raise ValidationFailed(f"{email!r} is not an email address.")
    if len(password) < 8:
        raise ValidationFailed("Passwords need at least 8 characters.")
    repo = WorkspaceRepository(session)
    if repo.user_by_email(email):
        raise Conflict(f"A user with the email {email} already exists.")
    workspace = Workspace(name=workspace_name)
    session.add(workspace)
    session.flush()
    user = User(
        workspace_id=workspace.id,
        email=email,
        name=name,
        password_hash=security.hash_password(password),
        role="owner",
    )
    session.add(user)
    session.flush()
    return workspace, user


def ensure_first_run_owner(session: Session, *, email: str, password: str) -> bool:
    """Create the owner with the environment's password when nobody exists yet (headless
    deploys); True when it was created. Without a password the browser setup does it."""
    if not password:
        raise ValidationFailed("The first owner needs a password (FRONTDESK_OWNER_PASSWORD).")
    if WorkspaceRepository(session).count_users() > 0:
        return False
    create_workspace_with_owner(
        session, workspace_name="My business", email=email, password=password
    )
    return True


def setup_needed(session: Session) -> bool:
    return WorkspaceRepository(session).count_users() == 0


def complete_setup(
    session: Session,
    *,
    signing_key: bytes,
    token: str,
    workspace_name: str,
    name: str,
    email: str,
    password: str,
) -> User:
    """The browser's first run: the workspace and its owner, once, for the holder of the
    printed link."""
    if not setup_needed(session):
        raise Conflict("This Frontdesk is already set up: sign in instead.")
    if not security.setup_token_matches(signing_key, token):
        raise Unauthorized(
            "This setup link is not valid: open the one `frontdesk serve` printed (it is "
            "also in data/first-run-setup.txt)."
        )
    _, user = create_workspace_with_owner(
        session, workspace_name=workspace_name, email=email, password=password, name=name
    )
    return user


def login(session: Session, *, email: str, password: str, days: int) -> tuple[User, str]:
    """Check the password and open a session; returns the user and the raw cookie token."""
    user = WorkspaceRepository(session).user_by_email(email.strip())
    # Verify against a dummy hash when the user is unknown, so timing does not reveal accounts.
    if user is None:
        security.verify_password(_DUMMY_HASH, password)
        raise Unauthorized("Wrong email or password.")
    if not security.verify_password(user.password_hash, password):
        raise Unauthorized("Wrong email or password.")
    return user, open_session(session, user, days=days)


def open_session(session: Session, user: User, *, days: int) -> str:
    """A new browser session for `user`; the raw cookie token."""
    token = security.new_token()
    session.add(
        AuthSession(
            user_id=user.id,
            token_hash=security.hash_token(token),
            expires_at=datetime.now(UTC) + timedelta(days=days),
        )
    )
    return token


def change_password(
    session: Session, principal: Principal, *, current: str, new: str, keep_token: str | None
) -> None:
    """Set a new password and end every other browser session of this user."""
    repo = WorkspaceRepository(session)
    user = repo.user(principal.user_id) if principal.user_id else None
    if user is None:
        raise Unauthorized("Sign in with your password to change it (API keys cannot).")
    if not security.verify_password(user.password_hash, current):
        raise Unauthorized("The current password is wrong.")
    user.password_hash = security.hash_password(new)
    keep = security.hash_token(keep_token) if keep_token else None
    for row in repo.sessions_of(user.id):
        if row.token_hash != keep:
            session.delete(row)


def logout(session: Session, token: str) -> None:
    row = WorkspaceRepository(session).session_by_token_hash(security.hash_token(token))
    if row is not None:
        session.delete(row)


def principal_from_session_token(session: Session, token: str) -> Principal | None:
    repo = WorkspaceRepository(session)
    row = repo.session_by_token_hash(security.hash_token(token))
    if row is None or as_utc(row.expires_at) < datetime.now(UTC):
        return None
    user = repo.user(row.user_id)
    if user is None:
        return None
    return Principal(workspace_id=user.workspace_id, user_id=user.id, via="session", role=user.role)


def principal_from_api_key(session: Session, key: str) -> Principal | None:
    repo = WorkspaceRepository(session)
    row = repo.api_key_by_hash(security.hash_token(key))
    if row is None:
        return None
    # A key acts with its creator's role as it is now, so demoting someone demotes their
    # keys too; a key whose creator is gone (made before roles, or by the CLI) is an admin's.
    creator = repo.user(row.created_by) if row.created_by else None
    # Written after the last query here, so it stays pending until the request commits: a
    # query flushing it would take SQLite's write lock for the whole request, and endpoints
    # that write in their own transaction (starting a conversation) would wait on it.
    row.last_used_at = datetime.now(UTC)
    return Principal(
        workspace_id=row.workspace_id,
        user_id=row.created_by,
        via="api_key",
        role=creator.role if creator is not None else "admin",
        api_key_id=row.id,
    )


def create_api_key(session: Session, principal: Principal, name: str) -> tuple[ApiKey, str]:
    require_admin(principal)
    key = security.new_api_key()
    row = ApiKey(
        workspace_id=principal.workspace_id,
        created_by=principal.user_id,
        name=name,
        prefix=key[:10],
        key_hash=security.hash_token(key),
    )
    session.add(row)
    session.flush()
    return row, key


def list_api_keys(session: Session, principal: Principal) -> list[ApiKey]:
    require_admin(principal)
    return WorkspaceRepository(session).api_keys(principal.workspace_id)


def revoke_api_key(session: Session, principal: Principal, key_id: str) -> None:
    require_admin(principal)
    row = WorkspaceRepository(session).api_key(principal.workspace_id, key_id)
    if row is None:
        raise NotFound("No such API key in your workspace.")
    session.delete(row)


_DUMMY_HASH = security.hash_password("not-a-real-password")


# -- team ----------------------------------------------------------------------------------
def list_members(session: Session, principal: Principal) -> list[User]:
    require_admin(principal)
    return WorkspaceRepository(session).users(principal.workspace_id)


def add_member(
    session: Session, principal: Principal, *, email: str, name: str, role: str, password: str
) -> User:
    """A new account in the caller's workspace, signed in with the password given here."""
    require_admin(principal)
    if role not in ("admin", "member"):
        raise ValidationFailed("A workspace has one owner; give the role admin or member.")
    repo = WorkspaceRepository(session)
    email = email.strip().lower()
    if repo.user_by_email(email):
        raise Conflict(f"A user with the email {email} already exists.")
    user = User(
        workspace_id=principal.workspace_id,
        email=email,
        name=name,
        role=role,
        password_hash=security.hash_password(password),
    )
    session.add(user)
    session.flush()
    return user


def _member(session: Session, principal: Principal, user_id: str) -> User:
    user = WorkspaceRepository(session).member(principal.workspace_id, user_id)
    if user is None:
        raise NotFound("No such member in your workspace.")
    return user


def update_member(
    session: Session, principal: Principal, user_id: str, *, changes: dict[str, str | None]
) -> User:
    """Rename a member or change their role (admin or member; the owner stays the owner)."""
    require_admin(principal)
    user = _member(session, principal, user_id)
    role = changes.get("role")
    if role is not None and role != user.role:
        if user.role == "owner":
            raise Forbidden("The owner's role cannot change: a workspace keeps its owner.")
        if user.id == principal.user_id:
            raise Forbidden("You cannot change your own role; ask another admin.")
        user.role = role
    if "name" in changes:
        user.name = changes["name"]
    return user


def remove_member(session: Session, principal: Principal, user_id: str) -> None:
    """Delete a member's account with their sessions and the API keys they made (a key
    left behind would outlive the person's access), and replace the workspace's calendar
    feed addresses, which the member could read and may have copied."""
    require_admin(principal)
    user = _member(session, principal, user_id)
    if user.role == "owner":
        raise Forbidden("The owner cannot be removed from their workspace.")
    if user.id == principal.user_id:
        raise Forbidden("You cannot remove yourself; ask another admin.")
    repo = WorkspaceRepository(session)
    for key in repo.api_keys_made_by(user.id):
        session.delete(key)
    repo.drop_calendar_feeds(principal.workspace_id)
    session.delete(user)
    session.flush()


# -- workspace settings ----------------------------------------------------------------------
def get_workspace(session: Session, principal: Principal) -> Workspace:
    workspace = WorkspaceRepository(session).workspace(principal.workspace_id)
    if workspace is None:
        raise NotFound("Your workspace no longer exists.")
    return workspace


def update_workspace(
    session: Session,
    principal: Principal,
    *,
    name: str | None,
    settings: dict[str, str | None],
    env: Settings,
) -> Workspace:
    """Rename the workspace and set or clear its own provider settings: a value sets, None
    or "" clears (the environment's applies again), a field not given is left alone.

    A new LLM or LiveKit address must be on the public internet (or allowed by the operator),
    and the keys stored for the old address are dropped when its origin changes."""
    require_admin(principal)
    workspace = get_workspace(session, principal)
    if name is not None:
        workspace.name = name
    before = dict(workspace.settings or {})
    stored = dict(before)
    for field, value in settings.items():
        if field not in overrides.FIELDS:
            raise ValidationFailed(f"{field} is not a workspace setting.")
        value = (value or "").strip()
        if value:
            if field in KEYS_OF_URL and value != before.get(field):
                check_provider_url(env, field, value)
            stored[field] = value
        else:
            stored.pop(field, None)
    drop_keys_of_moved_urls(env, before, stored, settings)
    # A new dict, so the JSON column is seen as changed.
    workspace.settings = stored
    return workspace
