"""Accounts: first-run owner, login sessions, API keys, and who is calling."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session

from frontdesk.errors import Conflict, NotFound, Unauthorized, ValidationFailed
from frontdesk.models import ApiKey, AuthSession, User, Workspace
from frontdesk.models.base import as_utc
from frontdesk.workspace import security
from frontdesk.workspace.repository import WorkspaceRepository


@dataclass(frozen=True)
class Principal:
    """Who is calling: every query is scoped by `workspace_id`."""

    workspace_id: str
    user_id: str | None
    via: str  # "session" | "api_key"


@dataclass(frozen=True)
class FirstRunLogin:
    email: str
    password: str
    created: bool


def create_workspace_with_owner(
    session: Session, *, workspace_name: str, email: str, password: str
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
        password_hash=security.hash_password(password),
        role="owner",
    )
    session.add(user)
    session.flush()
    return workspace, user


def ensure_first_run_owner(session: Session, *, email: str, password: str) -> FirstRunLogin:
    """Create the owner account on the very first start; later starts change nothing."""
    repo = WorkspaceRepository(session)
    if repo.count_users() > 0:
        return FirstRunLogin(email=email, password="", created=False)
    password = password or security.new_password()
    create_workspace_with_owner(
        session, workspace_name="My business", email=email, password=password
    )
    return FirstRunLogin(email=email.lower(), password=password, created=True)


def login(session: Session, *, email: str, password: str, days: int) -> tuple[User, str]:
    """Check the password and open a session; returns the user and the raw cookie token."""
    user = WorkspaceRepository(session).user_by_email(email.strip())
    # Verify against a dummy hash when the user is unknown, so timing does not reveal accounts.
    if user is None:
        security.verify_password(_DUMMY_HASH, password)
        raise Unauthorized("Wrong email or password.")
    if not security.verify_password(user.password_hash, password):
        raise Unauthorized("Wrong email or password.")
    token = security.new_token()
    session.add(
        AuthSession(
            user_id=user.id,
            token_hash=security.hash_token(token),
            expires_at=datetime.now(UTC) + timedelta(days=days),
        )
    )
    return user, token


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
    return Principal(workspace_id=user.workspace_id, user_id=user.id, via="session")


def principal_from_api_key(session: Session, key: str) -> Principal | None:
    row = WorkspaceRepository(session).api_key_by_hash(security.hash_token(key))
    if row is None:
        return None
    row.last_used_at = datetime.now(UTC)
    return Principal(workspace_id=row.workspace_id, user_id=row.created_by, via="api_key")


def create_api_key(session: Session, principal: Principal, name: str) -> tuple[ApiKey, str]:
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


def revoke_api_key(session: Session, principal: Principal, key_id: str) -> None:
    row = WorkspaceRepository(session).api_key(principal.workspace_id, key_id)
    if row is None:
        raise NotFound("No such API key in your workspace.")
    session.delete(row)


_DUMMY_HASH = security.hash_password("not-a-real-password")
