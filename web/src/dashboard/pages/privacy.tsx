/**
 * Data and privacy in the workspace settings: how long transcripts are kept, the export of
 * everything the workspace holds, and deleting one caller's data when they ask.
 */
import { useEffect, useState, type FormEvent } from "react";
import { deleteCallerData, getRetention, listCallerDeletions, setRetention } from "../../client/sdk.gen";
import type { CallerDeletionResult, DeletionCounts } from "../../client/types.gen";
import { call } from "../api";
import { plural, when } from "../format";
import { useAction, useLoad } from "../load";
import { Empty, ErrorNote, Field, FormStatus, Loading } from "../ui";

const COUNT_NAMES: [keyof DeletionCounts, string, string][] = [
  ["leads", "lead", "leads"],
  ["conversations", "conversation", "conversations"],
  ["transcript_turns", "transcript line", "transcript lines"],
  ["messages", "message", "messages"],
  ["appointments", "appointment", "appointments"],
  ["knowledge_gap_questions", "knowledge-gap question", "knowledge-gap questions"],
  ["webhook_log_entries", "webhook log entry", "webhook log entries"],
];

/** "2 leads, 1 conversation, …" (kinds with nothing left out); "nothing" when all are 0. */
function describeCounts(counts: DeletionCounts): string {
  const parts = COUNT_NAMES.filter(([key]) => counts[key] > 0).map(([key, one, many]) => plural(counts[key], one, many));
  if (counts.appointments_cancelled > 0) {
    parts.push(`${plural(counts.appointments_cancelled, "upcoming appointment")} cancelled first`);
  }
  return parts.length ? parts.join(", ") : "nothing";
}

function RetentionForm() {
  const retention = useLoad(() => call(getRetention()), []);
  const [days, setDays] = useState("");
  const action = useAction();

  useEffect(() => {
    if (retention.data) setDays(retention.data.transcript_retention_days?.toString() ?? "");
  }, [retention.data]);

  if (!retention.data) {
    return retention.loading ? <Loading label="Loading the retention period" /> : <ErrorNote error={retention.error} retry={retention.reload} />;
  }
  const current = retention.data;

  const save = (event: FormEvent) => {
    event.preventDefault();
    const value = days.trim() === "" ? null : Number(days);
    void action.run(async () => {
      retention.set(await call(setRetention({ body: { transcript_retention_days: value } })));
    }, value === null ? "Saved: transcripts are kept for good." : `Saved: transcripts are deleted ${plural(value, "day")} after a conversation ends.`);
  };

  return (
    <form className="privacy-retention" onSubmit={save} aria-labelledby="privacy-retention-title">
      <h3 id="privacy-retention-title">Transcript retention</h3>
      <Field
        label="Delete transcripts after (days)"
        id="privacy-retention-days"
        hint="Leave empty to keep them for good. The conversation itself (channel, times, outcome) stays, so analytics do not change; leads, bookings and messages stay too."
      >
        <input
          id="privacy-retention-days"
          type="number"
          inputMode="numeric"
          min={1}
          max={3650}
          placeholder="Keep for good"
          value={days}
          aria-describedby="privacy-retention-days-hint"
          onChange={(event) => setDays(event.target.value)}
        />
      </Field>
      <p className="muted" role="status">
        {current.transcript_retention_days === null
          ? "Transcripts are kept for good."
          : `${plural(current.transcripts_due, "transcript")} past the period will go within the hour; ${plural(current.transcripts_deleted, "transcript")} deleted so far.`}
      </p>
      <div className="actions">
        <button type="submit" disabled={action.busy}>
          {action.busy ? "Saving…" : "Save retention"}
        </button>
      </div>
      <FormStatus error={action.error} done={action.done} />
    </form>
  );
}

function CallerDeletionForm({ onDeleted }: { onDeleted: () => void }) {
  const [phone, setPhone] = useState("");
  const [email, setEmail] = useState("");
  // The dry run's answer for exactly these inputs; deleting is offered only after it.
  const [preview, setPreview] = useState<{ key: string; result: CallerDeletionResult } | null>(null);
  const [deleted, setDeleted] = useState<CallerDeletionResult | null>(null);
  const action = useAction();
  const key = `${phone.trim()}|${email.trim()}`;
  const body = { phone: phone.trim() || null, email: email.trim() || null };

  const count = (event: FormEvent) => {
    event.preventDefault();
    setDeleted(null);
    void action.run(async () => {
      setPreview({ key, result: await call(deleteCallerData({ body: { ...body, dry_run: true } })) });
    });
  };

  const remove = () => {
    if (!preview) return;
    if (!window.confirm(`Delete ${describeCounts(preview.result.counts)} for good? This cannot be undone.`)) return;
    void action.run(async () => {
      const result = await call(deleteCallerData({ body: { ...body, dry_run: false } }));
      setDeleted(result);
      setPreview(null);
      setPhone("");
      setEmail("");
      onDeleted();
    });
  };

  const current = preview?.key === key ? preview.result : null;
  const nothing = current !== null && describeCounts(current.counts) === "nothing";
  return (
    <form className="privacy-deletion" onSubmit={count} aria-labelledby="privacy-deletion-title">
      <h3 id="privacy-deletion-title">Delete a caller's data</h3>
      <p className="muted">
        When a caller asks, find them by phone and/or email: their leads, conversations, messages, appointments (upcoming ones
        are cancelled first) and knowledge-gap questions are deleted. Count first, then delete.
      </p>
      <div className="privacy-contact">
        <Field label="Caller's phone" id="privacy-phone">
          <input id="privacy-phone" type="tel" autoComplete="off" value={phone} onChange={(e) => setPhone(e.target.value)} />
        </Field>
        <Field label="Caller's email" id="privacy-email">
          <input id="privacy-email" type="email" autoComplete="off" value={email} onChange={(e) => setEmail(e.target.value)} />
        </Field>
      </div>
      <div className="actions">
        <button type="submit" className="secondary" disabled={action.busy || key === "|"}>
          Count what would be deleted
        </button>
        <button type="button" className="danger" disabled={action.busy || current === null || nothing} onClick={remove}>
          Delete for good
        </button>
      </div>
      {current && (
        <p className="privacy-counts" role="status">
          {nothing ? "Nothing in this workspace matches." : `Would delete ${describeCounts(current.counts)}.`}
        </p>
      )}
      {deleted && (
        <p className="ok" role="status">
          Deleted {describeCounts(deleted.counts)}.
        </p>
      )}
      <ErrorNote error={action.error} />
    </form>
  );
}

function DeletionTrail({ round }: { round: number }) {
  const trail = useLoad(() => call(listCallerDeletions({ query: { limit: 20 } })), [round]);
  return (
    <section className="privacy-trail" aria-labelledby="privacy-trail-title">
      <h3 id="privacy-trail-title">Deletions done</h3>
      {trail.loading && !trail.data && <Loading label="Loading the deletions" />}
      <ErrorNote error={trail.error} retry={trail.reload} />
      {trail.data?.length === 0 && <Empty title="No caller has asked yet" />}
      {trail.data && trail.data.length > 0 && (
        <ul className="privacy-trail-list">
          {trail.data.map((row) => (
            <li key={row.id}>
              <strong>{when(row.created_at)}</strong> by {row.requested_by_email ?? (row.requested_via === "api_key" ? "an API key" : "a removed user")}{" "}
              (matched {[row.matched_phone && "phone", row.matched_email && "email"].filter(Boolean).join(" and ")}):{" "}
              {describeCounts(row.counts)}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

export function PrivacySection() {
  const [round, setRound] = useState(0);
  return (
    <section className="card privacy" aria-labelledby="privacy-title">
      <h2 id="privacy-title">Data and privacy</h2>
      <RetentionForm />
      <div className="privacy-export">
        <h3>Export</h3>
        <p className="muted">
          One ZIP of everything the workspace holds (agents, knowledge, conversations with transcripts, leads, appointments,
          messages, exams, webhooks), one JSON-lines file per table. Keys and secrets are masked.
        </p>
        <a className="button secondary" href="/api/workspace/export" download>
          Download the export
        </a>
      </div>
      <CallerDeletionForm onDeleted={() => setRound(round + 1)} />
      <DeletionTrail round={round} />
    </section>
  );
}
