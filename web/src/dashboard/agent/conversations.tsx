/** The agent's conversations: newest first, searchable; each with its whole transcript. */
import { useState } from "react";
import { Link, useParams } from "react-router";
import { getConversation, listConversations } from "../../client/sdk.gen";
import { call } from "../api";
import { millis, timingName, when } from "../format";
import { useLoad } from "../load";
import { Empty, ErrorNote, Loading, StatusBadge } from "../ui";
import { useAgent } from "./agent-page";

const PAGE = 25;

export const OUTCOMES = {
  answered: "Answered",
  lead_captured: "Lead captured",
  booked: "Booked",
  message_taken: "Message taken",
  handed_off: "Handed off",
  abandoned: "Abandoned",
} as const;
type Outcome = keyof typeof OUTCOMES;

function OutcomeBadge({ outcome }: { outcome: string | null | undefined }) {
  if (!outcome) return <span className="muted">not analysed yet</span>;
  return (
    <span className={`badge outcome-${outcome}`} data-outcome={outcome}>
      {OUTCOMES[outcome as Outcome] ?? outcome}
    </span>
  );
}

export function ConversationsTab() {
  const { agent } = useAgent();
  const [q, setQ] = useState("");
  const [query, setQuery] = useState("");
  const [offset, setOffset] = useState(0);
  const [outcome, setOutcome] = useState<Outcome | "">("");
  const rows = useLoad(
    () =>
      call(
        listConversations({
          path: { agent_id: agent.id },
          query: { limit: PAGE, offset, q: query || undefined, outcome: outcome || undefined },
        }),
      ),
    [agent.id, offset, query, outcome],
  );
  return (
    <section className="card" aria-labelledby="conversations-title">
      <div className="card-top">
        <h3 id="conversations-title">Conversations</h3>
        <form
          className="inline-form"
          role="search"
          onSubmit={(e) => {
            e.preventDefault();
            setOffset(0);
            setQuery(q.trim());
          }}
        >
          <label htmlFor="conversation-q" className="visually-hidden">
            Search conversations
          </label>
          <input id="conversation-q" type="search" placeholder="Words said" value={q} onChange={(e) => setQ(e.target.value)} />
          <button type="submit" className="secondary">
            Search
          </button>
          <label htmlFor="conversation-outcome" className="visually-hidden">
            Outcome
          </label>
          <select
            id="conversation-outcome"
            value={outcome}
            onChange={(e) => {
              setOffset(0);
              setOutcome(e.target.value as Outcome | "");
            }}
          >
            <option value="">Every outcome</option>
            {Object.entries(OUTCOMES).map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </form>
      </div>
      {rows.loading && !rows.data && <Loading label="Loading conversations" />}
      <ErrorNote error={rows.error} retry={rows.reload} />
      {rows.data?.conversations.length === 0 && (
        <Empty title={query || outcome ? "No conversation matches" : "No conversations yet"}>
          {!query && !outcome && (
            <p>
              Try the agent in the <Link to={`/agents/${agent.id}/test`}>test console</Link>.
            </p>
          )}
        </Empty>
      )}
      {rows.data && rows.data.conversations.length > 0 && (
        <table className="table">
          <thead>
            <tr>
              <th scope="col">Started</th>
              <th scope="col">Channel</th>
              <th scope="col">What happened</th>
              <th scope="col">Outcome</th>
              <th scope="col">Turns</th>
            </tr>
          </thead>
          <tbody>
            {rows.data.conversations.map((row) => (
              <tr key={row.id}>
                <td>
                  <Link to={`/agents/${agent.id}/conversations/${row.id}`}>{when(row.created_at)}</Link>
                </td>
                <td>
                  {row.channel}
                  {row.source === "widget" ? " · widget" : ""}
                </td>
                <td className="ellipsis">{row.summary ?? row.preview ?? "—"}</td>
                <td>{row.status === "active" ? <StatusBadge status="active" /> : <OutcomeBadge outcome={row.outcome} />}</td>
                <td>{row.turn_count}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <div className="actions">
        <button type="button" className="secondary small" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE))}>
          Newer
        </button>
        <button type="button" className="secondary small" disabled={offset + PAGE >= (rows.data?.total ?? 0)} onClick={() => setOffset(offset + PAGE)}>
          Older
        </button>
      </div>
    </section>
  );
}

export function ConversationView() {
  const { agent } = useAgent();
  const { conversationId = "" } = useParams();
  const transcript = useLoad(() => call(getConversation({ path: { conversation_id: conversationId } })), [conversationId]);
  if (!transcript.data) return transcript.loading ? <Loading label="Loading the transcript" /> : <ErrorNote error={transcript.error} retry={transcript.reload} />;
  const t = transcript.data;
  return (
    <section className="card" aria-labelledby="transcript-title">
      <p>
        <Link to={`/agents/${agent.id}/conversations`}>← All conversations</Link>
      </p>
      <div className="card-top">
        <h3 id="transcript-title">{when(t.started_at)}</h3>
        <StatusBadge status={t.status} />
      </div>
      <p className="muted">
        {t.channel}
        {t.channel === "phone" ? ` · from ${t.caller_number ?? "a withheld number"}` : ""}
        {t.transfer_to ? ` · put through to ${t.transfer_to}` : ""} · {t.turns.length} turns
        {t.end_reason ? ` · ${t.end_reason}` : ""}
        {t.ended_at ? ` · ended ${when(t.ended_at)}` : ""}
      </p>
      {t.status !== "active" && (
        <section className="analysis" aria-labelledby="analysis-title">
          <h4 id="analysis-title">
            After the conversation <OutcomeBadge outcome={t.outcome} />
          </h4>
          {t.summary && <p className="summary-text">{t.summary}</p>}
          {t.analysis_error && <p className="muted">No summary: {t.analysis_error}</p>}
          {t.caller_details && (t.caller_details.name || t.caller_details.phone || t.caller_details.email) && (
            <p>
              <strong>Caller:</strong>{" "}
              {[t.caller_details.name, t.caller_details.phone, t.caller_details.email].filter(Boolean).join(" · ")}
            </p>
          )}
          {(t.unanswered ?? []).length > 0 && (
            <>
              <strong>Questions it could not answer</strong>
              <ul>
                {(t.unanswered ?? []).map((question) => (
                  <li key={question}>{question}</li>
                ))}
              </ul>
            </>
          )}
        </section>
      )}
      <ol className="transcript" aria-label="Transcript">
        {t.turns.map((turn) => (
          <li key={turn.seq} className={`line ${turn.role} done`}>
            <span className="who">{turn.role === "agent" ? (agent.persona_name ?? "Agent") : "Caller"}</span>
            <span className="words">{turn.text}</span>
            {(turn.tool_calls.length > 0 || Object.keys(turn.timings).length > 0) && (
              <div className="turn-details">
                {turn.tool_calls.map((tool, i) => (
                  <span key={i} className={`tool${tool.error ? " failed" : ""}`} title={tool.result ?? undefined}>
                    {tool.name}
                  </span>
                ))}
                <span className="timings">
                  {Object.entries(turn.timings)
                    .map(([name, value]) => `${timingName(name)} ${millis(value)}`)
                    .join(" · ")}
                </span>
              </div>
            )}
          </li>
        ))}
      </ol>
    </section>
  );
}
