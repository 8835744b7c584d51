/**
 * Webhooks in the workspace settings: the endpoints that receive signed events, the secret
 * shown once, a test event with its answer, and each endpoint's delivery log with retries.
 */
import { useEffect, useState, type FormEvent } from "react";
import {
  createWebhookEndpoint,
  deleteWebhookEndpoint,
  listWebhookDeliveries,
  listWebhookEndpoints,
  retryWebhookDelivery,
  rotateWebhookSecret,
  sendWebhookTest,
  updateWebhookEndpoint,
} from "../../client/sdk.gen";
import type { WebhookDeliveryPublic, WebhookEndpointCreate, WebhookEndpointPublic } from "../../client/types.gen";
import { call } from "../api";
import { millis, when } from "../format";
import { useAction, useLoad } from "../load";
import { Empty, ErrorNote, Field, FormStatus, Loading } from "../ui";

type EventType = WebhookEndpointCreate["events"][number];
type DeliveryStatus = "pending" | "succeeded" | "failed";

const EVENTS: [EventType, string][] = [
  ["conversation.ended", "A conversation ended (outcome, summary, caller)"],
  ["lead.created", "A caller left their details"],
  ["appointment.booked", "An appointment was booked"],
  ["appointment.rescheduled", "An appointment was moved"],
  ["appointment.cancelled", "An appointment was cancelled"],
];
const PAGE = 20;
// While a delivery is waiting for its next try, the log looks again this often.
const POLL_MS = 2000;

function deliveryOutcome(d: WebhookDeliveryPublic): string {
  const code = d.response_status !== null ? `answered ${d.response_status}` : d.last_error ?? "no answer";
  const took = d.duration_ms !== null ? ` in ${millis(d.duration_ms)}` : "";
  return d.status === "succeeded" ? `Delivered: ${code}${took}.` : `Not delivered: ${d.last_error ?? code}`;
}

function SecretNotice({ secret, onDone }: { secret: string; onDone: () => void }) {
  const [copied, setCopied] = useState("");
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(secret);
      setCopied("Secret copied.");
    } catch {
      setCopied("Select the secret and copy it (the browser did not allow copying).");
    }
  };
  return (
    <div className="notice webhook-secret" role="status">
      <p>The signing secret (shown only now; your receiver checks each request with it):</p>
      <pre className="snippet" aria-label="Signing secret">
        {secret}
      </pre>
      <div className="actions">
        <button type="button" className="secondary" onClick={() => void copy()}>
          Copy secret
        </button>
        <button type="button" className="link" onClick={onDone}>
          I have stored it
        </button>
      </div>
      {copied && <p className="ok">{copied}</p>}
    </div>
  );
}

function AddEndpointForm({ onCreated }: { onCreated: (created: { secret: string }) => void }) {
  const [url, setUrl] = useState("");
  const [description, setDescription] = useState("");
  const [events, setEvents] = useState<EventType[]>(EVENTS.map(([key]) => key));
  const action = useAction();
  const toggle = (key: EventType, on: boolean) =>
    setEvents(on ? [...new Set([...events, key])] : events.filter((e) => e !== key));
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const ok = await action.run(async () => {
      const created = await call(createWebhookEndpoint({ body: { url, events, description: description || null } }));
      onCreated(created);
    });
    if (ok) {
      setUrl("");
      setDescription("");
    }
  };
  return (
    <form className="card inset" onSubmit={(e) => void submit(e)} aria-labelledby="webhook-add-title">
      <h3 id="webhook-add-title">Add an endpoint</h3>
      <div className="grid-2 tight">
        <Field label="Webhook URL" id="webhook-url" hint="Your system's address; Frontdesk POSTs JSON to it.">
          <input
            id="webhook-url"
            type="url"
            required
            placeholder="https://crm.example.com/hooks/frontdesk"
            aria-describedby="webhook-url-hint"
            value={url}
            onChange={(e) => setUrl(e.target.value)}
          />
        </Field>
        <Field label="Webhook description" id="webhook-description">
          <input id="webhook-description" maxLength={500} placeholder="e.g. CRM" value={description} onChange={(e) => setDescription(e.target.value)} />
        </Field>
      </div>
      <fieldset className="checks">
        <legend>Events to send</legend>
        {EVENTS.map(([key, label]) => (
          <label key={key}>
            <input type="checkbox" checked={events.includes(key)} onChange={(e) => toggle(key, e.target.checked)} />
            <span>
              <code>{key}</code> — {label}
            </span>
          </label>
        ))}
      </fieldset>
      <FormStatus error={action.error} />
      <div className="actions">
        <button type="submit" disabled={action.busy || events.length === 0}>
          Add endpoint
        </button>
      </div>
    </form>
  );
}

function DeliveryLog({ endpoint }: { endpoint: WebhookEndpointPublic }) {
  const [status, setStatus] = useState<DeliveryStatus | "">("");
  const [limit, setLimit] = useState(PAGE);
  const log = useLoad(
    () => call(listWebhookDeliveries({ path: { endpoint_id: endpoint.id }, query: { status: status || undefined, limit } })),
    [endpoint.id, status, limit],
  );
  const action = useAction();
  const waiting = log.data?.deliveries.some((d) => d.status === "pending") ?? false;
  const { reload } = log;

  useEffect(() => {
    if (!waiting) return;
    const timer = window.setTimeout(reload, POLL_MS);
    return () => window.clearTimeout(timer);
  }, [waiting, log.data, reload]);

  const retry = (id: string) =>
    action.run(async () => {
      await call(retryWebhookDelivery({ path: { endpoint_id: endpoint.id, delivery_id: id } }));
      reload();
    }, "Queued for another try; the log shows the answer.");

  return (
    <section className="webhook-log" aria-labelledby={`log-${endpoint.id}`}>
      <div className="card-top">
        <h3 id={`log-${endpoint.id}`}>Deliveries</h3>
        <div className="inline-form">
          <label htmlFor={`log-status-${endpoint.id}`}>Show</label>
          <select
            id={`log-status-${endpoint.id}`}
            value={status}
            onChange={(e) => {
              setStatus(e.target.value as DeliveryStatus | "");
              setLimit(PAGE);
            }}
          >
            <option value="">All</option>
            <option value="failed">Failed</option>
            <option value="pending">Waiting to retry</option>
            <option value="succeeded">Delivered</option>
          </select>
          <button type="button" className="secondary small" onClick={reload}>
            Refresh
          </button>
        </div>
      </div>
      <FormStatus error={action.error} done={action.done} />
      {log.loading && !log.data && <Loading label="Loading deliveries" />}
      <ErrorNote error={log.error} retry={reload} />
      {log.data?.total === 0 && (
        <Empty title={status ? "No deliveries with this status" : "Nothing sent yet"}>
          <p className="muted">Send a test event, or wait for a conversation, lead or booking.</p>
        </Empty>
      )}
      {log.data && log.data.deliveries.length > 0 && (
        <div className="table-scroll">
          <table className="table compact">
            <thead>
              <tr>
                <th scope="col">Time</th>
                <th scope="col">Event</th>
                <th scope="col">Status</th>
                <th scope="col">Response</th>
                <th scope="col">Tries</th>
                <th scope="col">Next try</th>
                <th scope="col">Error</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {log.data.deliveries.map((d) => (
                <tr key={d.id} data-delivery={d.id}>
                  <td>{when(d.created_at)}</td>
                  <td>
                    <code>{d.event_type}</code>
                  </td>
                  <td>
                    <span className={`badge delivery-${d.status}`}>{d.status === "pending" ? "waiting" : d.status}</span>
                  </td>
                  <td>{d.response_status ?? "—"}</td>
                  <td>{d.attempts}</td>
                  <td>{d.status === "pending" ? when(d.next_attempt_at) : "—"}</td>
                  <td className="webhook-error">{d.last_error ?? ""}</td>
                  <td>
                    {d.status !== "succeeded" && d.event_type !== "webhook.test" && endpoint.enabled && (
                      <button type="button" className="secondary small" disabled={action.busy} onClick={() => void retry(d.id)}>
                        Retry now
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {log.data && log.data.total > log.data.deliveries.length && (
        <button type="button" className="link" onClick={() => setLimit(limit + PAGE)}>
          Show older deliveries ({log.data.total - log.data.deliveries.length} more)
        </button>
      )}
    </section>
  );
}

function EndpointCard({
  endpoint,
  onChanged,
  onSecret,
}: {
  endpoint: WebhookEndpointPublic;
  onChanged: () => void;
  onSecret: (secret: string) => void;
}) {
  const [open, setOpen] = useState(false);
  const [test, setTest] = useState<WebhookDeliveryPublic | null>(null);
  const [round, setRound] = useState(0);
  const action = useAction();
  const testing = useAction();
  const path = { endpoint_id: endpoint.id };
  const urlId = `webhook-${endpoint.id}-url`;

  const sendTest = () =>
    testing.run(async () => {
      setTest(null);
      setTest(await call(sendWebhookTest({ path })));
      setOpen(true);
      setRound(round + 1);
    });
  // The box follows the click at once; a refused change puts it back.
  const [enabled, setEnabledShown] = useState(endpoint.enabled);
  useEffect(() => setEnabledShown(endpoint.enabled), [endpoint.enabled]);
  const setEnabled = async (on: boolean) => {
    setEnabledShown(on);
    const ok = await action.run(async () => {
      await call(updateWebhookEndpoint({ path, body: { enabled: on } }));
      onChanged();
    }, on ? "Enabled." : "Disabled: no new events are sent to it.");
    if (!ok) setEnabledShown(!on);
  };
  const rotate = () => {
    if (!window.confirm("Replace the signing secret? The old one keeps signing for 24 hours while your receiver switches to the new one.")) return;
    void action.run(async () => {
      onSecret((await call(rotateWebhookSecret({ path }))).secret);
    });
  };
  const remove = () => {
    if (!window.confirm(`Delete the webhook to ${endpoint.url} and its delivery log?`)) return;
    void action.run(async () => {
      await call(deleteWebhookEndpoint({ path }));
      onChanged();
    });
  };

  return (
    <li className="card inset webhook-endpoint" data-endpoint={endpoint.id}>
      <div className="card-top">
        <div>
          <p className="webhook-url" id={urlId}>
            <code>{endpoint.url}</code>
          </p>
          {endpoint.description && <p className="muted">{endpoint.description}</p>}
          <p className="muted">
            {endpoint.events.join(", ")} · secret <code>{endpoint.secret_hint}</code> · added {when(endpoint.created_at)}
          </p>
        </div>
        <label className="check">
          <input type="checkbox" checked={enabled} aria-describedby={urlId} disabled={action.busy} onChange={(e) => void setEnabled(e.target.checked)} />
          Enabled
        </label>
      </div>
      <div className="actions webhook-actions">
        <button type="button" aria-describedby={urlId} disabled={testing.busy} onClick={() => void sendTest()}>
          {testing.busy ? "Sending…" : "Send test event"}
        </button>
        <button type="button" className="secondary" aria-expanded={open} aria-describedby={urlId} onClick={() => setOpen(!open)}>
          {open ? "Hide deliveries" : "Show deliveries"}
        </button>
        <button type="button" className="secondary" aria-describedby={urlId} onClick={rotate}>
          Rotate secret
        </button>
        <button type="button" className="danger" aria-describedby={urlId} onClick={remove}>
          Delete
        </button>
      </div>
      {test && <p className={test.status === "succeeded" ? "ok" : "problem"} role="status">Test event — {deliveryOutcome(test)}</p>}
      <FormStatus error={testing.error ?? action.error} done={action.done} />
      {open && <DeliveryLog key={round} endpoint={endpoint} />}
    </li>
  );
}

export function WebhooksSection() {
  const endpoints = useLoad(() => call(listWebhookEndpoints()), []);
  const [secret, setSecret] = useState<string | null>(null);

  return (
    <section className="card" aria-labelledby="webhooks-title">
      <h2 id="webhooks-title">Webhooks</h2>
      <p className="muted">
        Your own systems hear of ended conversations, new leads and bookings as signed JSON POSTs. How to check the
        signature: <code>docs/webhooks.md</code>.
      </p>
      {secret && <SecretNotice secret={secret} onDone={() => setSecret(null)} />}
      {endpoints.loading && !endpoints.data && <Loading label="Loading webhooks" />}
      <ErrorNote error={endpoints.error} retry={endpoints.reload} />
      {endpoints.data?.length === 0 && <Empty title="No webhooks yet" />}
      {endpoints.data && endpoints.data.length > 0 && (
        <ul className="webhook-endpoints">
          {endpoints.data.map((endpoint) => (
            <EndpointCard key={endpoint.id} endpoint={endpoint} onChanged={endpoints.reload} onSecret={setSecret} />
          ))}
        </ul>
      )}
      <AddEndpointForm
        onCreated={(created) => {
          setSecret(created.secret);
          endpoints.reload();
        }}
      />
    </section>
  );
}
