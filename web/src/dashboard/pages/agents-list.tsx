/** Every agent of the workspace as a card; search by name, filter by status. */
import { useEffect, useState } from "react";
import { Link, useSearchParams } from "react-router";
import { listAgents } from "../../client/sdk.gen";
import type { AgentPublic } from "../../client/types.gen";
import { call } from "../api";
import { capitalized, percent, plural } from "../format";
import { useLoad } from "../load";
import { Empty, ErrorNote, Loading, PageHeader, StatusBadge } from "../ui";

/** What a card shows beyond the agent itself (the listing's counts). */
export type AgentCard = AgentPublic & {
  source_count?: number;
  chunk_count?: number;
  conversations_this_week?: number;
};

const STATUSES = ["draft", "ingesting", "interviewing", "ready", "deployed", "paused"] as const;
type Status = (typeof STATUSES)[number];

export function AgentsPage() {
  const [params, setParams] = useSearchParams();
  const q = params.get("q") ?? "";
  const status = (params.get("status") ?? "") as Status | "";
  const [typed, setTyped] = useState(q);

  // Search as the owner types, a moment after they stop.
  useEffect(() => {
    const timer = window.setTimeout(() => {
      if (typed === q) return;
      const next = new URLSearchParams(params);
      if (typed) next.set("q", typed);
      else next.delete("q");
      setParams(next, { replace: true });
    }, 250);
    return () => window.clearTimeout(timer);
  }, [typed, q, params, setParams]);

  const agents = useLoad(
    () => call(listAgents({ query: { q: q || undefined, status: status || undefined } })) as Promise<AgentCard[]>,
    [q, status],
  );
  const filtering = Boolean(q || status);

  return (
    <>
      <PageHeader title="Agents">
        <Link className="button" to="/agents/new">
          New agent
        </Link>
      </PageHeader>
      <div className="toolbar" role="search">
        <label className="visually-hidden" htmlFor="agent-search">
          Search agents
        </label>
        <input
          id="agent-search"
          type="search"
          placeholder="Search by name"
          value={typed}
          onChange={(e) => setTyped(e.target.value)}
        />
        <label className="visually-hidden" htmlFor="agent-status">
          Status
        </label>
        <select
          id="agent-status"
          value={status}
          onChange={(e) => {
            const next = new URLSearchParams(params);
            if (e.target.value) next.set("status", e.target.value);
            else next.delete("status");
            setParams(next, { replace: true });
          }}
        >
          <option value="">All statuses</option>
          {STATUSES.map((s) => (
            <option key={s} value={s}>
              {capitalized(s)}
            </option>
          ))}
        </select>
      </div>
      {agents.loading && !agents.data && <Loading label="Loading agents" />}
      <ErrorNote error={agents.error} retry={agents.reload} />
      {agents.data && agents.data.length === 0 && !filtering && (
        <Empty title="No agents yet">
          <p>Give Frontdesk your website and a few documents; it will read them and interview you.</p>
          <Link className="button" to="/agents/new">
            Create your first agent
          </Link>
        </Empty>
      )}
      {agents.data && agents.data.length === 0 && filtering && (
        <Empty title="No agent matches">
          <p>Try another name or status.</p>
        </Empty>
      )}
      {agents.data && agents.data.length > 0 && (
        <ul className="cards" aria-label="Agents">
          {agents.data.map((agent) => (
            <li key={agent.id} className="card agent-card">
              <div className="card-top">
                <h2>
                  <Link to={`/agents/${agent.id}`}>{agent.name}</Link>
                </h2>
                <StatusBadge status={agent.status} />
              </div>
              {agent.website_url && <p className="muted ellipsis">{agent.website_url}</p>}
              <dl className="stats">
                <div>
                  <dt>Knowledge</dt>
                  <dd>{agent.chunk_count !== undefined ? plural(agent.chunk_count, "passage") : "—"}</dd>
                </div>
                <div>
                  <dt>Exam</dt>
                  <dd>{percent(agent.exam_score)}</dd>
                </div>
                <div>
                  <dt>This week</dt>
                  <dd>
                    {agent.conversations_this_week !== undefined
                      ? plural(agent.conversations_this_week, "conversation")
                      : "—"}
                  </dd>
                </div>
              </dl>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
