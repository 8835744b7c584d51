"""Filing a finished conversation's gap questions into the agent's groups.

Runs inside the analysis job's write transaction (conversations/analysis_job.py), so a
conversation's analysis and its gaps are stored together or not at all. Analysing a
conversation again first takes its earlier questions out of their groups, so a re-run never
counts a conversation twice.

A new question similar to an answered group joins it; if the question was asked after the
answer was saved, the answer did not help that caller, and the group opens again (the
answer and its knowledge source stay, for the owner to improve). A dismissed group stays
dismissed while its count grows: the owner said these questions are not for the agent.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from frontdesk.conversations.analysis import Turn
from frontdesk.knowledge_gaps.collecting import gap_questions
from frontdesk.knowledge_gaps.grouping import best_group, mean_vector, representative
from frontdesk.knowledge_gaps.repository import KnowledgeGapRepository
from frontdesk.models import Conversation, KnowledgeGap, KnowledgeGapQuestion
from frontdesk.models.base import as_utc
from frontdesk.providers.embeddings.base import Embedder


def refresh_gap(repo: KnowledgeGapRepository, gap: KnowledgeGap) -> None:
    """Recompute what a group shows from its members: centre, representative, counts, dates."""
    members = repo.members(gap.id)
    if not members:
        gap.count = 0
        return
    vectors = [m.embedding for m in members]
    gap.centroid = mean_vector(vectors)
    gap.question = members[representative(vectors)].question
    gap.count = len({m.conversation_id for m in members})
    asked = [as_utc(m.asked_at) for m in members]
    gap.first_seen_at, gap.last_seen_at = min(asked), max(asked)


def record_conversation_gaps(
    db: Session, embedder: Embedder, conversation: Conversation, turns: Sequence[Turn]
) -> list[KnowledgeGap]:
    """File the conversation's unanswered and low-confidence questions; the groups they
    joined or started."""
    repo = KnowledgeGapRepository(db)
    repo.lock_agent(conversation.agent_id)
    earlier = repo.gap_ids_of_conversation(conversation.id)
    repo.forget_conversation(conversation.id)
    db.flush()
    found = gap_questions(conversation.unanswered or [], turns)
    asked_at = as_utc(conversation.ended_at or conversation.created_at)
    # Groups made with another embedder cannot be compared with these vectors; they keep
    # their members and new questions start fresh groups.
    groups = [
        g for g in repo.groups_oldest_first(conversation.agent_id) if g.embedder == embedder.name
    ]
    vectors = embedder.embed_documents([g.question for g in found])
    joined: list[KnowledgeGap] = []
    for (question, kind, reason), vector in zip(found, vectors, strict=True):
        index = best_group(vector, [g.centroid for g in groups])
        if index is None:
            gap = KnowledgeGap(
                workspace_id=conversation.workspace_id,
                agent_id=conversation.agent_id,
                status="open",
                question=question,
                count=0,
                first_seen_at=asked_at,
                last_seen_at=asked_at,
                centroid=[float(x) for x in vector],
                embedder=embedder.name,
                rerun_results=[],
            )
            db.add(gap)
            db.flush()
            groups.append(gap)
        else:
            gap = groups[index]
            if (
                gap.status == "answered"
                and gap.answered_at is not None
                and asked_at > as_utc(gap.answered_at)
            ):
                gap.status = "open"
        db.add(
            KnowledgeGapQuestion(
                workspace_id=conversation.workspace_id,
                agent_id=conversation.agent_id,
                gap_id=gap.id,
                conversation_id=conversation.id,
                question=question,
                kind=kind,
                reason=reason,
                asked_at=asked_at,
                embedding=[float(x) for x in vector],
            )
        )
        db.flush()
        refresh_gap(repo, gap)
        if gap not in joined:
            joined.append(gap)
    for gap in groups:
        if gap.id in earlier and gap not in joined:
            refresh_gap(repo, gap)
            # A group nobody asks any more, and that the owner never touched, goes away.
            if gap.count == 0 and gap.status == "open" and gap.answer is None:
                db.delete(gap)
    db.flush()
    return joined
