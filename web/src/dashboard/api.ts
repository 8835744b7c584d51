/**
 * The generated API client, set up for the dashboard: same-origin cookies, and one way to
 * turn the server's error shape (`{"error": Name, "detail": …}`) into a sentence.
 */
import { client } from "../client/client.gen";

client.setConfig({ baseUrl: "", credentials: "same-origin" });

/** An answer the server refused; `message` is written for the owner to read. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

interface ValidationItem {
  loc?: (string | number)[];
  msg?: string;
}

/** `detail` is a sentence, or a list of field problems for a 422. */
export function describeError(body: unknown, status: number): ApiError {
  const shape = (body ?? {}) as { error?: string; detail?: unknown };
  const code = shape.error ?? "Error";
  let message: string;
  if (typeof shape.detail === "string" && shape.detail) {
    message = shape.detail;
  } else if (Array.isArray(shape.detail)) {
    message = (shape.detail as ValidationItem[])
      .map((item) => {
        const field = (item.loc ?? []).filter((part) => part !== "body").join(" › ");
        // pydantic prefixes the messages our validators write with "Value error, ".
        const text = (item.msg ?? "invalid").replace(/^Value error, /, "");
        return field ? `${field}: ${text}` : text;
      })
      .join("; ");
  } else if (status === 0) {
    message = "The server could not be reached. Check that Frontdesk is running.";
  } else {
    message = `The server answered ${status}${code !== "Error" ? ` (${code})` : ""}.`;
  }
  return new ApiError(message, status, code);
}

/** Signed-out answers are announced once, so the session can send the owner to the login. */
export const SIGNED_OUT_EVENT = "frontdesk:signed-out";

type Result<T> = { data?: T; error?: unknown; response?: Response };

/** Await a generated SDK call: its data, or an `ApiError` in plain words. */
export async function call<T>(request: Promise<Result<T>>): Promise<T> {
  let result: Result<T>;
  try {
    result = await request;
  } catch {
    throw describeError(undefined, 0);
  }
  const status = result.response?.status ?? 0;
  if (result.error !== undefined || !result.response?.ok) {
    if (status === 401) window.dispatchEvent(new Event(SIGNED_OUT_EVENT));
    throw describeError(result.error, status);
  }
  return result.data as T;
}
