"""Filing questions into groups as analyses land: a re-analysis never counts twice, a
question asked after the answer reopens its group, a dismissed group stays dismissed, and a
group nobody asks any more goes away. Real database (both backends), real embedder."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from frontdesk.conversations.analysis import Turn
from frontdesk.conversations.analysis_job import ConversationAnalyzer
from frontdesk.db import transaction
from frontdesk.knowledge_gaps.recording import record_conversation_gaps
from frontdesk.models import (
    Agent,
    Conversation,
    ConversationTurn,
    KnowledgeGap,
    KnowledgeGapQuestion,
)
from frontdesk.resources import Resources
from tests.factories import make_owner

START = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def _analysed(resources: Resources, agent: Agent, minutes: int, *questions: str) -> str:
    """A conversation that ended `minutes` after START, whose analysis lists `questions`."""
    with transaction(resources.sessionmaker) as db:
        row = Conversation(
            workspace_id=agent.workspace_id,
            agent_id=agent.id,
            status="ended",
            ended_at=START + timedelta(minutes=minutes),
            unanswered=list(questions),
        )
        db.add(row)
        db.flush()
        record_conversation_gaps(db, resources.embedder, row, [])
        return row.id


def _again(
    resources: Resources, conversation_id: str, *questions: str, turns: list[Turn] | None = None
) -> None:
    """The conversation analysed once more, listing `questions` this time."""
    with transaction(resources.sessionmaker) as db:
        row = db.get(Conversation, conversation_id)
        assert row is not None
        row.unanswered = list(questions)
        record_conversation_gaps(db, resources.embedder, row, turns or [])


def _gaps(resources: Resources) -> list[tuple[str, int, str]]:
    with transaction(resources.sessionmaker) as db:
        return [
            (g.question, g.count, g.status)
            for g in db.scalars(select(KnowledgeGap).order_by(KnowledgeGap.created_at))
        ]


def test_groups_follow_the_analyses(resources: Resources) -> None:
    workspace, _ = make_owner(resources)
    with transaction(resources.sessionmaker) as db:
        agent = Agent(workspace_id=workspace.id, name="Juniper Vet")
        db.add(agent)
    first = _analysed(resources, agent, 0, "Is there parking?")
    # Analysed again: the same one conversation, not two.
    _again(resources, first, "Is there parking?")
    _again(resources, first, "Is there parking?")
    assert _gaps(resources) == [("Is there parking?", 1, "open")]
    # Two similar questions in one conversation count it once.
    _analysed(resources, agent, 5, "Where can I park my car?", "Do you have a car park?")
    assert _gaps(resources)[0][1:] == (2, "open")

    with transaction(resources.sessionmaker) as db:
        gap = db.scalars(select(KnowledgeGap)).one()
        gap.status, gap.answer, gap.answered_at = "answered", "Behind the clinic.", START
        gap.answered_at = START + timedelta(minutes=30)
    # Asked before the answer existed (a late analysis): it joins, the gap stays answered.
    _analysed(resources, agent, 20, "Can I park outside?")
    assert _gaps(resources)[0][1:] == (3, "answered")
    # Asked after: the answer did not help that caller, so the gap is open again.
    _analysed(resources, agent, 40, "Where do I park?")
    assert _gaps(resources)[0][1:] == (4, "open")

    horse = _analysed(resources, agent, 50, "Do you sell horse feed?")
    with transaction(resources.sessionmaker) as db:
        feed = db.scalars(select(KnowledgeGap).where(KnowledgeGap.count == 1)).one()
        feed.status = "dismissed"
    _analysed(resources, agent, 60, "Do you sell hay for horses?")
    assert _gaps(resources)[1] == ("Do you sell horse feed?", 2, "dismissed")

    # Analysed again, the model lists nothing this time; the agent's own "not sure" still
    # makes it a gap, now of the low-confidence kind, and nothing is counted twice.
    turns = [Turn("caller", "Do you sell horse feed?"), Turn("agent", "I'm not sure, sorry.")]
    _again(resources, horse, turns=turns)
    assert [g[1] for g in _gaps(resources)] == [4, 2]
    with transaction(resources.sessionmaker) as db:
        kinds = db.scalars(
            select(KnowledgeGapQuestion.kind).where(KnowledgeGapQuestion.conversation_id == horse)
        ).all()
    assert kinds == ["low_confidence"]


def test_a_group_nobody_asks_any_more_goes_away(resources: Resources) -> None:
    workspace, _ = make_owner(resources)
    with transaction(resources.sessionmaker) as db:
        agent = Agent(workspace_id=workspace.id, name="Juniper Vet")
        db.add(agent)
    only = _analysed(resources, agent, 0, "Do you board reptiles?")
    assert _gaps(resources) == [("Do you board reptiles?", 1, "open")]
    with transaction(resources.sessionmaker) as db:
        row = db.get(Conversation, only)
        assert row is not None
        row.unanswered = []
        record_conversation_gaps(db, resources.embedder, row, [])
    assert _gaps(resources) == []


def test_the_analysis_job_files_gaps_without_a_model_and_never_for_exams(
    resources: Resources,
) -> None:
    """No language model is configured here: the analysis stores its error, and the agent's
    own "I don't know" still makes a gap. The same exchange as an exam question makes none."""
    workspace, _ = make_owner(resources)
    ids: dict[str, str] = {}
    with transaction(resources.sessionmaker) as db:
        agent = Agent(workspace_id=workspace.id, name="Juniper Vet")
        db.add(agent)
        db.flush()
        for channel in ("exam", "text"):
            row = Conversation(
                workspace_id=workspace.id,
                agent_id=agent.id,
                channel=channel,
                status="ended",
                ended_at=START,
            )
            db.add(row)
            db.flush()
            db.add(ConversationTurn(conversation_id=row.id, seq=1, role="caller",
                                    text="Hi. Do you board reptiles?"))  # fmt: skip
            db.add(ConversationTurn(conversation_id=row.id, seq=2, role="agent",
                                    text="I don't know, sorry. I can take a message."))  # fmt: skip
            ids[channel] = row.id
    analyzer = ConversationAnalyzer(resources)
    assert analyzer.run(ids["exam"]) is None
    assert _gaps(resources) == []
    assert analyzer.run(ids["text"]) == "answered"
    assert _gaps(resources) == [("Do you board reptiles?", 1, "open")]
    with transaction(resources.sessionmaker) as db:
        row = db.get(Conversation, ids["text"])
        assert row is not None and row.analysis_error and row.unanswered == []
        member = db.scalars(select(KnowledgeGapQuestion)).one()
        assert (member.conversation_id, member.kind) == (ids["text"], "low_confidence")
