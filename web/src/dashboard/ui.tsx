/** The small pieces every page uses: loading, errors, empty states, status badges. */
import type { FormEvent, ReactNode } from "react";

export function Loading({ label = "Loading" }: { label?: string }) {
  return (
    <p className="loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      {label}…
    </p>
  );
}

/** A problem in plain words, with a way to try again when there is one. */
export function ErrorNote({ error, retry }: { error: unknown; retry?: () => void }) {
  if (!error) return null;
  const message = error instanceof Error ? error.message : String(error);
  return (
    <div className="error-note" role="alert">
      <p>{message}</p>
      {retry && (
        <button type="button" className="secondary" onClick={retry}>
          Try again
        </button>
      )}
    </div>
  );
}

export function Empty({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="empty">
      <h3>{title}</h3>
      {children}
    </div>
  );
}

const STATUS_TEXT: Record<string, string> = {
  draft: "Draft",
  ingesting: "Reading sources",
  interviewing: "Interview",
  ready: "Ready",
  deployed: "Live",
  paused: "Paused",
  queued: "Queued",
  running: "Reading",
  failed: "Failed",
  active: "Active",
  ended: "Ended",
  completed: "Completed",
  new: "New",
};

export function StatusBadge({ status }: { status: string }) {
  return (
    <span className={`badge status-${status}`} data-status={status}>
      {STATUS_TEXT[status] ?? status}
    </span>
  );
}

export function PageHeader({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <header className="page-header">
      <h1>{title}</h1>
      {children && <div className="page-actions">{children}</div>}
    </header>
  );
}

/** A labelled form field; `hint` is read by screen readers with the input. */
export function Field({
  label,
  id,
  hint,
  children,
}: {
  label: string;
  id: string;
  hint?: string;
  children: ReactNode;
}) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children}
      {hint && (
        <p className="hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
    </div>
  );
}

/** Under a form: what went wrong, or that it worked. */
export function FormStatus({ error, done }: { error: unknown; done?: string }) {
  return (
    <>
      <ErrorNote error={error} />
      {done && (
        <p className="ok" role="status">
          {done}
        </p>
      )}
    </>
  );
}

/** The card the sign-in and first-run pages put their form in. */
export function AuthCard({
  title,
  onSubmit,
  children,
}: {
  title: string;
  onSubmit: (event: FormEvent) => void;
  children: ReactNode;
}) {
  return (
    <main className="auth-page" id="main">
      <form className="card auth-card" onSubmit={onSubmit} aria-labelledby="auth-title">
        <div className="brand">
          <span className="brand-mark" aria-hidden="true">
            F
          </span>
          Frontdesk
        </div>
        <h1 id="auth-title">{title}</h1>
        {children}
      </form>
    </main>
  );
}
