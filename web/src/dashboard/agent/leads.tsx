/**
 * The callers who left their details with this agent: score and category with the reason,
 * a status to work them (new → contacted → won / lost), notes, filters, and a CSV export.
 */
import { useState } from "react";
import { Link } from "react-router";
import { listWorkspaceLeads, updateLead } from "../../client/sdk.gen";
import type { LeadPublic, LeadUpdate } from "../../client/types.gen";
import { call } from "../api";
import { capitalized, when } from "../format";
import { useAction, useLoad } from "../load";
import { Empty, ErrorNote, Loading } from "../ui";
import { useAgent } from "./agent-page";

const STATUSES = ["new", "contacted", "won", "lost"] as const;
type Status = (typeof STATUSES)[number];
const CATEGORIES = ["booking", "pricing", "callback", "service question", "other"] as const;
type Category = (typeof CATEGORIES)[number];

function LeadRow({ lead, agentId, onSaved }: { lead: LeadPublic; agentId: string; onSaved: (lead: LeadPublic) => void }) {
  const [notes, setNotes] = useState(lead.owner_notes ?? "");
  const action = useAction();
  const save = (body: LeadUpdate) => action.run(async () => onSaved(await call(updateLead({ path: { lead_id: lead.id }, body }))));
  return (
    <tr>
      <td>{when(lead.created_at)}</td>
      <td>
        <strong>{lead.name}</strong>
        <div className="muted">{[lead.phone, lead.email].filter(Boolean).join(" · ") || "no contact"}</div>
        {lead.interest && <div>{lead.interest}</div>}
      </td>
      <td>
        <span className="score" title={lead.score_reason ?? undefined}>
          {lead.score ?? "—"}
        </span>{" "}
        <span className="badge">{lead.category ?? "—"}</span>
        {lead.score_reason && <div className="muted small-text">{lead.score_reason}</div>}
      </td>
      <td>
        <select
          aria-label={`Status of ${lead.name}`}
          value={lead.status}
          disabled={action.busy}
          onChange={(e) => void save({ status: e.target.value as Status })}
        >
          {STATUSES.map((s) => (
            <option key={s} value={s}>
              {capitalized(s)}
            </option>
          ))}
        </select>
      </td>
      <td>
        <textarea
          aria-label={`Notes on ${lead.name}`}
          rows={2}
          value={notes}
          onChange={(e) => setNotes(e.target.value)}
          onBlur={() => notes !== (lead.owner_notes ?? "") && void save({ owner_notes: notes || null })}
        />
        <ErrorNote error={action.error} />
      </td>
      <td>{lead.conversation_id ? <Link to={`/agents/${agentId}/conversations/${lead.conversation_id}`}>Open</Link> : "—"}</td>
    </tr>
  );
}

export function LeadsTab() {
  const { agent } = useAgent();
  const [q, setQ] = useState("");
  const [status, setStatus] = useState<Status | "">("");
  const [category, setCategory] = useState<Category | "">("");
  const filters = { agent_id: agent.id, q: q || undefined, status: status || undefined, category: category || undefined };
  const leads = useLoad(() => call(listWorkspaceLeads({ query: { ...filters, limit: 200 } })), [agent.id, q, status, category]);
  const exportUrl = `/api/leads/export.csv?${new URLSearchParams(
    Object.entries(filters).filter((e): e is [string, string] => Boolean(e[1])),
  )}`;
  const replace = (lead: LeadPublic) =>
    leads.data && leads.set({ ...leads.data, leads: leads.data.leads.map((l) => (l.id === lead.id ? lead : l)) });

  return (
    <section className="card" aria-labelledby="leads-title">
      <div className="card-top">
        <h3 id="leads-title">Leads</h3>
        <a className="button secondary small" href={exportUrl} download>
          Export CSV
        </a>
      </div>
      <div className="toolbar" role="search">
        <label htmlFor="lead-q" className="visually-hidden">
          Search leads
        </label>
        <input id="lead-q" type="search" placeholder="Name, phone, email, interest" value={q} onChange={(e) => setQ(e.target.value)} />
        <label htmlFor="lead-status" className="visually-hidden">
          Status
        </label>
        <select id="lead-status" value={status} onChange={(e) => setStatus(e.target.value as Status | "")}>
          <option value="">Every status</option>
          {STATUSES.map((s) => (
            <option key={s} value={s}>
              {capitalized(s)}
            </option>
          ))}
        </select>
        <label htmlFor="lead-category" className="visually-hidden">
          Category
        </label>
        <select id="lead-category" value={category} onChange={(e) => setCategory(e.target.value as Category | "")}>
          <option value="">Every category</option>
          {CATEGORIES.map((c) => (
            <option key={c} value={c}>
              {c}
            </option>
          ))}
        </select>
      </div>
      {leads.loading && !leads.data && <Loading label="Loading leads" />}
      <ErrorNote error={leads.error} retry={leads.reload} />
      {leads.data?.leads.length === 0 && (
        <Empty title={q || status || category ? "No lead matches" : "No leads yet"}>Callers who leave their details appear here.</Empty>
      )}
      {leads.data && leads.data.leads.length > 0 && (
        <table className="table">
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Caller</th>
              <th scope="col">Score</th>
              <th scope="col">Status</th>
              <th scope="col">Notes</th>
              <th scope="col">Conversation</th>
            </tr>
          </thead>
          <tbody>
            {leads.data.leads.map((lead) => (
              <LeadRow key={lead.id} lead={lead} agentId={agent.id} onSaved={replace} />
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
