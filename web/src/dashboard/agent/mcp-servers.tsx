/**
 * MCP servers: other systems' tools (order lookup, stock, CRM…) that the agent may call in
 * every conversation. Each server is added by URL (HTTP) or by command (stdio, owners and
 * admins, commands the operator allowed), checked to list its tools, and each tool can be
 * switched off on its own.
 */
import { useState, type FormEvent } from "react";
import {
  checkMcpServer,
  createMcpServer,
  deleteMcpServer,
  listMcpServers,
  updateMcpServer,
} from "../../client/sdk.gen";
import type { McpServerCreate, McpServerPublic } from "../../client/types.gen";
import { call } from "../api";
import { when } from "../format";
import { useAction, useLoad, type Loaded } from "../load";
import { Empty, ErrorNote, Field, FormStatus, Loading } from "../ui";
import { useAgent } from "./agent-page";

const STATUS_TEXT: Record<string, string> = {
  ok: "Connected",
  failed: "Not working",
  unchecked: "Not checked yet",
};

/** "Name: value" lines (headers) or "NAME=value" lines (environment) as an object. */
function pairs(text: string, separator: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split("\n")) {
    const at = line.indexOf(separator);
    if (!line.trim()) continue;
    if (at <= 0) throw new Error(`Write each line as name${separator === ":" ? ": " : "="}value: “${line.trim()}”.`);
    out[line.slice(0, at).trim()] = line.slice(at + 1).trim();
  }
  return out;
}

function AddServer({ agentId, servers }: { agentId: string; servers: Loaded<McpServerPublic[]> }) {
  const [transport, setTransport] = useState<"http" | "stdio">("http");
  const [name, setName] = useState("");
  const [url, setUrl] = useState("");
  const [token, setToken] = useState("");
  const [headers, setHeaders] = useState("");
  const [command, setCommand] = useState("");
  const [args, setArgs] = useState("");
  const [env, setEnv] = useState("");
  const action = useAction();

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void action.run(async () => {
      const body: McpServerCreate = { name, transport };
      if (transport === "http") {
        body.url = url.trim();
        body.headers = pairs(headers, ":");
        if (token.trim()) body.headers.Authorization = `Bearer ${token.trim()}`;
      } else {
        body.command = command.trim();
        body.args = args.split("\n").map((a) => a.trim()).filter(Boolean);
        body.env = pairs(env, "=");
      }
      const made = await call(createMcpServer({ path: { agent_id: agentId }, body }));
      servers.set([...(servers.data ?? []), made]);
      setName("");
      setUrl("");
      setToken("");
      setHeaders("");
      setCommand("");
      setArgs("");
      setEnv("");
    }, "Added. Press “Check now” to list its tools.");
  };

  return (
    <form className="mcp-add" onSubmit={submit} aria-labelledby="mcp-add-title">
      <h4 id="mcp-add-title">Add a server</h4>
      <fieldset className="segmented" aria-label="How Frontdesk reaches the server">
        <label>
          <input type="radio" name="mcp-transport" checked={transport === "http"} onChange={() => setTransport("http")} />
          By URL (HTTP)
        </label>
        <label>
          <input type="radio" name="mcp-transport" checked={transport === "stdio"} onChange={() => setTransport("stdio")} />
          Program on this machine (stdio)
        </label>
      </fieldset>
      <Field label="Name" id="mcp-name">
        <input id="mcp-name" value={name} onChange={(e) => setName(e.target.value)} required maxLength={100} placeholder="Order status" />
      </Field>
      {transport === "http" ? (
        <>
          <Field label="Server URL" id="mcp-url" hint="The MCP endpoint, usually ending in /mcp.">
            <input
              id="mcp-url"
              type="url"
              value={url}
              onChange={(e) => setUrl(e.target.value)}
              required
              placeholder="https://mcp.example.com/mcp"
              aria-describedby="mcp-url-hint"
            />
          </Field>
          <Field label="Bearer token (optional)" id="mcp-token" hint="Sent as the Authorization header; stored, never shown again.">
            <input id="mcp-token" type="password" autoComplete="off" value={token} onChange={(e) => setToken(e.target.value)} aria-describedby="mcp-token-hint" />
          </Field>
          <Field label="Other headers (optional)" id="mcp-headers" hint="One per line, like X-Api-Key: 123.">
            <textarea id="mcp-headers" rows={2} value={headers} onChange={(e) => setHeaders(e.target.value)} aria-describedby="mcp-headers-hint" />
          </Field>
        </>
      ) : (
        <>
          <p className="hint">
            Only the workspace’s owner and admins can add these, and only with a whole command line (command and
            arguments, exactly) the operator listed in FRONTDESK_MCP_STDIO_COMMANDS; environment variables only as
            named in FRONTDESK_MCP_STDIO_ENV.
          </p>
          <Field label="Command" id="mcp-command">
            <input id="mcp-command" value={command} onChange={(e) => setCommand(e.target.value)} required placeholder="/opt/mcp/bin/orders" />
          </Field>
          <Field label="Arguments" id="mcp-args" hint="One per line.">
            <textarea id="mcp-args" rows={2} value={args} onChange={(e) => setArgs(e.target.value)} aria-describedby="mcp-args-hint" />
          </Field>
          <Field label="Environment (optional)" id="mcp-env" hint="One per line, like API_KEY=123; stored, never shown again.">
            <textarea id="mcp-env" rows={2} value={env} onChange={(e) => setEnv(e.target.value)} aria-describedby="mcp-env-hint" />
          </Field>
        </>
      )}
      <div className="actions left">
        <button type="submit" disabled={action.busy}>
          {action.busy ? "Adding…" : "Add server"}
        </button>
      </div>
      <FormStatus error={action.error} done={action.done} />
    </form>
  );
}

function ServerCard({
  agentId,
  server,
  replace,
  remove,
}: {
  agentId: string;
  server: McpServerPublic;
  replace(server: McpServerPublic): void;
  remove(): void;
}) {
  const action = useAction();
  const path = { agent_id: agentId, server_id: server.id };
  const headers = Object.entries(server.headers);
  const env = Object.entries(server.env);

  const check = () =>
    action.run(async () => {
      const checked = await call(checkMcpServer({ path }));
      replace(checked);
      if (checked.status === "failed") throw new Error(checked.last_error ?? "The server could not be reached.");
    }, "Checked.");
  const update = (
    body: { enabled?: boolean; disabled_tools?: string[]; safe_for_callers?: boolean; caller_safe_tools?: string[] },
    done: string,
  ) => action.run(async () => replace(await call(updateMcpServer({ path, body }))), done);
  const toggleCallerTool = (tool: string, safe: boolean) => {
    const marked = new Set(server.caller_safe_tools);
    if (safe) marked.add(tool);
    else marked.delete(tool);
    void update(
      { caller_safe_tools: [...marked] },
      safe ? `Website callers can use ${tool}.` : `${tool} is for your team only.`,
    );
  };
  const toggleTool = (tool: string, on: boolean) => {
    const off = new Set(server.disabled_tools);
    if (on) off.delete(tool);
    else off.add(tool);
    void update({ disabled_tools: [...off] }, on ? `${tool} is on.` : `${tool} is off.`);
  };
  const drop = () => {
    if (!window.confirm(`Remove ${server.name}? Conversations will no longer get its tools.`)) return;
    void action.run(async () => {
      await call(deleteMcpServer({ path }));
      remove();
    });
  };

  return (
    <li className="mcp-server" aria-labelledby={`mcp-${server.id}`}>
      <div className="card-top">
        <h4 id={`mcp-${server.id}`}>{server.name}</h4>
        <span className={`badge mcp-status-${server.status}`} data-status={server.status}>
          {server.enabled ? (STATUS_TEXT[server.status] ?? server.status) : "Switched off"}
        </span>
      </div>
      <p className="mcp-target">
        {server.transport === "http" ? (
          <>
            <span className="muted">URL </span>
            <code>{server.url}</code>
          </>
        ) : (
          <>
            <span className="muted">Runs </span>
            <code>{[server.command, ...server.args].join(" ")}</code>
          </>
        )}
      </p>
      {(headers.length > 0 || env.length > 0) && (
        <p className="muted mcp-secrets">
          {[...headers.map(([k, v]) => `${k}: ${v}`), ...env.map(([k, v]) => `${k}=${v}`)].join(" · ")}
        </p>
      )}
      {server.status === "failed" && server.last_error && <p className="problem mcp-error">{server.last_error}</p>}
      {server.checked_at && <p className="hint">Last reached {when(server.checked_at)}</p>}
      <label className="check mcp-callers">
        <input
          type="checkbox"
          checked={server.safe_for_callers}
          disabled={action.busy}
          onChange={(e) =>
            void update(
              { safe_for_callers: e.target.checked },
              e.target.checked ? "Website callers can use every tool." : "Website callers get only the tools marked.",
            )
          }
          aria-describedby={`mcp-${server.id}-callers`}
        />
        <span>
          <strong>Safe for website callers</strong>
          <span className="hint" id={`mcp-${server.id}-callers`}>
            Anonymous callers on your website widget get this server’s tools only when you allow it here, or tool by
            tool below. Your dashboard chat, test calls and API keys always get every tool that is on.
          </span>
        </span>
      </label>
      {server.tools.length > 0 ? (
        <fieldset className="mcp-tools">
          <legend>Tools the agent may call</legend>
          {server.tools.map((tool) => (
            <label key={tool.name} className="check mcp-tool">
              <input
                type="checkbox"
                checked={tool.enabled}
                disabled={action.busy}
                onChange={(e) => toggleTool(tool.name, e.target.checked)}
                aria-describedby={`mcp-${server.id}-${tool.name}`}
              />
              <span>
                <strong>{tool.name}</strong>
                <span className="hint" id={`mcp-${server.id}-${tool.name}`}>
                  {tool.description.split("\n")[0]}
                </span>
              </span>
            </label>
          ))}
          {!server.safe_for_callers && (
            <div className="mcp-caller-tools" role="group" aria-label={`Tools of ${server.name} for website callers`}>
              <p className="hint">Also for anonymous website callers:</p>
              {server.tools.map((tool) => (
                // A toggle button rather than a second checkbox: the tool's own checkbox (on or
                // off for everyone) keeps its plain name.
                <button
                  key={tool.name}
                  type="button"
                  className="secondary mcp-caller-tool"
                  aria-pressed={tool.safe_for_callers}
                  disabled={action.busy || !tool.enabled}
                  onClick={() => toggleCallerTool(tool.name, !tool.safe_for_callers)}
                  aria-label={`${tool.name} for website callers`}
                >
                  {tool.safe_for_callers ? `✓ ${tool.name}` : tool.name}
                </button>
              ))}
            </div>
          )}
        </fieldset>
      ) : (
        <p className="muted">No tools listed yet. Check the server to see what it offers.</p>
      )}
      <div className="actions left">
        <button type="button" onClick={() => void check()} disabled={action.busy} aria-label={`Check ${server.name} now`}>
          {action.busy ? "Working…" : "Check now"}
        </button>
        <button
          type="button"
          className="secondary"
          disabled={action.busy}
          onClick={() => void update({ enabled: !server.enabled }, server.enabled ? "Switched off." : "Switched on.")}
          aria-label={`${server.enabled ? "Switch off" : "Switch on"} ${server.name}`}
        >
          {server.enabled ? "Switch off" : "Switch on"}
        </button>
        <button type="button" className="danger" disabled={action.busy} onClick={drop} aria-label={`Remove ${server.name}`}>
          Remove
        </button>
      </div>
      <FormStatus error={action.error} done={action.done} />
    </li>
  );
}

export function McpServers() {
  const { agent } = useAgent();
  const servers = useLoad(() => call(listMcpServers({ path: { agent_id: agent.id } })), [agent.id]);
  const list = servers.data;

  return (
    <section className="card mcp-servers" aria-labelledby="mcp-title">
      <div className="card-top">
        <h3 id="mcp-title">MCP servers</h3>
      </div>
      <p className="muted">
        Tools from your other systems (order status, stock, your CRM) that the agent can use while it talks. A server
        that does not answer only costs its own tools; the conversation goes on.
      </p>
      {servers.loading && !list ? (
        <Loading label="Loading the MCP servers" />
      ) : servers.error && !list ? (
        <ErrorNote error={servers.error} retry={servers.reload} />
      ) : list && list.length > 0 ? (
        <ul className="mcp-list">
          {list.map((server) => (
            <ServerCard
              key={server.id}
              agentId={agent.id}
              server={server}
              replace={(changed) => servers.set(list.map((s) => (s.id === changed.id ? changed : s)))}
              remove={() => servers.set(list.filter((s) => s.id !== server.id))}
            />
          ))}
        </ul>
      ) : (
        <Empty title="No MCP servers yet">
          <p>Add one below; its tools join the agent’s own (knowledge, bookings, messages).</p>
        </Empty>
      )}
      <AddServer agentId={agent.id} servers={servers} />
    </section>
  );
}
