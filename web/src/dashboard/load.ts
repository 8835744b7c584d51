/** Data for a page (loading, the value or the error, loading again) and what its forms do. */
import { useCallback, useEffect, useRef, useState, type DependencyList } from "react";

export interface Loaded<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload(): void;
  /** Replace the value after a change the page made itself (no round trip). */
  set(value: T): void;
}

export function useLoad<T>(load: () => Promise<T>, deps: DependencyList): Loaded<T> {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<unknown>();
  const [loading, setLoading] = useState(true);
  const [round, setRound] = useState(0);
  // Only the latest request may write: a slow answer must not replace a newer one.
  const latest = useRef(0);

  useEffect(() => {
    const ticket = ++latest.current;
    setLoading(true);
    load().then(
      (value) => {
        if (ticket !== latest.current) return;
        setData(value);
        setError(undefined);
        setLoading(false);
      },
      (problem: unknown) => {
        if (ticket !== latest.current) return;
        setError(problem);
        setLoading(false);
      },
    );
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, round]);

  const reload = useCallback(() => setRound((n) => n + 1), []);
  return { data, error, loading, reload, set: setData };
}

export interface Action {
  busy: boolean;
  error: unknown;
  /** A sentence for the owner once the last run succeeded ("Saved."); cleared on the next. */
  done: string;
  /** Run `work`; true when it succeeded. Errors land in `error`, never thrown. */
  run(work: () => Promise<unknown>, done?: string): Promise<boolean>;
}

/** What a form does on submit: one thing at a time, its error or its success shown. */
export function useAction(): Action {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const [done, setDone] = useState("");
  const run = useCallback(async (work: () => Promise<unknown>, message = "") => {
    setBusy(true);
    setError(undefined);
    setDone("");
    try {
      await work();
      setDone(message);
      return true;
    } catch (problem) {
      setError(problem);
      return false;
    } finally {
      setBusy(false);
    }
  }, []);
  return { busy, error, done, run };
}
