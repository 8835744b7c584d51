/**
 * Live reading progress of an agent's sources, from the server's Server-Sent Events
 * (`GET /api/agents/{id}/knowledge/events`): one row per source, failures explained.
 */
import { useEffect, useState } from "react";
import { plural } from "../format";
import { StatusBadge } from "../ui";

export interface SourceProgress {
  source_id: string;
  kind: string;
  url: string | null;
  file_name: string | null;
  status: string;
  error: string | null;
  pages_found: number;
  pages_fetched: number;
  pages_indexed: number;
  pages_failed: number;
  chunks: number;
  failures: { url: string; error: string | null }[];
}

export interface Ingestion {
  sources: SourceProgress[];
  done: boolean;
  agentStatus: string | null;
  /** The stream broke and did not come back (the browser retries a few times itself). */
  lost: boolean;
}

export function useIngestion(agentId: string, round = 0): Ingestion {
  const [state, setState] = useState<Ingestion>({ sources: [], done: false, agentStatus: null, lost: false });

  useEffect(() => {
    setState({ sources: [], done: false, agentStatus: null, lost: false });
    const stream = new EventSource(`/api/agents/${encodeURIComponent(agentId)}/knowledge/events`);
    let failures = 0;
    stream.addEventListener("progress", (event) => {
      failures = 0;
      const data = JSON.parse((event as MessageEvent<string>).data) as SourceProgress & { agent_status: string };
      setState((old) => {
        const sources = old.sources.filter((s) => s.source_id !== data.source_id);
        const at = old.sources.findIndex((s) => s.source_id === data.source_id);
        sources.splice(at < 0 ? sources.length : at, 0, data);
        return { ...old, sources, agentStatus: data.agent_status };
      });
    });
    stream.addEventListener("done", (event) => {
      const data = JSON.parse((event as MessageEvent<string>).data) as {
        agent_status: string;
        sources: SourceProgress[];
      };
      setState({ sources: data.sources, done: true, agentStatus: data.agent_status, lost: false });
      stream.close();
    });
    stream.onerror = () => {
      // EventSource reconnects by itself; after a few failures in a row, say so.
      failures += 1;
      if (failures >= 3) {
        stream.close();
        setState((old) => ({ ...old, lost: true }));
      }
    };
    return () => stream.close();
  }, [agentId, round]);

  return state;
}

function sourceName(source: SourceProgress): string {
  return source.url ?? source.file_name ?? (source.kind === "text" ? "Pasted text" : "Source");
}

export function IngestionList({ ingestion }: { ingestion: Ingestion }) {
  if (ingestion.sources.length === 0 && !ingestion.done) {
    return (
      <p className="loading" role="status">
        <span className="spinner" aria-hidden="true" />
        Waiting for the first progress report…
      </p>
    );
  }
  return (
    <ul className="ingestion" aria-label="Sources being read">
      {ingestion.sources.map((source) => {
        const website = source.kind === "website";
        const total = Math.max(source.pages_found, 1);
        return (
          <li key={source.source_id} className="card ingestion-source" data-status={source.status}>
            <div className="card-top">
              <strong className="ellipsis">{sourceName(source)}</strong>
              <StatusBadge status={source.status} />
            </div>
            {website && (
              <>
                <progress
                  max={total}
                  value={source.pages_indexed + source.pages_failed}
                  aria-label={`Pages read from ${sourceName(source)}`}
                />
                <p className="muted">
                  {plural(source.pages_found, "page")} found · {source.pages_fetched} fetched ·{" "}
                  {source.pages_indexed} indexed
                  {source.pages_failed > 0 && ` · ${source.pages_failed} failed`} ·{" "}
                  {plural(source.chunks, "passage")}
                </p>
              </>
            )}
            {!website && source.status === "ready" && (
              <p className="muted">{plural(source.chunks, "passage")} indexed</p>
            )}
            {source.error && (
              <p className="problem" role="alert">
                {source.error}
              </p>
            )}
            {source.failures.length > 0 && (
              <details>
                <summary>Pages that could not be read ({source.failures.length})</summary>
                <ul className="failures">
                  {source.failures.map((f) => (
                    <li key={f.url}>
                      <span className="ellipsis">{f.url}</span>: {f.error ?? "unknown error"}
                    </li>
                  ))}
                </ul>
              </details>
            )}
          </li>
        );
      })}
      {ingestion.lost && (
        <li className="problem" role="alert">
          Lost touch with the server while it reads your sources. Reload the page to see where it is.
        </li>
      )}
    </ul>
  );
}
