/**
 * Workspace settings: the business name, language model and voice providers with their keys,
 * LiveKit, the team and their roles, API keys for scripts, and one's own password.
 */
import { useEffect, useState, type FormEvent } from "react";
import {
  addMember,
  changePassword,
  createApiKey,
  getWorkspace,
  listApiKeys,
  listMembers,
  removeMember,
  revokeApiKey,
  updateMember,
  updateWorkspace,
} from "../../client/sdk.gen";
import type { MemberCreate } from "../../client/types.gen";
import { call } from "../api";
import { when } from "../format";
import { useAction, useLoad } from "../load";
import { useSession } from "../session";
import { Empty, ErrorNote, Field, FormStatus, Loading, PageHeader } from "../ui";
import { PrivacySection } from "./privacy";
import { WebhooksSection } from "./webhooks";

const SECRETS = [
  ["llm_api_key", "Language model API key"],
  ["openai_api_key", "OpenAI key (speech)"],
  ["livekit_api_key", "LiveKit API key"],
  ["livekit_api_secret", "LiveKit API secret"],
  ["twilio_auth_token", "Twilio auth token (phone calls)"],
] as const;
type SecretName = (typeof SECRETS)[number][0];

function WorkspaceSection() {
  const workspace = useLoad(() => call(getWorkspace()), []);
  const [name, setName] = useState("");
  const [plain, setPlain] = useState({ llm_base_url: "", llm_model: "", livekit_url: "", voice_stt: "local", voice_tts: "local" });
  // Secrets are write-only: a typed value replaces the stored one, "clear" removes it.
  const [secrets, setSecrets] = useState<Partial<Record<SecretName, string | null>>>({});
  const action = useAction();
  const { refresh } = useSession();

  useEffect(() => {
    const data = workspace.data;
    if (!data) return;
    setName(data.name);
    setPlain({
      llm_base_url: data.settings.llm_base_url ?? "",
      llm_model: data.settings.llm_model ?? "",
      livekit_url: data.settings.livekit_url ?? "",
      voice_stt: data.settings.voice_stt ?? "local",
      voice_tts: data.settings.voice_tts ?? "local",
    });
    setSecrets({});
  }, [workspace.data]);

  if (!workspace.data) return workspace.loading ? <Loading label="Loading the workspace" /> : <ErrorNote error={workspace.error} retry={workspace.reload} />;
  const stored = workspace.data.settings;

  const save = (event: FormEvent) => {
    event.preventDefault();
    const settings = {
        llm_base_url: plain.llm_base_url || null,
        llm_model: plain.llm_model || null,
        livekit_url: plain.livekit_url || null,
        voice_stt: plain.voice_stt as "local" | "openai",
        voice_tts: plain.voice_tts as "local" | "openai",
      ...secrets,
    };
    void action.run(async () => {
      workspace.set(await call(updateWorkspace({ body: { name, settings } })));
      await refresh();
    }, "Saved.");
  };

  return (
    <form className="card" onSubmit={(e) => void save(e)} aria-labelledby="workspace-title">
      <h2 id="workspace-title">Workspace and providers</h2>
      <Field label="Business name" id="ws-name">
        <input id="ws-name" required value={name} onChange={(e) => setName(e.target.value)} />
      </Field>
      <h3>Language model</h3>
      <p className="muted">Empty: the embedded model on this machine. Any OpenAI-compatible endpoint works.</p>
      <div className="grid-2 tight">
        <Field label="Endpoint URL" id="ws-llm-url">
          <input id="ws-llm-url" type="url" placeholder="https://api.openai.com/v1" value={plain.llm_base_url} onChange={(e) => setPlain({ ...plain, llm_base_url: e.target.value })} />
        </Field>
        <Field label="Model" id="ws-llm-model">
          <input id="ws-llm-model" value={plain.llm_model} onChange={(e) => setPlain({ ...plain, llm_model: e.target.value })} />
        </Field>
      </div>
      <h3>Voice</h3>
      <div className="grid-2 tight">
        <Field label="Speech to text" id="ws-stt">
          <select id="ws-stt" value={plain.voice_stt} onChange={(e) => setPlain({ ...plain, voice_stt: e.target.value })}>
            <option value="local">Whisper on this machine</option>
            <option value="openai">OpenAI</option>
          </select>
        </Field>
        <Field label="Text to speech" id="ws-tts">
          <select id="ws-tts" value={plain.voice_tts} onChange={(e) => setPlain({ ...plain, voice_tts: e.target.value })}>
            <option value="local">Piper on this machine</option>
            <option value="openai">OpenAI</option>
          </select>
        </Field>
      </div>
      <h3>LiveKit</h3>
      <Field label="LiveKit URL" id="ws-livekit-url" hint="Empty: calls run in this server over a WebSocket.">
        <input
          id="ws-livekit-url"
          placeholder="wss://your-project.livekit.cloud"
          aria-describedby="ws-livekit-url-hint"
          value={plain.livekit_url}
          onChange={(e) => setPlain({ ...plain, livekit_url: e.target.value })}
        />
      </Field>
      <h3>Keys</h3>
      <div className="grid-2 tight">
        {SECRETS.map(([key, label]) => {
          const current = stored[key];
          const cleared = secrets[key] === null;
          return (
            <Field key={key} label={label} id={`ws-${key}`} hint={cleared ? "Will be removed when you save." : current?.set ? `Stored (${current.hint ?? "…"}). Type to replace.` : "Not set."}>
              <div className="inline-form">
                <input
                  id={`ws-${key}`}
                  type="password"
                  autoComplete="off"
                  aria-describedby={`ws-${key}-hint`}
                  value={secrets[key] ?? ""}
                  onChange={(e) => setSecrets({ ...secrets, [key]: e.target.value })}
                />
                {current?.set && (
                  <button
                    type="button"
                    className="link"
                    aria-label={`Remove the ${label}`}
                    onClick={() => setSecrets({ ...secrets, [key]: null })}
                  >
                    Remove
                  </button>
                )}
              </div>
            </Field>
          );
        })}
      </div>
      <FormStatus error={action.error} done={action.done} />
      <div className="actions">
        <button type="submit" disabled={action.busy}>
          Save settings
        </button>
      </div>
    </form>
  );
}

function TeamSection() {
  const { me } = useSession();
  const members = useLoad(() => call(listMembers()), []);
  const blank: MemberCreate = { email: "", name: "", role: "member", password: "" };
  const [form, setForm] = useState<MemberCreate>(blank);
  const action = useAction();

  const act = (request: () => Promise<unknown>) =>
    action.run(async () => {
      await request();
      members.reload();
    });
  const invite = async (event: FormEvent) => {
    event.preventDefault();
    if (await act(() => call(addMember({ body: form })))) setForm(blank);
  };

  return (
    <section className="card" aria-labelledby="team-title">
      <h2 id="team-title">Team</h2>
      {members.loading && !members.data && <Loading label="Loading the team" />}
      <ErrorNote error={action.error ?? members.error} />
      {members.data && (
        <table className="table">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Email</th>
              <th scope="col">Role</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {members.data.map((m) => {
              const editable = m.role !== "owner" && m.id !== me?.user_id;
              return (
                <tr key={m.id}>
                  <td>{m.name ?? "—"}</td>
                  <td>{m.email}</td>
                  <td>
                    {editable ? (
                      <select
                        aria-label={`Role of ${m.email}`}
                        value={m.role}
                        onChange={(e) => void act(() => call(updateMember({ path: { user_id: m.id }, body: { role: e.target.value as "admin" | "member" } })))}
                      >
                        <option value="admin">Admin</option>
                        <option value="member">Member</option>
                      </select>
                    ) : (
                      m.role
                    )}
                  </td>
                  <td>
                    {editable && (
                      <button
                        type="button"
                        className="danger small"
                        onClick={() => {
                          if (window.confirm(`Remove ${m.email} from the workspace?`)) {
                            void act(() => call(removeMember({ path: { user_id: m.id } })));
                          }
                        }}
                      >
                        Remove
                      </button>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      <form className="card inset" onSubmit={(e) => void invite(e)} aria-labelledby="invite-title">
        <h3 id="invite-title">Add a team member</h3>
        <div className="grid-2 tight">
          <Field label="Name" id="m-name">
            <input id="m-name" required value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} />
          </Field>
          <Field label="Email" id="m-email">
            <input id="m-email" type="email" required value={form.email} onChange={(e) => setForm({ ...form, email: e.target.value })} />
          </Field>
          <Field label="Role" id="m-role">
            <select id="m-role" value={form.role} onChange={(e) => setForm({ ...form, role: e.target.value as "admin" | "member" })}>
              <option value="member">Member: agents and conversations</option>
              <option value="admin">Admin: also settings, keys and team</option>
            </select>
          </Field>
          <Field label="First password (they change it)" id="m-password">
            <input id="m-password" type="password" minLength={8} required autoComplete="new-password" value={form.password} onChange={(e) => setForm({ ...form, password: e.target.value })} />
          </Field>
        </div>
        <div className="actions">
          <button type="submit">Add member</button>
        </div>
      </form>
    </section>
  );
}

function ApiKeysSection() {
  const keys = useLoad(() => call(listApiKeys()), []);
  const [name, setName] = useState("");
  const [created, setCreated] = useState<string | null>(null);
  const action = useAction();
  const create = (event: FormEvent) => {
    event.preventDefault();
    void action.run(async () => {
      const key = await call(createApiKey({ body: { name } }));
      setCreated(key.key);
      setName("");
      keys.reload();
    });
  };
  const revoke = (id: string) =>
    action.run(async () => {
      await call(revokeApiKey({ path: { key_id: id } }));
      keys.reload();
    });
  return (
    <section className="card" aria-labelledby="keys-title">
      <h2 id="keys-title">API keys</h2>
      <p className="muted">For scripts and servers: send one as <code>Authorization: Bearer fdk_…</code>.</p>
      <ErrorNote error={action.error ?? keys.error} />
      {created && (
        <div className="notice" role="status">
          <p>Your new key (shown only now, store it somewhere safe):</p>
          <pre className="snippet">{created}</pre>
        </div>
      )}
      {keys.data?.length === 0 && <Empty title="No API keys" />}
      {keys.data && keys.data.length > 0 && (
        <table className="table">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Key</th>
              <th scope="col">Created</th>
              <th scope="col">Last used</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {keys.data.map((k) => (
              <tr key={k.id}>
                <td>{k.name}</td>
                <td>
                  <code>{k.prefix}…</code>
                </td>
                <td>{when(k.created_at)}</td>
                <td>{when(k.last_used_at)}</td>
                <td>
                  <button type="button" className="danger small" onClick={() => void revoke(k.id)}>
                    Revoke
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <form className="inline-form" onSubmit={(e) => void create(e)}>
        <label htmlFor="key-name" className="visually-hidden">
          Key name
        </label>
        <input id="key-name" required placeholder="What uses it, e.g. CRM sync" value={name} onChange={(e) => setName(e.target.value)} />
        <button type="submit">Create key</button>
      </form>
    </section>
  );
}

function PasswordSection() {
  const [current, setCurrent] = useState("");
  const [next, setNext] = useState("");
  const action = useAction();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void action.run(async () => {
      await call(changePassword({ body: { current_password: current, new_password: next } }));
      setCurrent("");
      setNext("");
    }, "Password changed. Other browsers were signed out.");
  };
  return (
    <form className="card" onSubmit={(e) => void submit(e)} aria-labelledby="password-title">
      <h2 id="password-title">Your password</h2>
      <div className="grid-2 tight">
        <Field label="Current password" id="pw-current">
          <input id="pw-current" type="password" autoComplete="current-password" required value={current} onChange={(e) => setCurrent(e.target.value)} />
        </Field>
        <Field label="New password" id="pw-new">
          <input id="pw-new" type="password" autoComplete="new-password" minLength={8} required value={next} onChange={(e) => setNext(e.target.value)} />
        </Field>
      </div>
      <FormStatus error={action.error} done={action.done} />
      <div className="actions">
        <button type="submit" disabled={action.busy}>
          Change password
        </button>
      </div>
    </form>
  );
}

export function WorkspaceSettingsPage() {
  const { me } = useSession();
  const admin = me?.role === "owner" || me?.role === "admin";
  return (
    <>
      <PageHeader title="Settings" />
      {admin ? (
        <>
          <WorkspaceSection />
          <TeamSection />
          <ApiKeysSection />
          <WebhooksSection />
          <PrivacySection />
        </>
      ) : (
        <p className="notice">Workspace settings, the team and API keys are for admins. Ask the owner for changes.</p>
      )}
      <PasswordSection />
    </>
  );
}
