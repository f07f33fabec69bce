/**
 * The signed-in user's presence as routing sees it: the chosen base presence, an optional custom
 * label ("Lunch" on Away) and the effective presence (Busy while capacity is full).
 *
 * The hub answers the effective presence on PUT /api/me/presence and, for supervisors and admins,
 * in GET /api/agents. GET /api/me carries neither the label nor the effective presence, so the
 * label is also kept in localStorage, and for agents the effective presence is refreshed by
 * setting the same presence again when their own work changes (an idempotent write).
 */
import { createContext, useCallback, useContext, useEffect, useRef, useState } from 'react';
import { ApiError, get, put } from './api';
import type { RealtimeMessage } from './realtime';
import type { AgentState, Presence, User } from './types';

export interface PresenceState {
  presence: Presence;
  label: string | null;
  effective: Presence;
  /** Sets presence and label; rejects with the server's error. */
  change: (presence: Presence, label: string | null) => Promise<void>;
}

export const PresenceContext = createContext<PresenceState | undefined>(undefined);

export function usePresence(): PresenceState | undefined {
  return useContext(PresenceContext);
}

const labelKey = (userId: string) => `sb.presenceLabel.${userId}`;

function storedLabel(userId: string, presence: Presence): string | null {
  try {
    const raw = localStorage.getItem(labelKey(userId));
    if (!raw) return null;
    const v = JSON.parse(raw) as { presence?: string; label?: string };
    return v.presence === presence && typeof v.label === 'string' ? v.label : null;
  } catch {
    return null;
  }
}

function storeLabel(userId: string, presence: Presence, label: string | null): void {
  try {
    if (label) localStorage.setItem(labelKey(userId), JSON.stringify({ presence, label }));
    else localStorage.removeItem(labelKey(userId));
  } catch {
    // Storage denied: the label is still on the server, only this page forgets it.
  }
}

interface PutAnswer {
  presence: Presence;
  label: string | null;
  effectivePresence: Presence;
}

/** Owns the presence state for the signed-in shell; `onEvent` is fed every realtime event. */
export function usePresenceState(user: User, setUser: (u: User) => void): { state: PresenceState; onEvent: (e: RealtimeMessage) => void } {
  const [label, setLabel] = useState<string | null>(() => storedLabel(user.id, user.presence));
  const [effective, setEffective] = useState<Presence>(user.presence);
  const userRef = useRef(user);
  userRef.current = user;
  const labelRef = useRef(label);
  labelRef.current = label;
  const mine = useRef(new Set<string>());
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  /** Set by change(): its own PUT answers the effective presence, the presence effect need not ask again. */
  const changedHere = useRef(false);

  const refresh = useCallback(async () => {
    const u = userRef.current;
    try {
      if (u.role !== 'agent') {
        const agents = await get<AgentState[]>('/api/agents');
        const me = agents.find((a) => a.id === u.id);
        setEffective(me && me.presence === u.presence ? me.effectivePresence : u.presence);
      } else {
        const r = await put<PutAnswer>('/api/me/presence', { presence: u.presence, label: labelRef.current });
        setEffective(r.effectivePresence);
      }
    } catch (e) {
      // Not fatal: the picker shows the chosen presence. A 401 is handled by the API client.
      if (!(e instanceof ApiError)) throw e;
    }
  }, []);

  const schedule = useCallback(() => {
    clearTimeout(timer.current);
    timer.current = setTimeout(() => void refresh(), 700);
  }, [refresh]);

  useEffect(() => () => clearTimeout(timer.current), []);

  // On sign-in, and when the presence changes (here, in another tab, by a supervisor): the stored
  // label applies only to the presence it was set with.
  useEffect(() => {
    setLabel(storedLabel(user.id, user.presence));
    setEffective((e) => (e === 'busy' && user.presence === 'available' ? e : user.presence));
    if (changedHere.current) changedHere.current = false;
    else schedule();
  }, [user.id, user.presence, schedule]);

  const onEvent = useCallback(
    (e: RealtimeMessage) => {
      const me = userRef.current.id;
      if (e.type === 'resync') return schedule();
      if (e.type === 'offer.created' || e.type === 'offer.ended') {
        if (e.offer.agentId === me) schedule();
        return;
      }
      if (e.type === 'conversation.created' || e.type === 'conversation.updated') {
        const c = e.conversation;
        const was = mine.current.has(c.id);
        const is = c.agentId === me && c.state !== 'closed';
        if (is) mine.current.add(c.id);
        else mine.current.delete(c.id);
        if (was || is) schedule();
      }
    },
    [schedule],
  );

  const change = useCallback(
    async (presence: Presence, newLabel: string | null) => {
      const u = userRef.current;
      const before = { presence: u.presence, label: labelRef.current };
      storeLabel(u.id, presence, newLabel);
      if (presence !== u.presence) changedHere.current = true;
      setLabel(newLabel);
      setUser({ ...u, presence });
      try {
        const r = await put<PutAnswer>('/api/me/presence', { presence, label: newLabel });
        setEffective(r.effectivePresence);
      } catch (err) {
        storeLabel(u.id, before.presence, before.label);
        setUser({ ...u, presence: before.presence });
        setLabel(before.label);
        throw err;
      }
    },
    [setUser],
  );

  return { state: { presence: user.presence, label, effective, change }, onEvent };
}
