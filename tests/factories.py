"""Keyword factories for test data, through the same services the app uses."""

from __future__ import annotations

import uuid
from typing import TypeVar

import httpx
from fastapi.testclient import TestClient

from frontdesk.db import transaction
from frontdesk.models import User, Workspace
from frontdesk.resources import Resources
from frontdesk.workspace.service import Principal, add_member, create_workspace_with_owner

PASSWORD = "correct horse battery staple"
SignedIn = TypeVar("SignedIn", bound=httpx.Client)


def make_owner(
    resources: Resources, *, email: str | None = None, workspace_name: str = "Test business"
) -> tuple[Workspace, User]:
    with transaction(resources.sessionmaker) as db:
        return create_workspace_with_owner(
            db,
            workspace_name=workspace_name,
            email=email or f"owner-{uuid.uuid4().hex[:8]}@example.com",
            password=PASSWORD,
        )


def make_member(
    resources: Resources,
    workspace: Workspace,
    *,
    role: str = "member",
    email: str | None = None,
    name: str = "Sam Helper",
) -> User:
    """A team member of `workspace` (role "admin" or "member"), password `PASSWORD`."""
    owner = Principal(workspace_id=workspace.id, user_id=None, via="test", role="owner")
    with transaction(resources.sessionmaker) as db:
        return add_member(
            db,
            owner,
            email=email or f"{role}-{uuid.uuid4().hex[:8]}@example.com",
            name=name,
            role=role,
            password=PASSWORD,
        )


def sign_in(client: SignedIn, user: User) -> SignedIn:
    """`client` (a TestClient, or an httpx client of a live server) signed in as `user`."""
    response = client.post("/api/auth/login", json={"email": user.email, "password": PASSWORD})
    assert response.status_code == 200, response.text
    return client


def make_signed_in_client(client: TestClient, resources: Resources) -> tuple[TestClient, User]:
    _, user = make_owner(resources)
    return sign_in(client, user), user


EVERY_DAY = {
    d: [{"opens": "09:00", "closes": "17:00"}]
    for d in ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
}


def make_receptionist(
    client: httpx.Client, *, name: str = "Juniper Vet", knowledge: str = "We see cats and dogs."
) -> dict:
    """An agent with a greeting and a calendar open every day 09:00-17:00 UTC, made through
    the API by a signed-in client (a TestClient, or an httpx client of a live server);
    `knowledge` is its one text source."""
    agent = client.post("/api/agents", data={"name": name, "text": knowledge})
    assert agent.status_code == 201, agent.text
    response = client.patch(
        f"/api/agents/{agent.json()['id']}",
        json={
            "greeting": f"{name}, Maya speaking. How can I help?",
            "scheduling": {"timezone": "UTC", "hours": EVERY_DAY, "min_notice_minutes": 0},
        },
    )
    assert response.status_code == 200, response.text
    return agent.json()


def price_rabies(client: httpx.Client, agent: dict) -> None:
    """The price the tests' scripted answers state ("A rabies vaccination is thirty two
    dollars"), among the agent's business facts: the grounding check lets a reply through
    only when what it states is what the agent was told."""
    facts = {"services": [{"name": "Rabies vaccination", "price": "$32"}]}
    assert client.patch(f"/api/agents/{agent['id']}", json={"business_facts": facts}).is_success
