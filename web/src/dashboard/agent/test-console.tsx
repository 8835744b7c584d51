/**
 * Talk to the agent as a caller would: type (a text conversation) or call (voice in the
 * browser), with live captions, each turn's latency breakdown and the tools it used.
 */
import { useEffect, useRef, useState, type FormEvent } from "react";
import { endConversation, sendMessage, startConversation } from "../../client/sdk.gen";
import { createCall, type Call, type CallState, type Caption, type Role, type Turn } from "../../voice";
import { call as request } from "../api";
import { millis, timingName } from "../format";
import { ErrorNote } from "../ui";
import { useAgent } from "./agent-page";

interface Line {
  key: number;
  role: Role;
  text: string;
  final: boolean;
  done: boolean;
  timings: Record<string, number | null>;
  tools: { name: string; error?: boolean; result?: unknown }[];
  interrupted: boolean;
}

const CALL_TEXT: Record<CallState, string> = {
  idle: "Not in a call",
  connecting: "Connecting…",
  connected: "Connected",
  reconnecting: "Connection lost, reconnecting…",
  ended: "Call ended",
  error: "Call failed",
};

let nextKey = 1;

function TurnDetails({ line }: { line: Line }) {
  const timings = Object.entries(line.timings).filter((e): e is [string, number] => typeof e[1] === "number");
  if (!timings.length && !line.tools.length && !line.interrupted) return null;
  return (
    <div className="turn-details">
      {line.tools.map((tool, i) => (
        <span key={i} className={`tool${tool.error ? " failed" : ""}`} title={tool.result ? String(tool.result) : undefined}>
          {tool.name}
          {tool.error ? " (failed)" : ""}
        </span>
      ))}
      {line.interrupted && <span className="tool">cut off</span>}
      {timings.length > 0 && (
        <span className="timings">{timings.map(([name, value]) => `${timingName(name)} ${millis(value)}`).join(" · ")}</span>
      )}
    </div>
  );
}

export function TestConsole() {
  const { agent } = useAgent();
  const [lines, setLines] = useState<Line[]>([]);
  const [conversationId, setConversationId] = useState<string | null>(null);
  const [voiceState, setVoiceState] = useState<CallState>("idle");
  const [agentState, setAgentState] = useState("");
  const [level, setLevel] = useState(0);
  const [muted, setMuted] = useState(false);
  const [typed, setTyped] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const voice = useRef<Call | null>(null);
  const textConversation = useRef<string | null>(null);
  const log = useRef<HTMLOListElement>(null);
  const live = voiceState === "connecting" || voiceState === "connected" || voiceState === "reconnecting";

  const add = (line: Omit<Line, "key">) => setLines((old) => [...old, { ...line, key: nextKey++ }]);

  useEffect(() => {
    log.current?.lastElementChild?.scrollIntoView({ block: "nearest" });
  }, [lines]);

  // Leaving the page ends whatever is running.
  useEffect(
    () => () => {
      void voice.current?.hangUp();
      if (textConversation.current) void endConversation({ path: { conversation_id: textConversation.current } });
    },
    [],
  );

  const showCaption = (caption: Caption) =>
    setLines((old) => {
      const open = [...old].reverse().find((l) => l.role === caption.role && !l.final);
      if (open) return old.map((l) => (l === open ? { ...l, text: caption.text, final: caption.final } : l));
      return [...old, { key: nextKey++, role: caption.role, text: caption.text, final: caption.final, done: false, timings: {}, tools: [], interrupted: false }];
    });

  const showTurn = (turn: Turn) =>
    setLines((old) => {
      const waiting = old.find((l) => l.role === turn.role && !l.done);
      const done = { role: turn.role, text: turn.text, final: true, done: true, timings: turn.timings, tools: turn.toolCalls, interrupted: turn.interrupted };
      if (waiting) return old.map((l) => (l === waiting ? { ...l, ...done } : l));
      return [...old, { key: nextKey++, ...done }];
    });

  const startVoice = () => {
    setError(undefined);
    const call = createCall({ agentId: agent.id });
    voice.current = call;
    call.on("state", setVoiceState);
    call.on("conversation", setConversationId);
    call.on("agentState", (state) => setAgentState(state));
    call.on("caption", showCaption);
    call.on("turn", showTurn);
    call.on("level", setLevel);
    call.on("error", (problem) => setError(new Error(problem.message)));
    void call.connect();
  };

  const hangUp = async () => {
    await voice.current?.hangUp();
    setAgentState("");
  };

  const send = async (event: FormEvent) => {
    event.preventDefault();
    const text = typed.trim();
    if (!text) return;
    setTyped("");
    if (live && voice.current) {
      voice.current.sendText(text);
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      if (!textConversation.current) {
        const started = await request(startConversation({ path: { agent_id: agent.id } }));
        textConversation.current = started.id;
        setConversationId(started.id);
        add({ role: "agent", text: started.greeting, final: true, done: true, timings: {}, tools: [], interrupted: false });
      }
      add({ role: "caller", text, final: true, done: true, timings: {}, tools: [], interrupted: false });
      const reply = await request(sendMessage({ path: { conversation_id: textConversation.current }, body: { text } }));
      add({ role: "agent", text: reply.reply, final: true, done: true, timings: reply.timings, tools: reply.tool_calls, interrupted: false });
      if (reply.ended) textConversation.current = null;
    } catch (problem) {
      setError(problem);
    } finally {
      setBusy(false);
    }
  };

  const restart = () => {
    if (textConversation.current) void endConversation({ path: { conversation_id: textConversation.current } });
    textConversation.current = null;
    setConversationId(null);
    setLines([]);
  };

  return (
    <section className="card console" aria-labelledby="console-title" data-conversation-id={conversationId ?? undefined}>
      <div className="card-top">
        <h3 id="console-title">Talk to {agent.persona_name ?? agent.name}</h3>
        <p className="call-state" role="status" data-state={voiceState}>
          {CALL_TEXT[voiceState]}
        </p>
      </div>
      <div className="controls">
        {!live ? (
          <button type="button" onClick={startVoice}>
            Call
          </button>
        ) : (
          <button type="button" className="danger" onClick={() => void hangUp()}>
            Hang up
          </button>
        )}
        <button
          type="button"
          className="secondary"
          aria-pressed={muted}
          disabled={!live}
          onClick={() => {
            voice.current?.setMuted(!muted);
            setMuted(!muted);
          }}
        >
          {muted ? "Unmute" : "Mute"}
        </button>
        <label className="meter">
          Microphone
          <meter min={0} max={1} low={0.6} high={0.9} value={level} />
        </label>
        {agentState && live && <span className="muted">Agent is {agentState}</span>}
        <button type="button" className="link" onClick={restart} disabled={live || lines.length === 0}>
          New conversation
        </button>
      </div>
      <ErrorNote error={error} />
      <ol className="transcript" role="log" aria-label="Conversation" ref={log}>
        {lines.length === 0 && <li className="muted placeholder">Type a question or start a call.</li>}
        {lines.map((line) => (
          <li key={line.key} className={`line ${line.role}${line.done ? " done" : ""}`}>
            <span className="who">{line.role === "agent" ? (agent.persona_name ?? "Agent") : "You"}</span>
            <span className="words">{line.text}</span>
            <TurnDetails line={line} />
          </li>
        ))}
      </ol>
      <form className="inline-form" onSubmit={(e) => void send(e)}>
        <label htmlFor="console-input" className="visually-hidden">
          Message
        </label>
        <input
          id="console-input"
          autoComplete="off"
          placeholder={live ? "Type instead of speaking" : "Ask what a caller would ask"}
          value={typed}
          onChange={(e) => setTyped(e.target.value)}
          disabled={busy}
        />
        <button type="submit" disabled={busy || !typed.trim()}>
          {busy ? "Waiting…" : "Send"}
        </button>
      </form>
    </section>
  );
}
