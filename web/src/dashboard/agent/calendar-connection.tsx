/**
 * The agent's CalDAV calendar (Nextcloud, Fastmail, iCloud, Radicale…): sign in, find the
 * calendars on the server, pick one. From then on the agent offers only times that are free
 * in that calendar and writes every booking there. The password is stored for the server and
 * never shown again.
 */
import { useState, type FormEvent } from "react";
import {
  checkCalendarConnection,
  deleteCalendarConnection,
  discoverAgentCalendars,
  getCalendarConnection,
  saveCalendarConnection,
} from "../../client/sdk.gen";
import type { CalendarChoicePublic, CalendarConnectionPublic } from "../../client/types.gen";
import { call } from "../api";
import { when } from "../format";
import { useAction, useLoad } from "../load";
import { ErrorNote, Field, FormStatus, Loading } from "../ui";
import { useAgent } from "./agent-page";

function ConnectForm({
  agentId,
  current,
  onSaved,
  onCancel,
}: {
  agentId: string;
  current: CalendarConnectionPublic | null;
  onSaved(connection: CalendarConnectionPublic): void;
  onCancel?: () => void;
}) {
  const [serverUrl, setServerUrl] = useState(current?.server_url ?? "");
  const [username, setUsername] = useState(current?.username ?? "");
  const [password, setPassword] = useState("");
  const [choices, setChoices] = useState<CalendarChoicePublic[]>();
  const [calendarUrl, setCalendarUrl] = useState(current?.calendar_url ?? "");
  const find = useAction();
  const save = useAction();
  const path = { agent_id: agentId };
  // The stored password is kept when the account is the same and the field is left empty.
  const credentials = () => ({ server_url: serverUrl.trim(), username: username.trim(), password: password || null });

  const discover = () =>
    find.run(async () => {
      const found = await call(discoverAgentCalendars({ path, body: credentials() }));
      setChoices(found);
      if (!found.some((c) => c.url === calendarUrl)) setCalendarUrl(found[0]?.url ?? "");
    });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!choices) {
      void discover();
      return;
    }
    void save.run(async () => {
      const saved = await call(saveCalendarConnection({ path, body: { ...credentials(), calendar_url: calendarUrl || null } }));
      onSaved(saved);
    });
  };

  // A changed address or account makes the list of calendars stale.
  const edited = (apply: () => void) => {
    apply();
    setChoices(undefined);
  };

  return (
    <form className="caldav-form" onSubmit={submit} aria-label="Connect a CalDAV calendar">
      <Field label="Server address" id="caldav-server" hint="The CalDAV address your calendar provider gives, e.g. https://cloud.example.com/remote.php/dav/">
        <input
          id="caldav-server"
          type="url"
          inputMode="url"
          required
          maxLength={2000}
          value={serverUrl}
          onChange={(e) => edited(() => setServerUrl(e.target.value))}
          placeholder="https://caldav.example.com/"
          aria-describedby="caldav-server-hint"
        />
      </Field>
      <Field label="Username" id="caldav-username">
        <input id="caldav-username" required maxLength={320} autoComplete="off" value={username} onChange={(e) => edited(() => setUsername(e.target.value))} />
      </Field>
      <Field
        label="Password"
        id="caldav-password"
        hint={current ? "Leave empty to keep the stored password. Some providers want an app password." : "Some providers want an app password. Stored, never shown again."}
      >
        <input
          id="caldav-password"
          type="password"
          autoComplete="new-password"
          maxLength={1000}
          required={!current}
          value={password}
          onChange={(e) => edited(() => setPassword(e.target.value))}
          aria-describedby="caldav-password-hint"
        />
      </Field>
      {choices && choices.length > 0 && (
        <Field label="Calendar" id="caldav-calendar" hint="Its events block the agent's times; bookings are written here.">
          <select id="caldav-calendar" value={calendarUrl} onChange={(e) => setCalendarUrl(e.target.value)} aria-describedby="caldav-calendar-hint">
            {choices.map((c) => (
              <option key={c.url} value={c.url}>
                {c.name}
              </option>
            ))}
          </select>
        </Field>
      )}
      <div className="actions left">
        {choices ? (
          <>
            <button type="submit" disabled={save.busy || !calendarUrl}>
              {save.busy ? "Checking…" : "Connect"}
            </button>
            <button type="button" className="secondary" disabled={find.busy} onClick={() => void discover()}>
              {find.busy ? "Looking…" : "Look again"}
            </button>
          </>
        ) : (
          <button type="submit" disabled={find.busy}>
            {find.busy ? "Looking for calendars…" : "Find calendars"}
          </button>
        )}
        {onCancel && (
          <button type="button" className="secondary" onClick={onCancel}>
            Cancel
          </button>
        )}
      </div>
      <div aria-live="polite">
        <FormStatus error={find.error ?? save.error} />
      </div>
    </form>
  );
}

function ConnectionDetails({
  agentId,
  connection,
  onChanged,
  onEdit,
  onRemoved,
}: {
  agentId: string;
  connection: CalendarConnectionPublic;
  onChanged(connection: CalendarConnectionPublic): void;
  onEdit(): void;
  onRemoved(): void;
}) {
  const action = useAction();
  const path = { agent_id: agentId };
  const check = () =>
    action.run(async () => {
      const checked = await call(checkCalendarConnection({ path }));
      onChanged(checked);
      if (checked.status === "error") throw new Error(checked.last_error ?? "The calendar could not be reached.");
    }, "The calendar answered.");
  const disconnect = () => {
    if (!window.confirm(`Disconnect ${connection.calendar_name}? Events already written there stay.`)) return;
    void action.run(async () => {
      await call(deleteCalendarConnection({ path }));
      onRemoved();
    });
  };
  return (
    <>
      <dl className="caldav-details">
        <dt>Calendar</dt>
        <dd>{connection.calendar_name}</dd>
        <dt>Server</dt>
        <dd>
          <code>{connection.server_url}</code>
        </dd>
        <dt>Username</dt>
        <dd>{connection.username}</dd>
        <dt>Password</dt>
        <dd aria-label="Password stored, not shown">{connection.password}</dd>
      </dl>
      {connection.status === "error" && connection.last_error && <p className="problem">{connection.last_error}</p>}
      {connection.checked_at && <p className="hint">Last checked {when(connection.checked_at)}</p>}
      <div className="actions left">
        <button type="button" onClick={() => void check()} disabled={action.busy}>
          {action.busy ? "Working…" : "Check now"}
        </button>
        <button type="button" className="secondary" onClick={onEdit} disabled={action.busy}>
          Change
        </button>
        <button type="button" className="danger" onClick={disconnect} disabled={action.busy}>
          Disconnect
        </button>
      </div>
      <FormStatus error={action.error} done={action.done} />
    </>
  );
}

export function CalendarConnection() {
  const { agent } = useAgent();
  const loaded = useLoad(() => call(getCalendarConnection({ path: { agent_id: agent.id } })), [agent.id]);
  const [editing, setEditing] = useState(false);
  const [done, setDone] = useState("");
  const connection = loaded.data;
  const status = connection ? connection.status : "none";

  return (
    <section className="card caldav" aria-labelledby="caldav-title">
      <div className="card-top">
        <h3 id="caldav-title">CalDAV calendar</h3>
        {!loaded.loading && !loaded.error && (
          <span className={`badge caldav-status-${status}`} data-status={status} role="status">
            {status === "connected" ? "Connected" : status === "error" ? "Not working" : "Not connected"}
          </span>
        )}
      </div>
      <p className="muted">
        Connect the calendar you already use. The agent then offers only times that are free there (repeating and all-day
        events included) and writes every booking into it; if the calendar cannot be reached, the agent books nothing and
        says so.
      </p>
      {loaded.loading && connection === undefined ? (
        <Loading label="Loading the calendar connection" />
      ) : loaded.error && connection === undefined ? (
        <ErrorNote error={loaded.error} retry={loaded.reload} />
      ) : connection && !editing ? (
        <ConnectionDetails
          agentId={agent.id}
          connection={connection}
          onChanged={(changed) => {
            setDone("");
            loaded.set(changed);
          }}
          onEdit={() => {
            setDone("");
            setEditing(true);
          }}
          onRemoved={() => {
            loaded.set(null);
            setDone("Disconnected. Availability follows the opening hours alone.");
          }}
        />
      ) : (
        <ConnectForm
          agentId={agent.id}
          current={connection ?? null}
          onSaved={(saved) => {
            loaded.set(saved);
            setEditing(false);
            setDone(`Connected to ${saved.calendar_name}.`);
          }}
          onCancel={connection ? () => setEditing(false) : undefined}
        />
      )}
      {done && (
        <p className="ok" role="status">
          {done}
        </p>
      )}
    </section>
  );
}
