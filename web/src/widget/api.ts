/**
 * The widget's side of the public API (`/api/widget/…`): cross-origin from the business's
 * page, no cookies, a short-lived session token per conversation.
 */
import type { CallStart } from "../voice";

export interface WidgetConfig {
  agent_name: string;
  persona_name: string | null;
  status: string;
  available: boolean;
  notice: string | null;
  color: string;
  position: "bottom-right" | "bottom-left";
  button_label: string;
  greeting: string;
  avatar_initials: string | null;
  avatar_url: string | null;
  modes: ("voice" | "text")[];
}

export interface Session {
  conversation_id: string;
  token: string;
  expires_at: string;
  greeting: string;
  call: CallStart | null;
}

export interface Reply {
  reply: string;
  ended: boolean;
  token: string | null;
}

/** A refusal in the server's words (403 origin, 401 token, 429 limits, paused agent…). */
export class WidgetError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

async function send<T>(url: URL, init: RequestInit = {}): Promise<T> {
  let response: Response;
  try {
    response = await fetch(url, { ...init, mode: "cors", credentials: "omit" });
  } catch {
    // A refused origin gets no CORS headers, so the browser hides the answer: say both.
    throw new WidgetError("The assistant could not be reached from this page.", 0);
  }
  const body: unknown = response.status === 204 ? null : await response.json().catch(() => null);
  if (!response.ok) {
    const detail = (body as { detail?: unknown } | null)?.detail;
    const text = typeof detail === "string" ? detail : "The assistant is not available right now.";
    throw new WidgetError(text, response.status);
  }
  return body as T;
}

export class WidgetApi {
  private token: string | null = null;
  private conversation: string | null = null;

  constructor(
    private readonly base: URL,
    private readonly publicKey: string,
  ) {}

  private url(path: string): URL {
    return new URL(path, this.base);
  }

  config(): Promise<WidgetConfig> {
    return send(this.url(`/api/widget/${encodeURIComponent(this.publicKey)}/config`));
  }

  async open(mode: "text" | "voice"): Promise<Session> {
    const session = await send<Session>(this.url(`/api/widget/${encodeURIComponent(this.publicKey)}/sessions`), {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ mode }),
    });
    if (mode === "text") {
      this.token = session.token;
      this.conversation = session.conversation_id;
    }
    return session;
  }

  get chatting(): boolean {
    return this.conversation !== null;
  }

  async say(text: string): Promise<Reply> {
    if (!this.conversation || !this.token) throw new WidgetError("No conversation is open.", 0);
    const reply = await send<Reply>(this.url(`/api/widget/conversations/${this.conversation}/messages`), {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: `Bearer ${this.token}` },
      body: JSON.stringify({ text }),
    });
    // Each answer renews the token, so a long chat outlives the first one.
    if (reply.token) this.token = reply.token;
    if (reply.ended) this.forget();
    return reply;
  }

  async end(): Promise<void> {
    const conversation = this.conversation;
    const token = this.token;
    this.forget();
    if (!conversation || !token) return;
    await send(this.url(`/api/widget/conversations/${conversation}/end`), {
      method: "POST",
      headers: { Authorization: `Bearer ${token}` },
    }).catch(() => undefined);
  }

  private forget(): void {
    this.conversation = null;
    this.token = null;
  }
}
