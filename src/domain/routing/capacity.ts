/**
 * Agent capacity, in one of Dynamics' two models:
 * - units: the agent has `total` units; each conversation costs its workstream's
 *   `unitsPerConversation` (carried on the load entry and the item as `units`).
 * - profiles: the agent has a maximum number of items per capacity profile; an item or load entry
 *   without a profile belongs to the 'default' profile. Profiles are independent of each other.
 * An item whose profile the agent does not have cannot be taken. `units` are ignored in profiles
 * mode and `profile` in units mode.
 */
import { z } from 'zod';

export const DEFAULT_CAPACITY_PROFILE = 'default';

export type AgentCapacity =
  | { mode: 'units'; total: number }
  | { mode: 'profiles'; profiles: Record<string, { maxItems: number }> };

/** One conversation an agent holds, or the item to place. */
export interface WorkLoad {
  units: number;
  profile?: string;
}

export interface CapacityCheck {
  ok: boolean;
  /** Units left (units mode) or free slots in the item's profile (profiles mode), before the item. */
  remaining: number;
  /** "6 of 10 units free, needs 4" / "profile 'chat': 2 of 2 in use". */
  reason: string;
}

function profileOf(x: { profile?: string }): string {
  return x.profile ?? DEFAULT_CAPACITY_PROFILE;
}

function maxItems(cap: Extract<AgentCapacity, { mode: 'profiles' }>, profile: string): number | undefined {
  return Object.hasOwn(cap.profiles, profile) ? cap.profiles[profile]?.maxItems : undefined;
}

function units(n: number): number {
  return Number.isFinite(n) && n > 0 ? n : 0;
}

/**
 * What is left: units (units mode) or free slots in `profile` (profiles mode; default profile
 * when omitted; 0 for a profile the agent does not have). Negative when over capacity (e.g. the
 * admin lowered the total while the agent held conversations).
 */
export function remaining(cap: AgentCapacity, load: readonly WorkLoad[], profile?: string): number {
  if (cap.mode === 'units') return cap.total - load.reduce((n, l) => n + units(l.units), 0);
  const p = profile ?? DEFAULT_CAPACITY_PROFILE;
  const max = maxItems(cap, p);
  if (max === undefined) return 0;
  return max - load.filter((l) => profileOf(l) === p).length;
}

export function checkCapacity(cap: AgentCapacity, load: readonly WorkLoad[], item: WorkLoad): CapacityCheck {
  if (cap.mode === 'units') {
    const left = remaining(cap, load);
    const need = units(item.units);
    return { ok: left >= need && left > 0, remaining: left, reason: `${left} of ${cap.total} units free, needs ${need}` };
  }
  const p = profileOf(item);
  const max = maxItems(cap, p);
  if (max === undefined) return { ok: false, remaining: 0, reason: `no capacity profile '${p}'` };
  const left = remaining(cap, load, p);
  return { ok: left > 0, remaining: left, reason: `profile '${p}': ${max - left} of ${max} in use` };
}

export function canTake(cap: AgentCapacity, load: readonly WorkLoad[], item: WorkLoad): boolean {
  return checkCapacity(cap, load, item).ok;
}

/**
 * Full: nothing more fits. Units mode: no unit left. Profiles mode: the given profile has no free
 * slot, or — without a profile — no profile has one. Drives the automatic 'busy' presence.
 */
export function isFull(cap: AgentCapacity, load: readonly WorkLoad[], profile?: string): boolean {
  if (cap.mode === 'units') return remaining(cap, load) <= 0;
  if (profile !== undefined) return remaining(cap, load, profile) <= 0;
  return Object.keys(cap.profiles).every((p) => remaining(cap, load, p) <= 0);
}

// ── schema (for the API) ───────────────────────────────────────────────────────────────────────

export const agentCapacitySchema = z.discriminatedUnion('mode', [
  z.strictObject({ mode: z.literal('units'), total: z.number().int().min(0).max(100_000) }),
  z.strictObject({
    mode: z.literal('profiles'),
    profiles: z.record(z.string().trim().min(1).max(100), z.strictObject({ maxItems: z.number().int().min(0).max(1000) })),
  }),
]);
