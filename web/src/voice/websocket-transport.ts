import { CallFailure } from "./call-failure";
import { Microphone } from "./microphone";
import { Playback } from "./playback";
import type {
  AgentState,
  CallError,
  CallerState,
  Role,
  ToolCall,
  TransportFactory,
} from "./types";

/** How long a hang-up waits for the server's `ended` (the call is stored by then). */
const HANGUP_WAIT_MS = 8000;
/** Silence sent when muting: the server's voice detector hears the end of a cut-off sentence. */
const MUTE_TAIL_S = 1;

/** The server's JSON events (see `conversations/voice_endpoints.py`). */
type ServerEvent =
  | { type: "ready"; conversation_id: string }
  | { type: "caption"; role: Role; text: string; final: boolean }
  | {
      type: "turn";
      role: Role;
      text: string;
      timings?: Record<string, number | null> | null;
      tool_calls?: ToolCall[] | null;
      interrupted?: boolean;
    }
  | { type: "state"; agent?: AgentState; caller?: CallerState }
  | { type: "clear" }
  | { type: "error"; error?: string; detail?: unknown }
  | { type: "ended"; reason?: string };

function detailText(detail: unknown): string {
  if (typeof detail === "string") return detail;
  return detail === undefined ? "The call failed." : JSON.stringify(detail);
}

/**
 * Local voice: 16-bit PCM both ways over the server's WebSocket, JSON text frames for
 * events. The microphone goes up at its own rate (announced with `hello`), the agent's
 * 24 kHz audio comes down and is played gaplessly.
 */
export const createWebSocketTransport: TransportFactory = ({ start, baseUrl, listener, muted }) => {
  let socket: WebSocket | null = null;
  let microphone: Microphone | null = null;
  let playback: Playback | null = null;
  let ended: string | null = null; // the server's reason, once it said the call is over
  let hangingUp = false;
  let closed = false;
  let startedAt: (() => void) | null = null;
  let failedAt: ((error: CallFailure) => void) | null = null;
  let lastError: CallFailure | null = null;
  let onEnded: (() => void) | null = null;

  const send = (data: string | ArrayBuffer): void => {
    if (socket?.readyState === WebSocket.OPEN) socket.send(data);
  };

  const sendSilence = (seconds: number): void => {
    if (!microphone) return;
    // In 100 ms frames: the server refuses frames over 64 KiB (a second at 48 kHz is 94 KiB).
    const frame = new Int16Array(Math.round(microphone.sampleRate / 10)).buffer;
    for (let i = 0; i < Math.round(seconds * 10); i++) send(frame);
  };

  const finish = (): void => {
    if (closed) return;
    closed = true;
    microphone?.close();
    microphone = null;
    // When the agent ended the call its goodbye may still be queued here: let it play out.
    const drain = ended !== null && !hangingUp && playback ? playback.remaining * 1000 : 0;
    const player = playback;
    playback = null;
    setTimeout(() => player?.close(), drain);
    failedAt?.(lastError ?? new CallFailure("The call could not be connected."));
    startedAt = failedAt = null;
    onEnded?.();
    listener.closed({
      expected: hangingUp || ended !== null,
      reason: ended ?? (hangingUp ? "caller hung up" : "connection lost"),
    });
  };

  const handle = (event: ServerEvent): void => {
    switch (event.type) {
      case "ready":
        listener.ready(event.conversation_id);
        startedAt?.();
        startedAt = failedAt = null;
        break;
      case "caption":
        listener.caption({ role: event.role, text: event.text, final: event.final });
        break;
      case "turn":
        listener.turn({
          role: event.role,
          text: event.text,
          timings: event.timings ?? {},
          toolCalls: event.tool_calls ?? [],
          interrupted: Boolean(event.interrupted),
        });
        break;
      case "state":
        if (event.agent) listener.agentState(event.agent);
        if (event.caller) listener.callerState(event.caller);
        break;
      case "clear":
        playback?.clear();
        break;
      case "error": {
        const error: CallError = { message: detailText(event.detail), code: event.error, fatal: false };
        lastError = new CallFailure(error.message, error.code); // if the socket closes next, this is why
        listener.error(error);
        break;
      }
      case "ended":
        ended = event.reason ?? "call ended";
        break;
    }
  };

  return {
    async connect() {
      microphone = await Microphone.open((frame) => {
        // Frames go out from the moment the socket opens: the server queues what the caller
        // says while the agent is still starting, so no words are lost.
        listener.level(muted ? 0 : frame.level);
        if (!muted) send(frame.pcm);
      });
      if (closed) {
        // Hung up while the browser was still asking for the microphone.
        microphone.close();
        microphone = null;
        throw new CallFailure("The call was hung up.");
      }
      microphone.setEnabled(!muted);
      let ws: WebSocket;
      try {
        playback = new Playback(start.output_sample_rate ?? 24_000);
        const url = new URL(start.url, baseUrl);
        url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
        ws = new WebSocket(url);
      } catch (error) {
        // Nothing is connected yet: give the microphone back before reporting.
        microphone.close();
        microphone = null;
        playback?.close();
        playback = null;
        throw error;
      }
      socket = ws;
      ws.binaryType = "arraybuffer";
      const started = new Promise<void>((resolve, reject) => {
        startedAt = resolve;
        failedAt = reject;
      });
      ws.onopen = () => {
        send(JSON.stringify({ type: "hello", sample_rate: microphone?.sampleRate }));
      };
      ws.onmessage = (message: MessageEvent<ArrayBuffer | string>) => {
        if (typeof message.data !== "string") {
          playback?.enqueue(message.data);
          return;
        }
        let event: ServerEvent;
        try {
          event = JSON.parse(message.data) as ServerEvent;
        } catch {
          return; // not ours to act on; the protocol only sends JSON objects
        }
        handle(event);
      };
      ws.onclose = (close) => {
        if (!lastError && startedAt) {
          // Closed before `ready` with no error event: the handshake itself was refused.
          lastError = new CallFailure(`The server closed the call before it started (${close.code}).`);
        }
        finish();
      };
      await started;
    },

    async hangUp() {
      if (closed) return;
      hangingUp = true;
      playback?.clear();
      microphone?.close();
      microphone = null;
      if (socket?.readyState !== WebSocket.OPEN) {
        socket?.close();
        finish();
        return;
      }
      const confirmed = new Promise<void>((resolve) => {
        onEnded = resolve;
        setTimeout(resolve, HANGUP_WAIT_MS);
      });
      send(JSON.stringify({ type: "hangup" }));
      await confirmed;
      socket.close();
      finish();
    },

    setMuted(value: boolean) {
      if (value && !muted) sendSilence(MUTE_TAIL_S);
      muted = value;
      microphone?.setEnabled(!value);
      if (value) listener.level(0);
    },

    sendText(text: string) {
      send(JSON.stringify({ type: "text", text }));
    },
  };
};
