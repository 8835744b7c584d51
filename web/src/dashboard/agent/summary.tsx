/** What the agent is, in the owner's words: persona, greeting, facts, tools, calendar. */
import type { AgentSettings } from "../../client/types.gen";

export const TOOL_TEXT: Record<string, string> = {
  search_knowledge: "Answer from the knowledge base",
  business_info: "Tell the business facts",
  capture_lead: "Take callers' details (leads)",
  check_availability: "Check the calendar",
  book_appointment: "Book appointments",
  reschedule_appointment: "Reschedule appointments",
  cancel_appointment: "Cancel appointments",
  take_message: "Take messages",
  handoff_to_human: "Hand off to a person",
  end_conversation: "End the conversation",
};

const DAY_TEXT: Record<string, string> = {
  mon: "Monday",
  tue: "Tuesday",
  wed: "Wednesday",
  thu: "Thursday",
  fri: "Friday",
  sat: "Saturday",
  sun: "Sunday",
};

function clock(value: string): string {
  return value.slice(0, 5);
}

export function AgentSummary({ agent }: { agent: AgentSettings }) {
  const facts = agent.business_facts;
  const scheduling = agent.scheduling;
  const hours = Object.entries(scheduling.hours ?? {});
  return (
    <div className="summary">
      <section aria-labelledby="summary-persona">
        <h3 id="summary-persona">Persona</h3>
        <dl className="facts">
          <dt>Name</dt>
          <dd>{agent.persona_name ?? "—"}</dd>
          <dt>Greeting</dt>
          <dd className="quote">{agent.greeting ?? "—"}</dd>
        </dl>
        {agent.instructions && (
          <details>
            <summary>Instructions</summary>
            <p className="pre">{agent.instructions}</p>
          </details>
        )}
      </section>
      <section aria-labelledby="summary-facts">
        <h3 id="summary-facts">Business facts</h3>
        <dl className="facts">
          {facts.business_name && (
            <>
              <dt>Business</dt>
              <dd>{facts.business_name}</dd>
            </>
          )}
          <dt>Address</dt>
          <dd>{facts.address ?? "—"}</dd>
          <dt>Phone</dt>
          <dd>{facts.phone ?? "—"}</dd>
          <dt>Email</dt>
          <dd>{facts.email ?? "—"}</dd>
          <dt>Hours</dt>
          <dd>{facts.hours_note ?? "—"}</dd>
        </dl>
        {(facts.services ?? []).length > 0 && (
          <table className="table compact">
            <caption>Services</caption>
            <thead>
              <tr>
                <th scope="col">Service</th>
                <th scope="col">Price</th>
              </tr>
            </thead>
            <tbody>
              {(facts.services ?? []).map((s) => (
                <tr key={s.name}>
                  <td>{s.name}</td>
                  <td>{s.price ?? "—"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {(facts.handoff_contacts ?? []).length > 0 && (
          <>
            <h4>Hands off to</h4>
            <ul>
              {(facts.handoff_contacts ?? []).map((c) => (
                <li key={c.name}>
                  {c.name}
                  {c.phone && ` · ${c.phone}`}
                  {c.email && ` · ${c.email}`}
                  {c.when && <span className="muted"> ({c.when})</span>}
                </li>
              ))}
            </ul>
          </>
        )}
      </section>
      <section aria-labelledby="summary-tools">
        <h3 id="summary-tools">What it can do</h3>
        <ul className="tools">
          {agent.enabled_tools.map((tool) => (
            <li key={tool}>{TOOL_TEXT[tool] ?? tool}</li>
          ))}
        </ul>
      </section>
      <section aria-labelledby="summary-calendar">
        <h3 id="summary-calendar">Calendar</h3>
        <p className="muted">Time zone {scheduling.timezone}</p>
        <dl className="facts">
          {hours.map(([day, intervals]) => (
            <div key={day} className="contents">
              <dt>{DAY_TEXT[day] ?? day}</dt>
              <dd>{intervals.length ? intervals.map((i) => `${clock(i.opens)}–${clock(i.closes)}`).join(", ") : "closed"}</dd>
            </div>
          ))}
        </dl>
        {(scheduling.appointment_types ?? []).length > 0 && (
          <>
            <h4>Appointment types</h4>
            <ul>
              {(scheduling.appointment_types ?? []).map((t) => (
                <li key={t.key}>
                  {t.name} <span className="muted">({t.duration_minutes} min)</span>
                </li>
              ))}
            </ul>
          </>
        )}
      </section>
    </div>
  );
}
