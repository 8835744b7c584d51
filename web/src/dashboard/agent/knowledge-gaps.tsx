/**
 * Questions callers asked that the agent could not answer, grouped by meaning, most asked
 * first: example conversations for each, an answer that becomes knowledge (and the exam
 * questions it should fix, re-asked), or a dismissal with its reason.
 */
import { useEffect, useState, type FormEvent } from "react";
import { Link } from "react-router";
import { answerKnowledgeGap, dismissKnowledgeGap, listKnowledgeGaps, reopenKnowledgeGap } from "../../client/sdk.gen";
import type { GapRerun, KnowledgeGapPublic } from "../../client/types.gen";
import { call } from "../api";
import { capitalized, plural, when } from "../format";
import { useAction, useLoad } from "../load";
import { Empty, ErrorNote, FormStatus, Loading } from "../ui";
import { useAgent } from "./agent-page";

const STATUSES = ["open", "answered", "dismissed"] as const;
type Status = (typeof STATUSES)[number];
const ANSWER_MAX = 4000;

const RERUN_TEXT: Record<GapRerun["status"], string> = {
  waiting: "indexing the answer…",
  running: "asking the exam questions again…",
  done: "finished",
  failed: "failed",
};

function RerunView({ rerun }: { rerun: GapRerun }) {
  const active = rerun.status === "waiting" || rerun.status === "running";
  return (
    <div className="gap-rerun" aria-live="polite">
      <h5>
        Exam re-run: {RERUN_TEXT[rerun.status]}
        {rerun.status === "done" && ` — ${rerun.passed} of ${plural(rerun.questions.length, "question")} passed`}
      </h5>
      {rerun.error && <p className="problem">{rerun.error}</p>}
      <ul className="gap-rerun-questions">
        {rerun.questions.map((q, i) => (
          <li key={i}>
            {q.passed === true && <span className="badge gap-passed">Passed</span>}
            {q.passed === false && <span className="badge gap-failed">Failed</span>}
            {(q.passed === null || q.passed === undefined) && <span className="badge">{active ? "Pending" : "Not asked"}</span>}{" "}
            <strong>{q.question}</strong>
            {q.reply && (
              <div className="muted">
                Agent: <q>{q.reply}</q>
              </div>
            )}
            {q.passed === false && q.why && <div className="problem small-text">{q.why}</div>}
          </li>
        ))}
      </ul>
    </div>
  );
}

function AnswerForm({ gap, agentId, onSaved }: { gap: KnowledgeGapPublic; agentId: string; onSaved: () => void }) {
  const [answer, setAnswer] = useState(gap.answer ?? "");
  const action = useAction();
  const id = `gap-answer-${gap.id}`;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void action.run(async () => {
      await call(answerKnowledgeGap({ path: { agent_id: agentId, gap_id: gap.id }, body: { answer } }));
      onSaved();
    }, "Saved as knowledge; the related exam questions are being asked again.");
  };
  return (
    <form className="gap-form" onSubmit={submit}>
      <label htmlFor={id}>{gap.answer ? "Change the answer" : "Answer"}</label>
      <textarea
        id={id}
        rows={3}
        maxLength={ANSWER_MAX}
        value={answer}
        aria-describedby={`${id}-hint`}
        onChange={(e) => setAnswer(e.target.value)}
        placeholder="What the agent should tell callers who ask this"
      />
      <p className="hint" id={`${id}-hint`}>
        It becomes a knowledge source the agent searches.
      </p>
      <button type="submit" disabled={action.busy || !answer.trim()}>
        {action.busy ? "Saving…" : gap.answer ? "Save the new answer" : "Add answer"}
      </button>
      <FormStatus error={action.error} done={action.done} />
    </form>
  );
}

function DismissForm({ gap, agentId, onSaved }: { gap: KnowledgeGapPublic; agentId: string; onSaved: () => void }) {
  const [reason, setReason] = useState("");
  const action = useAction();
  const id = `gap-reason-${gap.id}`;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void action.run(async () => {
      await call(dismissKnowledgeGap({ path: { agent_id: agentId, gap_id: gap.id }, body: { reason } }));
      onSaved();
    });
  };
  return (
    <form className="gap-form gap-dismiss" onSubmit={submit}>
      <label htmlFor={id}>Reason to dismiss</label>
      <div className="gap-inline">
        <input id={id} maxLength={500} value={reason} onChange={(e) => setReason(e.target.value)} placeholder="e.g. not something we offer" />
        <button type="submit" className="secondary" disabled={action.busy || !reason.trim()}>
          Dismiss
        </button>
      </div>
      <ErrorNote error={action.error} />
    </form>
  );
}

function GapCard({ gap, agentId, onChanged }: { gap: KnowledgeGapPublic; agentId: string; onChanged: () => void }) {
  const reopen = useAction();
  const titleId = `gap-title-${gap.id}`;
  return (
    <li className="card gap" aria-labelledby={titleId} data-status={gap.status}>
      <div className="gap-top">
        <h4 id={titleId}>{gap.question}</h4>
        <span className={`badge gap-${gap.status}`}>{capitalized(gap.status)}</span>
      </div>
      <p className="muted small-text">
        <span className="gap-count">Asked in {plural(gap.count, "conversation")}</span> · first {when(gap.first_seen_at)} · last{" "}
        {when(gap.last_seen_at)}
      </p>
      {gap.examples.length > 0 && (
        <ul className="gap-examples" aria-label={`Callers who asked “${gap.question}”`}>
          {gap.examples.map((example) => (
            <li key={`${example.conversation_id}-${example.question}`}>
              <q>{example.question}</q>{" "}
              <Link to={`/agents/${agentId}/conversations/${example.conversation_id}`} aria-label={`Open the conversation: ${example.question}`}>
                Open conversation
              </Link>
              {example.kind === "low_confidence" && <span className="muted small-text"> (the agent said it did not know)</span>}
              {example.kind === "unsupported" && (
                <span className="muted small-text"> (the agent's answer was withheld: {example.reason?.replace(/^unsupported: /, "") || "not supported by its knowledge"})</span>
              )}
            </li>
          ))}
        </ul>
      )}
      {gap.answer && (
        <div className="gap-answer">
          <strong>Answer:</strong> <span className="pre">{gap.answer}</span>
          {gap.answered_at && <span className="muted small-text"> · {when(gap.answered_at)}</span>}
          {!gap.source_id && <p className="problem small-text">Its knowledge source was deleted: save the answer again.</p>}
        </div>
      )}
      {gap.rerun && <RerunView rerun={gap.rerun} />}
      {gap.status === "dismissed" && (
        <p>
          <strong>Dismissed:</strong> {gap.dismissed_reason}
        </p>
      )}
      {gap.status === "open" && gap.answer && (
        <p className="problem small-text">Callers asked again after the answer: it may need more detail.</p>
      )}
      {gap.status === "open" ? (
        <AnswerForm gap={gap} agentId={agentId} onSaved={onChanged} />
      ) : (
        <details className="gap-more">
          <summary>{gap.answer ? "Change the answer" : "Answer it after all"}</summary>
          <AnswerForm gap={gap} agentId={agentId} onSaved={onChanged} />
        </details>
      )}
      {gap.status === "open" ? (
        <DismissForm gap={gap} agentId={agentId} onSaved={onChanged} />
      ) : (
        <div className="gap-form">
          <button
            type="button"
            className="secondary small"
            disabled={reopen.busy}
            onClick={() =>
              void reopen.run(async () => {
                await call(reopenKnowledgeGap({ path: { agent_id: agentId, gap_id: gap.id } }));
                onChanged();
              })
            }
          >
            Reopen
          </button>
          <ErrorNote error={reopen.error} />
        </div>
      )}
    </li>
  );
}

export function KnowledgeGapsTab() {
  const { agent } = useAgent();
  const [status, setStatus] = useState<Status | "">("");
  const gaps = useLoad(
    () => call(listKnowledgeGaps({ path: { agent_id: agent.id }, query: { status: status || undefined } })),
    [agent.id, status],
  );
  const busy = gaps.data?.gaps.some((g) => g.rerun?.status === "waiting" || g.rerun?.status === "running");
  const reload = gaps.reload;

  // Follow a re-run until its results are in.
  useEffect(() => {
    if (!busy) return;
    const timer = window.setInterval(reload, 2000);
    return () => window.clearInterval(timer);
  }, [busy, reload]);

  const counts = gaps.data?.counts ?? {};
  const total = STATUSES.reduce((sum, s) => sum + (counts[s] ?? 0), 0);
  return (
    <section className="card" aria-labelledby="gaps-title">
      <div className="card-top">
        <h3 id="gaps-title">Knowledge gaps</h3>
        <div className="toolbar">
          <label htmlFor="gap-status" className="visually-hidden">
            Show
          </label>
          <select id="gap-status" value={status} onChange={(e) => setStatus(e.target.value as Status | "")}>
            <option value="">All ({total})</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {capitalized(s)} ({counts[s] ?? 0})
              </option>
            ))}
          </select>
        </div>
      </div>
      <p className="muted">
        Questions callers asked that the agent could not answer, grouped by meaning, most asked first. An answer becomes
        knowledge, and the exam questions about it are asked again.
      </p>
      {gaps.loading && !gaps.data && <Loading label="Loading knowledge gaps" />}
      <ErrorNote error={gaps.error} retry={gaps.reload} />
      {gaps.data?.gaps.length === 0 && (
        <Empty title={status ? `No ${status} gaps` : "No knowledge gaps yet"}>
          When callers ask something the agent cannot answer, the question shows up here after the conversation ends.
        </Empty>
      )}
      {gaps.data && gaps.data.gaps.length > 0 && (
        <ol className="gap-list">
          {gaps.data.gaps.map((gap) => (
            <GapCard key={gap.id} gap={gap} agentId={agent.id} onChanged={reload} />
          ))}
        </ol>
      )}
    </section>
  );
}
