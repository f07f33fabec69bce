import { createContext, useCallback, useContext, useEffect, useRef, useState, type DependencyList } from 'react';
import { errorMessage } from './api';
import type { RealtimeClient, RealtimeMessage, RealtimeStatus } from './realtime';
import type { User } from './types';

export interface Session {
  user: User;
  setUser: (u: User) => void;
  signOut: () => Promise<void>;
}

export const SessionContext = createContext<Session | undefined>(undefined);

export function useSession(): Session {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside the signed-in app');
  return s;
}

export const RealtimeContext = createContext<{ client: RealtimeClient; status: RealtimeStatus } | undefined>(undefined);

/** The realtime client itself, to send on the socket (typing notices). */
export function useRealtimeClient(): RealtimeClient | undefined {
  return useContext(RealtimeContext)?.client;
}

/** Calls `listener` for every realtime event (and `resync` after each (re)connection). */
export function useRealtime(listener: (e: RealtimeMessage) => void): RealtimeStatus {
  const ctx = useContext(RealtimeContext);
  const ref = useRef(listener);
  ref.current = listener;
  useEffect(() => ctx?.client.subscribe((e) => ref.current(e)), [ctx?.client]);
  return ctx?.status ?? 'closed';
}

export interface Loaded<T> {
  data: T | undefined;
  error: string | undefined;
  loading: boolean;
  reload: () => Promise<void>;
  setData: (f: (prev: T | undefined) => T | undefined) => void;
}

/** Loads data on mount and when deps change; `reload` refetches without clearing what is shown. */
export function useLoad<T>(fn: (signal: AbortSignal) => Promise<T>, deps: DependencyList): Loaded<T> {
  const [data, setDataState] = useState<T | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const [loading, setLoading] = useState(true);
  const fnRef = useRef(fn);
  fnRef.current = fn;
  const ctrl = useRef<AbortController | undefined>(undefined);

  const run = useCallback(async () => {
    ctrl.current?.abort();
    const c = new AbortController();
    ctrl.current = c;
    setLoading(true);
    try {
      const v = await fnRef.current(c.signal);
      if (c.signal.aborted) return;
      setDataState(v);
      setError(undefined);
    } catch (e) {
      if (c.signal.aborted) return;
      setError(errorMessage(e));
    } finally {
      if (!c.signal.aborted) setLoading(false);
    }
  }, []);

  useEffect(() => {
    setDataState(undefined);
    void run();
    return () => ctrl.current?.abort();
  }, deps);

  return { data, error, loading, reload: run, setData: (f) => setDataState((p) => f(p)) };
}

/** Runs an action, tracking busy and error state for the button that started it. */
export function useAction(): {
  busy: boolean;
  error: string | undefined;
  run: <R>(fn: () => Promise<R>) => Promise<R | undefined>;
  clear: () => void;
} {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);
  const run = useCallback(async <R,>(fn: () => Promise<R>) => {
    setBusy(true);
    setError(undefined);
    try {
      return await fn();
    } catch (e) {
      setError(errorMessage(e));
      return undefined;
    } finally {
      setBusy(false);
    }
  }, []);
  return { busy, error, run, clear: () => setError(undefined) };
}

/** The current time, ticking every `ms`. */
export function useNow(ms = 30_000): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(id);
  }, [ms]);
  return now;
}
