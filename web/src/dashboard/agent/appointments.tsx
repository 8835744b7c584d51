/** The agent's bookings, upcoming first or all. */
import { useState } from "react";
import { Link } from "react-router";
import { listAppointments } from "../../client/sdk.gen";
import { call } from "../api";
import { when } from "../format";
import { useLoad } from "../load";
import { Empty, ErrorNote, Loading, StatusBadge } from "../ui";
import { useAgent } from "./agent-page";

export function AppointmentsTab() {
  const { agent } = useAgent();
  const [upcoming, setUpcoming] = useState(true);
  const list = useLoad(() => call(listAppointments({ path: { agent_id: agent.id }, query: { upcoming } })), [agent.id, upcoming]);
  const types = Object.fromEntries((agent.scheduling.appointment_types ?? []).map((t) => [t.key, t.name]));
  return (
    <section className="card" aria-labelledby="appointments-title">
      <div className="card-top">
        <h3 id="appointments-title">Appointments</h3>
        <label className="check">
          <input type="checkbox" checked={upcoming} onChange={(e) => setUpcoming(e.target.checked)} />
          Upcoming only
        </label>
      </div>
      {list.loading && <Loading label="Loading appointments" />}
      <ErrorNote error={list.error} retry={list.reload} />
      {list.data?.length === 0 && <Empty title="No appointments">Bookings made by callers appear here.</Empty>}
      {list.data && list.data.length > 0 && (
        <table className="table">
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">What</th>
              <th scope="col">Who</th>
              <th scope="col">Status</th>
              <th scope="col">Conversation</th>
            </tr>
          </thead>
          <tbody>
            {list.data.map((a) => (
              <tr key={a.id}>
                <td>{when(a.starts_at)}</td>
                <td>{types[a.appointment_type] ?? a.appointment_type}</td>
                <td>
                  {a.customer_name}
                  {a.customer_phone && <span className="muted"> · {a.customer_phone}</span>}
                </td>
                <td>
                  <StatusBadge status={a.status} />
                </td>
                <td>{a.conversation_id ? <Link to={`/agents/${agent.id}/conversations/${a.conversation_id}`}>Open</Link> : "—"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
