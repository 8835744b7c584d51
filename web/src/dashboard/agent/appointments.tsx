/**
 * The agent's bookings: a list or a week at a glance, the confirmation to send the caller,
 * cancel and reschedule (the same rules as the agent's own booking), and the calendar feed
 * the owner's Google Calendar or Outlook can subscribe to.
 */
import { Fragment, useState } from "react";
import { Link } from "react-router";
import {
  cancelAppointment,
  getAppointment,
  getCalendarFeed,
  listAppointments,
  regenerateCalendarFeed,
  rescheduleAppointment,
} from "../../client/sdk.gen";
import type { AppointmentPublic } from "../../client/types.gen";
import { call } from "../api";
import { when } from "../format";
import { useAction, useLoad } from "../load";
import { Empty, ErrorNote, FormStatus, Loading, StatusBadge } from "../ui";
import { useAgent } from "./agent-page";

function dayKey(value: string, zone: string): string {
  return new Intl.DateTimeFormat("en-CA", { timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit" }).format(new Date(value));
}

function clock(value: string, zone: string): string {
  return new Intl.DateTimeFormat(undefined, { timeZone: zone, hour: "2-digit", minute: "2-digit" }).format(new Date(value));
}

/** Seven days from today, in the agent's time zone, with what is booked each day. */
function WeekView({ items, zone, types }: { items: AppointmentPublic[]; zone: string; types: Record<string, string> }) {
  const days = Array.from({ length: 7 }, (_, i) => new Date(Date.now() + i * 86_400_000));
  return (
    <ol className="week" aria-label="This week">
      {days.map((date) => {
        const key = dayKey(date.toISOString(), zone);
        const booked = items.filter((a) => a.status !== "cancelled" && dayKey(a.starts_at, zone) === key);
        return (
          <li key={key}>
            <strong>{new Intl.DateTimeFormat(undefined, { timeZone: zone, weekday: "short", day: "numeric", month: "short" }).format(date)}</strong>
            {booked.length === 0 && <span className="muted">free</span>}
            {booked.map((a) => (
              <span key={a.id} className="slot">
                {clock(a.starts_at, zone)} {types[a.appointment_type] ?? a.appointment_type} · {a.customer_name}
              </span>
            ))}
          </li>
        );
      })}
    </ol>
  );
}

function AppointmentDetails({ agentId, appointment, onChanged }: { agentId: string; appointment: AppointmentPublic; onChanged: () => void }) {
  const path = { agent_id: agentId, appointment_id: appointment.id };
  const detail = useLoad(() => call(getAppointment({ path })), [appointment.id, appointment.status, appointment.starts_at]);
  const [startsAt, setStartsAt] = useState("");
  const action = useAction();
  const reschedule = () =>
    action.run(async () => {
      // The owner types local time; the server wants an instant with its offset.
      await call(rescheduleAppointment({ path, body: { starts_at: new Date(startsAt).toISOString() } }));
      onChanged();
    }, "Rescheduled.");
  const cancel = () =>
    window.confirm(`Cancel ${appointment.customer_name}'s appointment?`) &&
    void action.run(async () => {
      await call(cancelAppointment({ path }));
      onChanged();
    }, "Cancelled.");
  return (
    <div className="appointment-details">
      {detail.data && <p className="confirmation">{detail.data.confirmation}</p>}
      <ErrorNote error={detail.error} />
      {appointment.status !== "cancelled" && (
        <div className="inline-form">
          <label htmlFor={`new-time-${appointment.id}`}>New time</label>
          <input id={`new-time-${appointment.id}`} type="datetime-local" value={startsAt} onChange={(e) => setStartsAt(e.target.value)} />
          <button type="button" className="secondary small" disabled={!startsAt || action.busy} onClick={() => void reschedule()}>
            Reschedule
          </button>
          <button type="button" className="danger small" disabled={action.busy} onClick={cancel}>
            Cancel appointment
          </button>
        </div>
      )}
      <FormStatus error={action.error} done={action.done} />
    </div>
  );
}

export function AppointmentsTab() {
  const { agent } = useAgent();
  const [upcoming, setUpcoming] = useState(true);
  const [view, setView] = useState<"list" | "week">("list");
  const [open, setOpen] = useState<string | null>(null);
  const list = useLoad(() => call(listAppointments({ path: { agent_id: agent.id }, query: { upcoming } })), [agent.id, upcoming]);
  const feed = useLoad(() => call(getCalendarFeed({ path: { agent_id: agent.id } })), [agent.id]);
  const feedAction = useAction();
  // A new address revokes the old one: for an address shared by mistake or seen by someone
  // who should no longer see the bookings.
  const regenerate = () =>
    window.confirm("Make a new address? Calendars subscribed to the current one stop receiving bookings.") &&
    void feedAction.run(async () => {
      await call(regenerateCalendarFeed({ path: { agent_id: agent.id } }));
      feed.reload();
    }, "New address made; subscribe your calendar to it.");
  const types = Object.fromEntries((agent.scheduling.appointment_types ?? []).map((t) => [t.key, t.name]));
  const zone = agent.scheduling.timezone ?? "UTC";
  return (
    <>
      <section className="card" aria-labelledby="appointments-title">
        <div className="card-top">
          <h3 id="appointments-title">Appointments</h3>
          <div className="inline-form">
            <fieldset className="segmented">
              <legend className="visually-hidden">View</legend>
              <label>
                <input type="radio" name="appointments-view" checked={view === "list"} onChange={() => setView("list")} />
                List
              </label>
              <label>
                <input type="radio" name="appointments-view" checked={view === "week"} onChange={() => setView("week")} />
                Week
              </label>
            </fieldset>
            <label className="check">
              <input type="checkbox" checked={upcoming} onChange={(e) => setUpcoming(e.target.checked)} />
              Upcoming only
            </label>
          </div>
        </div>
        <p className="muted">Times in {zone}.</p>
        {list.loading && !list.data && <Loading label="Loading appointments" />}
        <ErrorNote error={list.error} retry={list.reload} />
        {list.data && view === "week" && <WeekView items={list.data} zone={zone} types={types} />}
        {list.data?.length === 0 && view === "list" && <Empty title="No appointments">Bookings made by callers appear here.</Empty>}
        {list.data && list.data.length > 0 && view === "list" && (
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
                <Fragment key={a.id}>
                  <tr>
                    <td>
                      <button type="button" className="link" aria-expanded={open === a.id} onClick={() => setOpen(open === a.id ? null : a.id)}>
                        {when(a.starts_at, zone)}
                      </button>
                    </td>
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
                  {open === a.id && (
                    <tr>
                      <td colSpan={5}>
                        <AppointmentDetails agentId={agent.id} appointment={a} onChanged={list.reload} />
                      </td>
                    </tr>
                  )}
                </Fragment>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <section className="card" aria-labelledby="feed-title">
        <h3 id="feed-title">Subscribe in your calendar</h3>
        <p className="muted">
          Add this address to Google Calendar ("From URL") or Outlook ("Subscribe from web"). It is secret: anyone with it
          sees the bookings.
        </p>
        {feed.data && (
          <pre className="snippet" tabIndex={0} aria-label="Calendar feed address">
            {feed.data.ics_url}
          </pre>
        )}
        <ErrorNote error={feed.error} />
        {feed.data && (
          <div className="inline-form">
            <button type="button" className="secondary small" disabled={feedAction.busy} onClick={regenerate}>
              Regenerate address
            </button>
          </div>
        )}
        <FormStatus error={feedAction.error} done={feedAction.done} />
      </section>
    </>
  );
}
