import { CallFailure } from "./call-failure";
import { Emitter } from "./emitter";
import type {
  CallEvents,
  CallStart,
  CallState,
  CallTransport,
  TransportFactory,
  TransportListener,
} from "./types";
import { createLiveKitTransport } from "./livekit-loader";
import { createWebSocketTransport } from "./websocket-transport";

export interface ReconnectOptions {
  /** Attempts after an unexpected drop before the call gives up (0 = never reconnect). */
  attempts: number;
  firstDelayMs: number;
  maxDelayMs: number;
}

export interface CallOptions {
  agentId: string;
  /**
   * How to ask the server for a call. Left out, `POST /api/agents/{agentId}/calls` with the
   * signed-in owner's cookie; the website widget passes its own (a widget session).
   */
  start?: () => Promise<CallStart>;
  /**
   * A transport kind ("websocket", or one added with `registerTransport`) or a factory.
   * Left out, the call uses the transport the server offers for this agent.
   */
  transport?: string | TransportFactory;
  /** Where the Frontdesk server is; the page's own origin unless given. */
  baseUrl?: string | URL;
  reconnect?: Partial<ReconnectOptions>;
}

export interface Call extends Pick<Emitter<CallEvents>, "on"> {
  readonly state: CallState;
  readonly muted: boolean;
  /** The conversation of the current connection (null until the server opened one). */
  readonly conversationId: string | null;
  /** Why the call ended, once it has. */
  readonly endReason: string | null;
  connect(): Promise<void>;
  hangUp(): Promise<void>;
  setMuted(muted: boolean): void;
  sendText(text: string): void;
}

const transports = new Map<string, TransportFactory>([
  ["websocket", createWebSocketTransport],
  // Loads livekit-client only when the server asks for a LiveKit call.
  ["livekit", createLiveKitTransport],
]);

/** Make another transport available (or replace one) under the name the server gives it. */
export function registerTransport(kind: string, factory: TransportFactory): void {
  transports.set(kind, factory);
}

const DEFAULT_RECONNECT: ReconnectOptions = { attempts: 5, firstDelayMs: 500, maxDelayMs: 8000 };

/**
 * A voice call to one agent. `connect()` asks the server how to call
 * (`POST /api/agents/{id}/calls`) and opens that transport; when the connection drops
 * unexpectedly the call reconnects with backoff, which starts a new conversation.
 */
export function createCall(options: CallOptions): Call {
  const events = new Emitter<CallEvents>();
  const baseUrl = new URL(options.baseUrl ?? window.location.origin);
  const retry = { ...DEFAULT_RECONNECT, ...options.reconnect };
  let state: CallState = "idle";
  let muted = false;
  let conversationId: string | null = null;
  let endReason: string | null = null;
  let transport: CallTransport | null = null;
  let generation = 0; // transports of earlier connections may still report: ignore them
  let timer: ReturnType<typeof setTimeout> | null = null;

  const setState = (next: CallState): void => {
    if (next === state) return;
    state = next;
    events.emit("state", next);
  };

  const fail = (failure: CallFailure): void => {
    transport = null;
    endReason = failure.message;
    events.emit("level", 0);
    events.emit("error", failure.toJSON());
    setState("error");
  };

  async function requestStart(): Promise<CallStart> {
    const url = new URL(`/api/agents/${encodeURIComponent(options.agentId)}/calls`, baseUrl);
    const response = await fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    });
    const body: unknown = await response.json().catch(() => null);
    if (!response.ok) {
      // Every Frontdesk error answers {"error": Name, "detail": …}.
      const shape = (body ?? {}) as { error?: string; detail?: unknown };
      const detail =
        typeof shape.detail === "string" ? shape.detail : `The server answered ${response.status}.`;
      throw new CallFailure(detail, shape.error);
    }
    return body as CallStart;
  }

  function listenerFor(mine: number): TransportListener {
    const current = (): boolean => mine === generation;
    // The transport is restoring its own connection (state shows "reconnecting" meanwhile).
    let healing = false;
    return {
      ready(id) {
        if (!current()) return;
        conversationId = id;
        events.emit("conversation", id);
      },
      agentState: (value) => current() && events.emit("agentState", value),
      callerState: (value) => current() && events.emit("callerState", value),
      caption: (value) => current() && events.emit("caption", value),
      turn: (value) => current() && events.emit("turn", value),
      level: (value) => current() && events.emit("level", value),
      reconnecting() {
        if (!current() || state !== "connected") return;
        healing = true;
        setState("reconnecting");
      },
      reconnected() {
        if (!current() || !healing) return;
        healing = false;
        setState("connected");
      },
      error: (value) => current() && events.emit("error", value),
      closed({ expected, reason }) {
        // Before "connected", connect() itself reports why the transport closed.
        if (!current() || (state !== "connected" && !healing)) return;
        healing = false;
        transport = null;
        events.emit("level", 0);
        if (expected) {
          endReason = reason;
          setState("ended");
        } else {
          scheduleReconnect(0);
        }
      },
    };
  }

  /** One connection attempt; `mine` is its generation (hanging up moves past it). */
  async function open(mine: number): Promise<void> {
    const start = await (options.start ?? requestStart)();
    const wanted = options.transport ?? start.transport;
    const factory = typeof wanted === "function" ? wanted : transports.get(wanted);
    if (!factory) throw new CallFailure(`This client cannot make "${String(wanted)}" calls.`);
    const next = factory({ start, baseUrl, listener: listenerFor(mine), muted });
    if (mine !== generation) return; // hung up while asking the server
    transport = next;
    await next.connect();
    if (mine !== generation) {
      await next.hangUp(); // hung up while this connection was being made
      return;
    }
    setState("connected");
  }

  function scheduleReconnect(attempt: number): void {
    if (attempt >= retry.attempts) {
      fail(new CallFailure("The connection was lost and could not be restored."));
      return;
    }
    setState("reconnecting");
    // Exponential backoff with jitter, so browsers dropped together do not return together.
    const delay = Math.min(retry.maxDelayMs, retry.firstDelayMs * 2 ** attempt);
    timer = setTimeout(
      async () => {
        timer = null;
        const mine = ++generation;
        try {
          await open(mine);
        } catch (error) {
          if (mine !== generation) return;
          const failure = CallFailure.from(error);
          if (failure.permanent) fail(failure);
          else scheduleReconnect(attempt + 1);
        }
      },
      delay * (0.5 + Math.random() / 2),
    );
  }

  return {
    on: events.on.bind(events),
    get state() {
      return state;
    },
    get muted() {
      return muted;
    },
    get conversationId() {
      return conversationId;
    },
    get endReason() {
      return endReason;
    },

    async connect() {
      if (state === "connecting" || state === "connected" || state === "reconnecting") return;
      endReason = null;
      conversationId = null;
      setState("connecting");
      const mine = ++generation;
      try {
        await open(mine);
      } catch (error) {
        if (mine === generation) fail(CallFailure.from(error));
      }
    },

    async hangUp() {
      if (timer) clearTimeout(timer);
      timer = null;
      generation++; // whatever is still connecting or reporting belongs to the past now
      const current = transport;
      transport = null;
      events.emit("level", 0);
      // "ended" only once the server has confirmed: by then the conversation is stored.
      await current?.hangUp();
      endReason = "caller hung up";
      if (state !== "error" && state !== "idle") setState("ended");
    },

    setMuted(value: boolean) {
      muted = value;
      transport?.setMuted(value);
      if (value) events.emit("level", 0);
    },

    sendText(text: string) {
      const words = text.trim();
      if (words) transport?.sendText(words);
    },
  };
}
