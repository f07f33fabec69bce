/**
 * Route-to-queue: one ordered rule set per workstream. The first rule whose condition matches AND
 * whose queue is not overflowing wins. A rule targets one queue or a percentage split; a split
 * rolls `random()` once to pick a queue and, when that queue overflows, tries the split's other
 * queues in the listed order. Nothing matched, or every matching rule's queues overflow: the
 * workstream's fallback queue, which is never asked whether it overflows (work has to go
 * somewhere; the queue's own overflow handling takes over from there).
 *
 * The overflow predicate and the random source are injected so the domain stays pure; the
 * predicate is asked at most once per queue per call.
 */
import { z } from 'zod';
import { conditionSchema, evaluate, type Condition } from './conditions.js';
import { uniqueIds, type ConditionContext } from './context.js';

export interface QueueShare {
  queueId: string;
  /** 0..100; the shares of one split sum to 100. */
  percent: number;
}

export type RouteRule = { id: string; name?: string; condition: Condition } & (
  | { queueId: string; split?: undefined }
  | { split: QueueShare[]; queueId?: undefined }
);

export interface RouteRuleSet {
  id: string;
  name?: string;
  rules: RouteRule[];
}

export interface RouteOptions {
  fallbackQueueId: string;
  isOverflowing: (queueId: string) => boolean;
  /** Uniform in [0, 1), like Math.random; only called when a split rule matches. */
  random: () => number;
}

export interface RouteRuleAttempt {
  ruleId: string;
  ruleName?: string;
  matched: boolean;
  conditionTrace: string[];
  /** For a split: the queue the roll picked. */
  rolledQueueId?: string;
  /** Queues asked, in order, and whether each was overflowing. */
  queuesTried: Array<{ queueId: string; overflowing: boolean }>;
  outcome: 'not_matched' | 'routed' | 'all_overflowing';
}

export interface RouteResult {
  queueId: string;
  /** The rule that routed; absent when the fallback queue was used. */
  ruleId?: string;
  usedFallback: boolean;
  reason: string;
  trace: RouteRuleAttempt[];
}

export function routeToQueue(ruleSet: RouteRuleSet | undefined, ctx: ConditionContext, opts: RouteOptions): RouteResult {
  const known = new Map<string, boolean>();
  const overflowing = (q: string): boolean => {
    let v = known.get(q);
    if (v === undefined) known.set(q, (v = opts.isOverflowing(q)));
    return v;
  };
  const trace: RouteRuleAttempt[] = [];
  const blocked: string[] = [];
  for (const rule of ruleSet?.rules ?? []) {
    const r = evaluate(rule.condition, ctx);
    const attempt: RouteRuleAttempt = {
      ruleId: rule.id,
      ...(rule.name !== undefined && { ruleName: rule.name }),
      matched: r.matched,
      conditionTrace: r.trace,
      queuesTried: [],
      outcome: 'not_matched',
    };
    trace.push(attempt);
    if (!r.matched) continue;
    const order = candidateQueues(rule, opts.random);
    if (order.rolled !== undefined) attempt.rolledQueueId = order.rolled.queueId;
    for (const q of order.queues) {
      const o = overflowing(q);
      attempt.queuesTried.push({ queueId: q, overflowing: o });
      if (!o) {
        attempt.outcome = 'routed';
        return { queueId: q, ruleId: rule.id, usedFallback: false, reason: routedReason(rule, q, order.rolled, attempt.queuesTried), trace };
      }
    }
    attempt.outcome = 'all_overflowing';
    blocked.push(`${label(rule)}: ${order.queues.join(', ') || 'no queue'}`);
  }
  const fb = opts.fallbackQueueId;
  let why: string;
  if (!ruleSet || ruleSet.rules.length === 0) why = 'no route-to-queue rules';
  else if (blocked.length === 0) why = `no rule matched (${trace.length} tried)`;
  else why = `every matching rule's queues are overflowing (${blocked.join('; ')})`;
  return { queueId: fb, usedFallback: true, reason: `${why} → fallback queue ${fb}`, trace };
}

/** The queues a matching rule may use, in the order to try them. */
function candidateQueues(rule: RouteRule, random: () => number): { queues: string[]; rolled?: QueueShare } {
  if (!Array.isArray(rule.split)) return { queues: rule.queueId === undefined ? [] : [rule.queueId] };
  const rolled = pickShare(rule.split, random());
  if (!rolled) return { queues: [] };
  return { queues: [rolled.queueId, ...rule.split.filter((s) => s !== rolled).map((s) => s.queueId)], rolled };
}

/**
 * The share a roll in [0, 1) lands in, by cumulative percent. Percents are normalised by their
 * sum, so a split that does not sum to 100 still works proportionally; rolls outside [0, 1) are
 * clamped; a split whose percents are all 0 picks its first queue.
 */
export function pickShare(split: readonly QueueShare[], roll: number): QueueShare | undefined {
  const total = split.reduce((n, s) => n + Math.max(0, s.percent), 0);
  if (total <= 0) return split[0];
  const target = Math.min(Math.max(Number.isFinite(roll) ? roll : 0, 0), 1) * total;
  let acc = 0;
  for (const s of split) {
    acc += Math.max(0, s.percent);
    if (target < acc) return s;
  }
  // roll = 1 (or float rounding): the last share with a positive percent.
  return [...split].reverse().find((s) => s.percent > 0);
}

function label(x: { id: string; name?: string }): string {
  return x.name ? `rule '${x.name}' (${x.id})` : `rule ${x.id}`;
}

function routedReason(rule: RouteRule, queueId: string, rolled: QueueShare | undefined, tried: RouteRuleAttempt['queuesTried']): string {
  const skipped = tried.filter((t) => t.overflowing).map((t) => t.queueId);
  const split = rolled ? ` (split rolled ${rolled.queueId} at ${rolled.percent}%)` : '';
  const over = skipped.length ? `; ${skipped.join(', ')} overflowing` : '';
  return `${label(rule)} matched${split}${over} → queue ${queueId}`;
}

// ── schema (for the API) ───────────────────────────────────────────────────────────────────────

const id = z.string().min(1).max(100);

export const queueShareSchema = z.strictObject({ queueId: id, percent: z.number().int().min(1).max(100) });

export const routeRuleSchema = z.union([
  z.strictObject({ id, name: z.string().trim().min(1).max(200).optional(), condition: conditionSchema, queueId: id }),
  z.strictObject({
    id,
    name: z.string().trim().min(1).max(200).optional(),
    condition: conditionSchema,
    split: z
      .array(queueShareSchema)
      .min(2)
      .max(20)
      .refine((s) => s.reduce((n, x) => n + x.percent, 0) === 100, 'split percents must sum to 100')
      .refine((s) => new Set(s.map((x) => x.queueId)).size === s.length, 'a queue appears once per split'),
  }),
]);

export const routeRuleSetSchema = z.strictObject({
  id,
  name: z.string().trim().min(1).max(200).optional(),
  rules: z.array(routeRuleSchema).max(500).refine(uniqueIds, 'rule ids must be unique'),
});
