/**
 * The rule tester behind the API's "for this context, which rules fire, which queue, and why":
 * classification, then route-to-queue on the classified context, explained in plain lines.
 *
 * Defaults keep it deterministic: no queue overflows and the split roll is 0 (the first share),
 * unless the caller passes `isOverflowing` / `random`.
 */
import { classify, type ClassificationResult, type ClassificationRuleSet } from './classification.js';
import type { ConditionContext } from './context.js';
import { routeToQueue, type RouteResult, type RouteRuleSet } from './route-to-queue.js';
import { formatSkills } from './skills.js';

export interface RoutingTestInput {
  classificationSets: readonly ClassificationRuleSet[];
  routeSet: RouteRuleSet | undefined;
  fallbackQueueId: string;
  context: ConditionContext;
  isOverflowing?: (queueId: string) => boolean;
  random?: () => number;
}

export interface RoutingTestResult {
  queueId: string;
  /** The route rule that chose the queue; absent when the fallback queue was used. */
  ruleId?: string;
  usedFallback: boolean;
  /** Why this queue, in one line. */
  reason: string;
  classification: ClassificationResult;
  route: RouteResult;
  /** The whole story, one line per step, condition traces indented beneath. */
  explanation: string[];
}

export function testRouting(input: RoutingTestInput): RoutingTestResult {
  const classification = classify(input.classificationSets, input.context);
  const route = routeToQueue(input.routeSet, classification.context, {
    fallbackQueueId: input.fallbackQueueId,
    isOverflowing: input.isOverflowing ?? (() => false),
    random: input.random ?? (() => 0),
  });
  return {
    queueId: route.queueId,
    ...(route.ruleId !== undefined && { ruleId: route.ruleId }),
    usedFallback: route.usedFallback,
    reason: route.reason,
    classification,
    route,
    explanation: explain(classification, route),
  };
}

function explain(c: ClassificationResult, r: RouteResult): string[] {
  const lines: string[] = [];
  lines.push(c.trace.length === 0 ? 'Classification: no rule sets' : 'Classification:');
  for (const set of c.trace) {
    lines.push(`  ${set.summary}`);
    for (const t of set.tried) {
      lines.push(`    rule ${t.ruleName ? `'${t.ruleName}' (${t.ruleId})` : t.ruleId}: ${t.matched ? 'matched' : 'did not match'}`);
      lines.push(...t.conditionTrace.map((l) => `      ${l}`));
    }
  }
  const set: string[] = [];
  if (c.skills.length) set.push(`skills ${formatSkills(c.skills)}`);
  if (c.priority !== undefined) set.push(`priority ${c.priority}`);
  if (c.capacityProfile !== undefined) set.push(`capacity profile '${c.capacityProfile}'`);
  lines.push(`  result: ${set.length ? set.join('; ') : 'no skills, priority or capacity profile set'}`);
  lines.push(r.trace.length === 0 ? 'Route to queue: no rules' : 'Route to queue:');
  for (const t of r.trace) {
    const name = t.ruleName ? `'${t.ruleName}' (${t.ruleId})` : t.ruleId;
    const queues = t.queuesTried.map((q) => `${q.queueId}${q.overflowing ? ' overflowing' : ''}`).join(', ');
    const outcome = t.outcome === 'not_matched' ? 'did not match' : t.outcome === 'routed' ? `matched, queues tried: ${queues}` : `matched but overflowing: ${queues}`;
    lines.push(`  rule ${name}: ${outcome}`);
    lines.push(...t.conditionTrace.map((l) => `    ${l}`));
  }
  lines.push(`Queue: ${r.queueId} — ${r.reason}`);
  return lines;
}
