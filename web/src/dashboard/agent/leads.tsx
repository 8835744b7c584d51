/** The callers who left their details with this agent. */
import { Link } from "react-router";
import { listLeads } from "../../client/sdk.gen";
import { call } from "../api";
import { when } from "../format";
import { useLoad } from "../load";
import { Empty, ErrorNote, Loading } from "../ui";
import { useAgent } from "./agent-page";

export function LeadsTab() {
  const { agent } = useAgent();
  const leads = useLoad(() => call(listLeads({ path: { agent_id: agent.id } })), [agent.id]);
  return (
    <section className="card" aria-labelledby="leads-title">
      <h3 id="leads-title">Leads</h3>
      {leads.loading && <Loading label="Loading leads" />}
      <ErrorNote error={leads.error} retry={leads.reload} />
      {leads.data?.length === 0 && <Empty title="No leads yet">Callers who leave their details appear here.</Empty>}
      {leads.data && leads.data.length > 0 && (
        <table className="table">
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Name</th>
              <th scope="col">Contact</th>
              <th scope="col">Interested in</th>
              <th scope="col">Conversation</th>
            </tr>
          </thead>
          <tbody>
            {leads.data.map((lead) => (
              <tr key={lead.id}>
                <td>{when(lead.created_at)}</td>
                <td>{lead.name}</td>
                <td>{[lead.phone, lead.email].filter(Boolean).join(" · ") || "—"}</td>
                <td>{lead.interest ?? lead.notes ?? "—"}</td>
                <td>{lead.conversation_id ? <Link to={`/agents/${agent.id}/conversations/${lead.conversation_id}`}>Open</Link> : "—"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
