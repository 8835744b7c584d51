/** What LiveKit reports, in the voice client's own terms. No state here: only mappings. */
import {
  ConnectionError,
  ConnectionErrorReason,
  DisconnectReason,
} from "livekit-client";
import { CallFailure } from "./call-failure";
import type { AgentState, CallStart, Role, Turn } from "./types";

/** The participant attribute livekit-agents keeps its state in. */
export const AGENT_STATE_ATTRIBUTE = "lk.agent.state";
/** The text-stream topic livekit-agents reads typed input from. */
export const CHAT_TOPIC = "lk.chat";
/** The text-stream topic livekit-agents writes captions to, for both sides of the call. */
export const TRANSCRIPTION_TOPIC = "lk.transcription";
/** The text-stream topic Frontdesk's worker sends each stored turn on (timings, tool calls). */
export const TURN_TOPIC = "frontdesk.turn";
const TRANSCRIBED_TRACK = "lk.transcribed_track_id";
const TRANSCRIPTION_FINAL = "lk.transcription_final";

const AGENT_STATES: readonly AgentState[] = ["initializing", "idle", "listening", "thinking", "speaking"];

/** How to join: `POST …/calls` answers these for a LiveKit call. */
export interface LiveKitJoin {
  url: string;
  token: string;
  conversationId: string;
}

export function joinOf(start: CallStart): LiveKitJoin {
  const { url, token, conversation_id: conversationId } = start;
  if (!url || typeof token !== "string" || !token || typeof conversationId !== "string" || !conversationId) {
    throw new CallFailure("The server's answer for a LiveKit call has no server, token or conversation.");
  }
  return { url, token, conversationId };
}

/** The agent's state from its participant attributes; null when it has not said. */
export function agentStateOf(attributes: Readonly<Record<string, string>>): AgentState | null {
  const value = attributes[AGENT_STATE_ATTRIBUTE];
  return AGENT_STATES.find((state) => state === value) ?? null;
}

/**
 * Whose words a caption stream carries: the agent writes both sides' captions, and names the
 * audio track it transcribes; the caller's own microphone tracks make it the caller's.
 */
export function captionRoleOf(attributes: Readonly<Record<string, string>> | undefined, callerTracks: ReadonlySet<string>): Role {
  const track = attributes?.[TRANSCRIBED_TRACK];
  return track && callerTracks.has(track) ? "caller" : "agent";
}

/** Whether a caption stream's text is the utterance's last word on it. */
export function isFinalCaption(attributes: Readonly<Record<string, string>> | undefined): boolean {
  return attributes?.[TRANSCRIPTION_FINAL] === "true";
}

/** A stored turn as the worker sends it on `TURN_TOPIC`; null for anything else. */
export function turnOf(text: string): Turn | null {
  let event: unknown;
  try {
    event = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof event !== "object" || event === null) return null;
  const { type, role, text: said, timings, tool_calls: toolCalls, interrupted } = event as Record<string, unknown>;
  if (type !== "turn" || (role !== "agent" && role !== "caller") || typeof said !== "string") return null;
  return {
    role,
    text: said,
    timings: (typeof timings === "object" && timings !== null ? timings : {}) as Turn["timings"],
    toolCalls: (Array.isArray(toolCalls) ? toolCalls : []) as Turn["toolCalls"],
    interrupted: Boolean(interrupted),
  };
}

/**
 * Whether leaving the room ends the call (`expected`) or is a drop worth a new call.
 * `ending` is why this side ended it, when it did (the agent left, or never came).
 */
export function endOf(
  reason: DisconnectReason | undefined,
  hangingUp: boolean,
  ending: string | null,
): { expected: boolean; reason: string } {
  if (hangingUp) return { expected: true, reason: "caller hung up" };
  if (ending) return { expected: true, reason: ending };
  switch (reason) {
    case DisconnectReason.ROOM_DELETED: // the agent's session closed its room: the call is over
    case DisconnectReason.ROOM_CLOSED:
    case DisconnectReason.CLIENT_INITIATED: // the page is going away
      return { expected: true, reason: "call ended" };
    case DisconnectReason.PARTICIPANT_REMOVED:
      return { expected: true, reason: "removed from the call" };
    case DisconnectReason.DUPLICATE_IDENTITY:
      return { expected: true, reason: "the call was joined from somewhere else" };
    default:
      return { expected: false, reason: "connection lost" };
  }
}

/** Why joining failed. A refused token would be refused again: that one is permanent. */
export function failureOf(error: unknown): CallFailure {
  if (error instanceof ConnectionError && error.reason === ConnectionErrorReason.NotAllowed) {
    return new CallFailure("The LiveKit server refused the call's token.", "Unauthorized");
  }
  if (error instanceof ConnectionError) {
    return new CallFailure(`The LiveKit server could not be reached (${error.message}).`, "NetworkError");
  }
  return CallFailure.from(error);
}
