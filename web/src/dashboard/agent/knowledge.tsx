/**
 * The agent's knowledge: its sources (add, re-crawl, delete, preview what was read), live
 * progress while any is being read, and a search box that answers like the agent's lookup.
 */
import { useEffect, useState, type FormEvent } from "react";
import { addSource, deleteSource, listSourceChunks, listSources, recrawlSource, search, uploadFiles } from "../../client/sdk.gen";
import type { SearchResponse, SourcePublic } from "../../client/types.gen";
import { call } from "../api";
import { plural, when } from "../format";
import { useAction, useLoad } from "../load";
import { Empty, ErrorNote, Field, Loading, StatusBadge } from "../ui";
import { useAgent } from "./agent-page";
import { IngestionList, useIngestion } from "./ingestion";

function sourceName(source: SourcePublic): string {
  return source.url ?? source.file_name ?? source.title ?? "Pasted text";
}

function ChunkPreview({ agentId, source }: { agentId: string; source: SourcePublic }) {
  const chunks = useLoad(
    () =>
      call(
        listSourceChunks({ path: { agent_id: agentId, source_id: source.id }, query: { limit: 20 } }),
      ),
    [agentId, source.id],
  );
  if (chunks.loading) return <Loading label="Loading passages" />;
  if (chunks.error) return <ErrorNote error={chunks.error} retry={chunks.reload} />;
  const data = chunks.data!;
  return (
    <div className="chunks">
      <p className="muted">
        {data.total > data.chunks.length ? `The first ${data.chunks.length} of ${data.total} passages` : plural(data.total, "passage")}
      </p>
      <ol>
        {data.chunks.map((chunk) => (
          <li key={chunk.id}>
            {(chunk.heading || chunk.title) && <strong>{chunk.heading ?? chunk.title}</strong>}
            <p>{chunk.text}</p>
            {chunk.url && <span className="muted ellipsis">{chunk.url}</span>}
          </li>
        ))}
      </ol>
    </div>
  );
}

function AddSource({ agentId, onAdded }: { agentId: string; onAdded: () => void }) {
  const [kind, setKind] = useState<"website" | "files" | "text">("website");
  const [url, setUrl] = useState("");
  const [files, setFiles] = useState<File[]>([]);
  const [title, setTitle] = useState("");
  const [text, setText] = useState("");
  const action = useAction();

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void action.run(async () => {
      const path = { agent_id: agentId };
      if (kind === "website") await call(addSource({ path, body: { kind: "website", url } }));
      else if (kind === "text") await call(addSource({ path, body: { kind: "text", title: title || "Pasted text", text } }));
      else await call(uploadFiles({ path, body: { files } }));
      setUrl("");
      setText("");
      setTitle("");
      setFiles([]);
      onAdded();
    });
  };

  return (
    <form className="card" onSubmit={(e) => void submit(e)} aria-labelledby="add-source-title">
      <h3 id="add-source-title">Add a source</h3>
      <fieldset className="segmented">
        <legend className="visually-hidden">Kind of source</legend>
        {(["website", "files", "text"] as const).map((k) => (
          <label key={k}>
            <input type="radio" name="source-kind" value={k} checked={kind === k} onChange={() => setKind(k)} />
            {k === "website" ? "Website" : k === "files" ? "Documents" : "Text"}
          </label>
        ))}
      </fieldset>
      {kind === "website" && (
        <Field label="Website address" id="source-url">
          <input id="source-url" type="url" required placeholder="https://" value={url} onChange={(e) => setUrl(e.target.value)} />
        </Field>
      )}
      {kind === "files" && (
        <Field label="Documents (PDF, Word, text, HTML)" id="source-files">
          <input
            id="source-files"
            type="file"
            multiple
            required
            accept=".pdf,.docx,.txt,.md,.html,.htm"
            onChange={(e) => setFiles(Array.from(e.target.files ?? []))}
          />
        </Field>
      )}
      {kind === "text" && (
        <>
          <Field label="Title" id="source-title">
            <input id="source-title" value={title} onChange={(e) => setTitle(e.target.value)} />
          </Field>
          <Field label="Text" id="source-text">
            <textarea id="source-text" rows={5} required value={text} onChange={(e) => setText(e.target.value)} />
          </Field>
        </>
      )}
      <ErrorNote error={action.error} />
      <div className="actions">
        <button type="submit" disabled={action.busy}>
          {action.busy ? "Adding…" : "Add"}
        </button>
      </div>
    </form>
  );
}

function SearchBox({ agentId }: { agentId: string }) {
  const [q, setQ] = useState("");
  const [answer, setAnswer] = useState<SearchResponse>();
  const action = useAction();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!q.trim()) return;
    void action.run(async () => setAnswer(await call(search({ path: { agent_id: agentId }, query: { q, k: 5 } }))));
  };
  return (
    <section className="card" aria-labelledby="search-title">
      <h3 id="search-title">Search the knowledge</h3>
      <form className="inline-form" role="search" onSubmit={(e) => void submit(e)}>
        <label htmlFor="knowledge-q" className="visually-hidden">
          Question or words
        </label>
        <input id="knowledge-q" type="search" placeholder="e.g. how much is a checkup?" value={q} onChange={(e) => setQ(e.target.value)} />
        <button type="submit" disabled={action.busy}>
          Search
        </button>
      </form>
      <ErrorNote error={action.error} />
      {answer && answer.results.length === 0 && <p className="muted">Nothing in the knowledge matches.</p>}
      {answer && answer.results.length > 0 && (
        <ol className="results" aria-label="Search results">
          {answer.results.map((r) => (
            <li key={r.chunk_id}>
              <strong>{r.heading ?? r.title ?? r.url ?? r.file_name}</strong>
              <p>{r.text}</p>
              <span className="muted ellipsis">{r.url ?? r.file_name}</span>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}

export function KnowledgeTab() {
  const { agent, reload: reloadAgent } = useAgent();
  const [round, setRound] = useState(0);
  const sources = useLoad(() => call(listSources({ path: { agent_id: agent.id } })), [agent.id, round]);
  const ingestion = useIngestion(agent.id, round);
  const [open, setOpen] = useState<string | null>(null);
  const action = useAction();
  const refresh = () => {
    setRound((n) => n + 1);
    reloadAgent();
  };
  const reading = sources.data?.some((s) => s.status === "queued" || s.status === "running");
  // Once the live stream says everything is read, the list is stale: load it again.
  const reloadSources = sources.reload;
  useEffect(() => {
    if (ingestion.done) reloadSources();
  }, [ingestion.done, reloadSources]);

  const act = (request: () => Promise<unknown>) =>
    action.run(async () => {
      await request();
      refresh();
    });

  return (
    <div className="grid-2">
      <div>
        {reading && (
          <section className="card" aria-labelledby="reading-now">
            <h3 id="reading-now">Reading now</h3>
            <IngestionList ingestion={ingestion} />
          </section>
        )}
        <section className="card" aria-labelledby="sources-title">
          <h3 id="sources-title">Sources</h3>
          {sources.loading && !sources.data && <Loading label="Loading sources" />}
          <ErrorNote error={sources.error ?? action.error} retry={sources.reload} />
          {sources.data?.length === 0 && <Empty title="No sources yet">Add your website or a document.</Empty>}
          <ul className="source-list">
            {sources.data?.map((source) => (
              <li key={source.id}>
                <div className="card-top">
                  <strong className="ellipsis">{sourceName(source)}</strong>
                  <StatusBadge status={source.status} />
                </div>
                <p className="muted">
                  {source.kind === "website" && `${plural(source.pages_indexed, "page")} · `}
                  {plural(source.chunk_count, "passage")} · updated {when(source.finished_at ?? source.updated_at)}
                </p>
                {source.error && <p className="problem">{source.error}</p>}
                <div className="actions left">
                  <button
                    type="button"
                    className="secondary small"
                    aria-expanded={open === source.id}
                    onClick={() => setOpen(open === source.id ? null : source.id)}
                  >
                    {open === source.id ? "Hide passages" : "Preview passages"}
                  </button>
                  {source.kind === "website" && (
                    <button
                      type="button"
                      className="secondary small"
                      onClick={() => void act(() => call(recrawlSource({ path: { agent_id: agent.id, source_id: source.id } })))}
                    >
                      Re-crawl
                    </button>
                  )}
                  <button
                    type="button"
                    className="danger small"
                    onClick={() => {
                      if (window.confirm(`Delete ${sourceName(source)} and everything read from it?`)) {
                        void act(() => call(deleteSource({ path: { agent_id: agent.id, source_id: source.id } })));
                      }
                    }}
                  >
                    Delete
                  </button>
                </div>
                {open === source.id && <ChunkPreview agentId={agent.id} source={source} />}
              </li>
            ))}
          </ul>
        </section>
      </div>
      <div>
        <SearchBox agentId={agent.id} />
        <AddSource agentId={agent.id} onAdded={refresh} />
      </div>
    </div>
  );
}
