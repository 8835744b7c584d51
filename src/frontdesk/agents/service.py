"""Agents: create from a website and files, list, update, delete with everything they own."""

from __future__ import annotations

import shutil

from sqlalchemy import select
from sqlalchemy.orm import Session

from frontdesk.agents.repository import AgentRepository
from frontdesk.agents.schemas import AgentCreate, AgentUpdate
from frontdesk.db import on_commit
from frontdesk.errors import NotFound, ValidationFailed
from frontdesk.knowledge.service import KnowledgeService, Upload
from frontdesk.models import Agent, KnowledgeSource
from frontdesk.resources import Resources
from frontdesk.workspace.service import Principal


class AgentService:
    def __init__(self, db: Session, resources: Resources, principal: Principal) -> None:
        self.db = db
        self.resources = resources
        self.principal = principal
        self.repo = AgentRepository(db)
        self.knowledge = KnowledgeService(db, resources)

    def get(self, agent_id: str) -> Agent:
        agent = self.repo.get(self.principal.workspace_id, agent_id)
        if agent is None:
            raise NotFound("No such agent in your workspace.")
        return agent

    def find(self, q: str | None = None, status: str | None = None) -> list[Agent]:
        return self.repo.list(self.principal.workspace_id, q=q, status=status)

    def create(
        self, data: AgentCreate, uploads: list[Upload] | None = None, text: str | None = None
    ) -> Agent:
        uploads = uploads or []
        # Validate everything before writing anything, so a bad file creates no agent.
        url = self.knowledge.validate_website_url(data.website_url) if data.website_url else None
        self.knowledge.check_uploads(uploads)
        if len(uploads) + (1 if url else 0) > self.resources.settings.max_sources_per_agent:
            raise ValidationFailed("Too many files for one agent.")
        agent = Agent(
            workspace_id=self.principal.workspace_id,
            name=data.name,
            website_url=url,
            status="draft",
        )
        self.db.add(agent)
        self.db.flush()
        if url:
            self.knowledge.add_website(agent, url)
        if uploads:
            self.knowledge.add_files(agent, uploads)
        if text and text.strip():
            self.knowledge.add_text(agent, "Pasted text", text)
        return agent

    def update(self, agent_id: str, data: AgentUpdate) -> Agent:
        agent = self.get(agent_id)
        changes = data.model_dump(exclude_unset=True)
        if "name" in changes and changes["name"] is None:
            raise ValidationFailed("The name cannot be empty.")
        if changes.get("website_url"):
            changes["website_url"] = self.knowledge.validate_website_url(changes["website_url"])
        # Nested models are stored as plain JSON.
        for key in ("business_facts", "scheduling"):
            if key in changes and changes[key] is None:
                changes[key] = {}
            elif key in changes:
                changes[key] = getattr(data, key).model_dump(mode="json")
        for field, value in changes.items():
            setattr(agent, field, value)
        return agent

    def delete(self, agent_id: str) -> None:
        """Remove the agent's rows, then (after commit) its vectors and uploaded files."""
        agent = self.get(agent_id)
        # The sources' rows first, as an ingestion job publishing a source takes them (the
        # source, then the agent's kb_version): the other order deadlocks PostgreSQL when a
        # crawl finishes while its agent is deleted.
        self.db.execute(
            select(KnowledgeSource.id).where(KnowledgeSource.agent_id == agent.id).with_for_update()
        )
        self.db.delete(agent)
        self.db.flush()
        store, searcher = self.resources.store, self.resources.searcher
        folder = self.resources.settings.uploads_dir / agent.id
        removed_id = agent.id

        def cleanup() -> None:
            store.drop_agent(removed_id)
            searcher.forget(removed_id)
            shutil.rmtree(folder, ignore_errors=True)

        on_commit(self.db, cleanup)
