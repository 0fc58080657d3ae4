import { useCallback, useEffect, useRef, useState } from 'preact/hooks';

/** The time, re-rendered every `everyMs`: the countdowns tick without each keeping a timer. */
export function useNow(everyMs = 1_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(id);
  }, [everyMs]);
  return now;
}

export interface Loaded<T> {
  /** The last data that arrived; kept while a reload runs or after a reload failed. */
  data: T | undefined;
  /** Why the last load failed; cleared by the next success. */
  error: unknown;
  loading: boolean;
  reload(): void;
}

/**
 * Loads with the view: aborted when the view goes or the inputs change, and `reload()`
 * for a retry button or a live update. Old data stays on screen next to a failure.
 */
export function useLoad<T>(load: (signal: AbortSignal) => Promise<T>, deps: readonly unknown[]): Loaded<T> {
  const [state, setState] = useState<{ data: T | undefined; error: unknown; loading: boolean }>({ data: undefined, error: undefined, loading: true });
  const [round, setRound] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  useEffect(() => {
    const controller = new AbortController();
    setState((s) => ({ ...s, loading: true }));
    loadRef
      .current(controller.signal)
      .then((data) => !controller.signal.aborted && setState({ data, error: undefined, loading: false }))
      .catch((error: unknown) => !controller.signal.aborted && setState((s) => ({ ...s, error, loading: false })));
    return () => controller.abort();
  }, [...deps, round]);
  const reload = useCallback(() => setRound((r) => r + 1), []);
  return { ...state, reload };
}
