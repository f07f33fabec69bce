/**
 * Presence: five base presences, and custom presences (e.g. "Lunch") that map onto one of them.
 * Routing only ever looks at the base presence.
 *
 * Capacity drives presence the way Dynamics does: an agent who chose Available (or a custom
 * presence based on it, or Busy) shows Busy while full and goes back when capacity frees up —
 * `effectivePresence` is a function of the chosen presence and fullness, so nothing has to
 * remember to switch back. Busy-DND, Away and Offline are the agent's explicit choice and stay.
 */
import { z } from 'zod';

export const BASE_PRESENCES = ['available', 'busy', 'busy_dnd', 'away', 'offline'] as const;
export type BasePresence = (typeof BASE_PRESENCES)[number];

export interface CustomPresence {
  /** Shown to people: 'Lunch', 'Training'. */
  name: string;
  base: BasePresence;
}

/** The presences every hub has, named as Dynamics names them. */
export const DEFAULT_PRESENCES: readonly CustomPresence[] = [
  { name: 'Available', base: 'available' },
  { name: 'Busy', base: 'busy' },
  { name: 'Do not disturb', base: 'busy_dnd' },
  { name: 'Away', base: 'away' },
  { name: 'Offline', base: 'offline' },
];

export function isBasePresence(v: unknown): v is BasePresence {
  return typeof v === 'string' && (BASE_PRESENCES as readonly string[]).includes(v);
}

export function basePresenceOf(chosen: BasePresence | CustomPresence): BasePresence {
  return typeof chosen === 'string' ? chosen : chosen.base;
}

/**
 * A presence by base id or by name (case-insensitive) among the custom ones (defaults included
 * unless a custom presence reuses the name). Undefined when unknown.
 */
export function resolvePresence(nameOrBase: string, custom: readonly CustomPresence[] = []): CustomPresence | undefined {
  const key = nameOrBase.trim().toLowerCase();
  const all = [...custom, ...DEFAULT_PRESENCES];
  return all.find((p) => p.name.toLowerCase() === key) ?? DEFAULT_PRESENCES.find((p) => p.base === key);
}

/** Full capacity shows 'busy', except over the agent's explicit busy_dnd / away / offline. */
export function effectivePresence(chosen: BasePresence | CustomPresence, isFull: boolean): BasePresence {
  const base = basePresenceOf(chosen);
  if (!isFull) return base;
  return base === 'available' || base === 'busy' ? 'busy' : base;
}

/** Whether distribution may give work to someone in `presence`: listed, and never offline. */
export function isAssignablePresence(presence: BasePresence, allowed: readonly BasePresence[]): boolean {
  return presence !== 'offline' && allowed.includes(presence);
}

export const basePresenceSchema = z.enum(BASE_PRESENCES);
export const customPresenceSchema = z.strictObject({ name: z.string().trim().min(1).max(100), base: basePresenceSchema });
