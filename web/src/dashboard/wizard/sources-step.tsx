/** Step 1: the business's name, its website, and documents dropped or picked. */
import { useRef, useState, type DragEvent, type FormEvent } from "react";
import { createAgent } from "../../client/sdk.gen";
import { call } from "../api";
import { useAction } from "../load";
import { ErrorNote, Field } from "../ui";

const ACCEPT = ".pdf,.docx,.txt,.md,.html,.htm";

function sizeText(bytes: number): string {
  return bytes >= 1_000_000 ? `${(bytes / 1_000_000).toFixed(1)} MB` : `${Math.ceil(bytes / 1000)} kB`;
}

export function SourcesStep({ onCreated }: { onCreated: (agentId: string) => void }) {
  const [name, setName] = useState("");
  const [website, setWebsite] = useState("");
  const [text, setText] = useState("");
  const [files, setFiles] = useState<File[]>([]);
  const [dragging, setDragging] = useState(false);
  const action = useAction();
  const picker = useRef<HTMLInputElement>(null);

  const add = (list: FileList | null) => {
    if (!list) return;
    const known = new Set(files.map((f) => `${f.name}:${f.size}`));
    setFiles([...files, ...Array.from(list).filter((f) => !known.has(`${f.name}:${f.size}`))]);
  };
  const drop = (event: DragEvent) => {
    event.preventDefault();
    setDragging(false);
    add(event.dataTransfer.files);
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void action.run(async () => {
      if (!website.trim() && files.length === 0 && !text.trim()) {
        throw new Error("Give a website, a document or some text for the agent to learn from.");
      }
      const agent = await call(
        createAgent({
          body: {
            name,
            website_url: website.trim() || undefined,
            text: text.trim() || undefined,
            files,
          },
        }),
      );
      onCreated(agent.id);
    });
  };

  return (
    <form className="card step" onSubmit={(e) => void submit(e)} aria-labelledby="sources-title">
      <h2 id="sources-title">What should your receptionist know?</h2>
      <Field label="Business name" id="agent-name">
        <input id="agent-name" required maxLength={200} value={name} onChange={(e) => setName(e.target.value)} />
      </Field>
      <Field label="Website" id="agent-website" hint="Frontdesk reads the pages of this site (same site only).">
        <input
          id="agent-website"
          type="url"
          placeholder="https://www.example.com"
          aria-describedby="agent-website-hint"
          value={website}
          onChange={(e) => setWebsite(e.target.value)}
        />
      </Field>
      <div className="field">
        <span className="label" id="documents-label">
          Documents
        </span>
        <div
          className={`dropzone${dragging ? " dragging" : ""}`}
          onDragOver={(e) => {
            e.preventDefault();
            setDragging(true);
          }}
          onDragLeave={() => setDragging(false)}
          onDrop={drop}
        >
          <p>Drop PDF, Word, text or HTML files here, or</p>
          <button type="button" className="secondary" onClick={() => picker.current?.click()} aria-describedby="documents-label">
            Choose files
          </button>
          <input
            ref={picker}
            type="file"
            multiple
            accept={ACCEPT}
            className="visually-hidden"
            aria-label="Choose documents"
            onChange={(e) => {
              add(e.target.files);
              e.target.value = "";
            }}
          />
        </div>
        {files.length > 0 && (
          <ul className="file-list" aria-label="Chosen documents">
            {files.map((file) => (
              <li key={`${file.name}:${file.size}`}>
                <span className="ellipsis">{file.name}</span> <span className="muted">{sizeText(file.size)}</span>
                <button
                  type="button"
                  className="link"
                  aria-label={`Remove ${file.name}`}
                  onClick={() => setFiles(files.filter((f) => f !== file))}
                >
                  Remove
                </button>
              </li>
            ))}
          </ul>
        )}
      </div>
      <Field label="Anything else (optional)" id="agent-text" hint="Paste prices, policies or notes.">
        <textarea id="agent-text" rows={3} value={text} aria-describedby="agent-text-hint" onChange={(e) => setText(e.target.value)} />
      </Field>
      <ErrorNote error={action.error} />
      <div className="actions">
        <button type="submit" disabled={action.busy}>
          {action.busy ? "Uploading…" : "Read my sources"}
        </button>
      </div>
    </form>
  );
}
