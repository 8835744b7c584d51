/** How dates, durations and scores read in the dashboard. */

const dateOnly = new Intl.DateTimeFormat(undefined, { dateStyle: "medium" });

/** The server's times are UTC; some (read back from SQLite) come without an offset, which
 * a browser would take for local time. */
function parse(value: string): Date {
  return new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(value) ? value : `${value}Z`);
}

/** A date and time, in the browser's time zone or in `zone` (an agent's calendar). */
export function when(value: string | null | undefined, zone?: string): string {
  const format = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short", timeZone: zone });
  return value ? format.format(parse(value)) : "—";
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

/** "contacted" → "Contacted", for option labels made from API values. */
export function capitalized(word: string): string {
  return word ? word[0].toUpperCase() + word.slice(1) : word;
}
