/** The public shapes of a voice call, whatever transport carries it. */

export type CallState = "idle" | "connecting" | "connected" | "reconnecting" | "ended" | "error";

/** The agent's side, as livekit-agents reports it. */
export type AgentState = "initializing" | "idle" | "listening" | "thinking" | "speaking";

/** The caller's side: speaking while the voice detector hears them. */
export type CallerState = "speaking" | "listening" | "away";

export type Role = "caller" | "agent";

/** Live words of one side. `text` is everything said so far in this utterance. */
export interface Caption {
  role: Role;
  text: string;
  final: boolean;
}

export interface ToolCall {
  name: string;
  arguments: unknown;
  result?: unknown;
  error?: boolean;
}

/** A finished turn, as stored by the server (an interrupted agent turn keeps what was heard). */
export interface Turn {
  role: Role;
  text: string;
  /** Milliseconds, e.g. `end_of_speech_to_audio_ms`; a value is null when not measured. */
  timings: Record<string, number | null>;
  toolCalls: ToolCall[];
  interrupted: boolean;
}

export interface CallError {
  message: string;
  /** The server's error name (`NotFound`, `Unauthorized`…) when it sent one. */
  code?: string;
  /** Whether the call is over because of it. */
  fatal: boolean;
}

export interface CallEvents {
  state: CallState;
  /** The conversation the server opened; a reconnect opens a new one. */
  conversation: string;
  agentState: AgentState;
  callerState: CallerState;
  caption: Caption;
  turn: Turn;
  /** Microphone level, 0..1, about 50 times a second while connected (0 while muted). */
  level: number;
  error: CallError;
}

/** What `POST /api/agents/{id}/calls` answers: which transport to use and where. */
export interface CallStart {
  transport: string;
  url: string;
  input_sample_rate?: number | null;
  output_sample_rate?: number | null;
  // A LiveKit start carries its own fields (a token, the server URL).
  [field: string]: unknown;
}

/** How a transport reports to the call that owns it. */
export interface TransportListener {
  ready(conversationId: string): void;
  agentState(state: AgentState): void;
  callerState(state: CallerState): void;
  caption(caption: Caption): void;
  turn(turn: Turn): void;
  level(level: number): void;
  /**
   * The transport is restoring its own connection (LiveKit resumes a dropped session in the
   * same room): the call shows "reconnecting" until `reconnected`, or `closed` if it gives up.
   */
  reconnecting(): void;
  reconnected(): void;
  /** A problem the call survives (a bad frame, a refused command). */
  error(error: CallError): void;
  /**
   * The transport is finished. `expected` is true when the call ended on purpose (hang-up,
   * or the server said the call is over); false when the connection dropped.
   */
  closed(info: { expected: boolean; reason: string }): void;
}

/**
 * One connection that carries one call. A `Call` makes a new transport for every
 * (re)connection, so a transport never has to reconnect itself.
 */
export interface CallTransport {
  /** Resolves once the call is live; rejects with a `CallError` if it could not start. */
  connect(): Promise<void>;
  /** End the call on purpose; resolves when the server confirmed it or gave up waiting. */
  hangUp(): Promise<void>;
  setMuted(muted: boolean): void;
  /** Typed words, answered like speech. */
  sendText(text: string): void;
}

export interface TransportContext {
  start: CallStart;
  /** The origin the call's URLs are relative to. */
  baseUrl: URL;
  listener: TransportListener;
  muted: boolean;
}

export type TransportFactory = (context: TransportContext) => CallTransport;
