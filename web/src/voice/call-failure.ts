import type { CallError } from "./types";

/** A call that could not start or go on, as an Error (so it keeps a stack when thrown). */
export class CallFailure extends Error implements CallError {
  readonly code?: string;
  readonly fatal = true;

  constructor(message: string, code?: string) {
    super(message);
    this.name = "CallFailure";
    this.code = code;
  }

  /** Whatever was thrown (a DOMException from getUserMedia, a TypeError from fetch…). */
  static from(error: unknown): CallFailure {
    if (error instanceof CallFailure) return error;
    if (error instanceof DOMException && error.name === "NotAllowedError") {
      return new CallFailure("Microphone access was refused: allow it to talk to the agent.", error.name);
    }
    if (error instanceof DOMException && error.name === "NotFoundError") {
      return new CallFailure("No microphone was found.", error.name);
    }
    if (error instanceof TypeError) {
      return new CallFailure("The Frontdesk server could not be reached.", "NetworkError");
    }
    return new CallFailure(error instanceof Error ? error.message : String(error));
  }

  /** The same request would fail again: reconnecting is pointless. */
  get permanent(): boolean {
    return ["Unauthorized", "Forbidden", "NotFound", "NotAllowedError", "NotFoundError"].includes(
      this.code ?? "",
    );
  }

  toJSON(): CallError {
    return { message: this.message, code: this.code, fatal: true };
  }
}
