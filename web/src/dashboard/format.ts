/** How dates, durations and scores read in the dashboard. */

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });
const dateOnly = new Intl.DateTimeFormat(undefined, { dateStyle: "medium" });

/** The server's times are UTC; some (read back from SQLite) come without an offset, which
 * a browser would take for local time. */
function parse(value: string): Date {
  return new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(value) ? value : `${value}Z`);
}

export function when(value: string | null | undefined): string {
  return value ? dateTime.format(parse(value)) : "—";
}

export function day(value: string | null | undefined): string {
  return value ? dateOnly.format(parse(value)) : "—";
}

export function percent(score: number | null | undefined): string {
  return score === null || score === undefined ? "not examined" : `${Math.round(score * 100)}%`;
}

/** 812 → "812 ms", 2310 → "2.31 s". */
export function millis(value: number): string {
  return value >= 1000 ? `${(value / 1000).toFixed(2)} s` : `${Math.round(value)} ms`;
}

/** `end_of_speech_to_audio_ms` → "end of speech to audio". */
export function timingName(name: string): string {
  return name.replace(/_ms$/, "").replaceAll("_", " ");
}

export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}
