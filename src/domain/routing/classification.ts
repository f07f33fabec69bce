/**
 * Work classification: rule sets run in order; within a set the first matching rule wins and its
 * outputs are applied. Later sets see earlier outputs, because the context they evaluate is
 * rebuilt after each set: `variables.*` (merged), `skills` (name → level, or `true` without a
 * level), `priority` and `capacityProfile`.
 *
 * Accumulation: skills add up (a skill required twice keeps the stricter level); priority,
 * capacityProfile and each variable are overwritten by the latest set that sets them.
 */
import { z } from 'zod';
import { conditionSchema, evaluate, show, type Condition } from './conditions.js';
import { isPlainObject, uniqueIds, type ConditionContext } from './context.js';
import { formatSkills, mergeSkills, skillRequirementSchema, type SkillRequirement } from './skills.js';

export type VariableValue = string | number | boolean;

export interface ClassificationOutputs {
  /** Added to the work item's required skills. */
  skills?: SkillRequirement[];
  /** Lower number = more urgent (see work-item-order.ts). */
  priority?: number;
  capacityProfile?: string;
  variables?: Record<string, VariableValue>;
}

export interface ClassificationRule {
  id: string;
  name?: string;
  condition: Condition;
  outputs: ClassificationOutputs;
}

export interface ClassificationRuleSet {
  id: string;
  name?: string;
  rules: ClassificationRule[];
}

export interface RuleAttempt {
  ruleId: string;
  ruleName?: string;
  matched: boolean;
  conditionTrace: string[];
}

/** What one rule set did: the rules tried (in order, up to the one that fired) and its outputs. */
export interface RuleTrace {
  ruleSetId: string;
  ruleSetName?: string;
  tried: RuleAttempt[];
  /** null: no rule matched (or the set is empty); nothing was set. */
  firedRuleId: string | null;
  /** The fired rule's outputs ({} when none fired). */
  set: ClassificationOutputs;
  summary: string;
}

export interface ClassificationResult {
  /** The input context with `variables`, `skills`, `priority`, `capacityProfile` as classified. */
  context: ConditionContext;
  skills: SkillRequirement[];
  priority: number | undefined;
  capacityProfile: string | undefined;
  /** The context's variables merged with those the rules set. */
  variables: Record<string, unknown>;
  trace: RuleTrace[];
}

interface State {
  skills: SkillRequirement[];
  priority: number | undefined;
  capacityProfile: string | undefined;
  variables: Record<string, unknown>;
}

export function classify(ruleSets: readonly ClassificationRuleSet[], ctx: ConditionContext): ClassificationResult {
  const state: State = {
    skills: [],
    priority: undefined,
    capacityProfile: undefined,
    variables: isPlainObject(ctx.variables) ? { ...ctx.variables } : {},
  };
  const trace: RuleTrace[] = [];
  for (const set of ruleSets) {
    const view = contextOf(ctx, state);
    const tried: RuleAttempt[] = [];
    let fired: ClassificationRule | undefined;
    for (const rule of set.rules) {
      const r = evaluate(rule.condition, view);
      tried.push({ ruleId: rule.id, ...(rule.name !== undefined && { ruleName: rule.name }), matched: r.matched, conditionTrace: r.trace });
      if (r.matched) {
        fired = rule;
        break;
      }
    }
    if (fired) apply(state, fired.outputs);
    trace.push({
      ruleSetId: set.id,
      ...(set.name !== undefined && { ruleSetName: set.name }),
      tried,
      firedRuleId: fired?.id ?? null,
      set: fired ? fired.outputs : {},
      summary: summarize(set, tried.length, fired),
    });
  }
  return { context: contextOf(ctx, state), ...state, trace };
}

function apply(state: State, out: ClassificationOutputs): void {
  if (out.skills) state.skills = mergeSkills(state.skills, out.skills);
  if (out.priority !== undefined) state.priority = out.priority;
  if (out.capacityProfile !== undefined) state.capacityProfile = out.capacityProfile;
  if (out.variables) Object.assign(state.variables, out.variables);
}

/** The context later rules see; the classification-owned keys always reflect the state. */
function contextOf(ctx: ConditionContext, s: State): ConditionContext {
  const { skills: _s, priority: _p, capacityProfile: _c, ...rest } = ctx;
  const skills: Record<string, number | true> = {};
  for (const k of s.skills) skills[k.name] = k.level ?? true;
  return {
    ...rest,
    variables: { ...s.variables },
    skills,
    ...(s.priority !== undefined && { priority: s.priority }),
    ...(s.capacityProfile !== undefined && { capacityProfile: s.capacityProfile }),
  };
}

function label(x: { id: string; name?: string }): string {
  return x.name ? `'${x.name}' (${x.id})` : x.id;
}

function summarize(set: ClassificationRuleSet, triedCount: number, fired: ClassificationRule | undefined): string {
  if (set.rules.length === 0) return `rule set ${label(set)} has no rules`;
  if (!fired) return `rule set ${label(set)}: no rule matched (${triedCount} tried)`;
  return `rule set ${label(set)}: rule ${label(fired)} fired → ${describeOutputs(fired.outputs)}`;
}

export function describeOutputs(out: ClassificationOutputs): string {
  const parts: string[] = [];
  if (out.skills?.length) parts.push(`skills ${formatSkills(out.skills)}`);
  if (out.priority !== undefined) parts.push(`priority ${out.priority}`);
  if (out.capacityProfile !== undefined) parts.push(`capacity profile '${out.capacityProfile}'`);
  for (const [k, v] of Object.entries(out.variables ?? {})) parts.push(`variables.${k} = ${show(v)}`);
  return parts.length ? parts.join('; ') : 'nothing set';
}

// ── schema (for the API) ───────────────────────────────────────────────────────────────────────

const id = z.string().min(1).max(100);
const ruleName = z.string().trim().min(1).max(200);

export const classificationOutputsSchema = z.strictObject({
  skills: z.array(skillRequirementSchema).max(50).optional(),
  priority: z.number().int().min(0).max(1_000_000).optional(),
  capacityProfile: z.string().trim().min(1).max(100).optional(),
  variables: z.record(z.string().min(1).max(100).regex(/^[^.]+$/, 'no dots in variable names'), z.union([z.string().max(1000), z.number(), z.boolean()])).optional(),
});

export const classificationRuleSchema = z.strictObject({ id, name: ruleName.optional(), condition: conditionSchema, outputs: classificationOutputsSchema });

export const classificationRuleSetSchema = z.strictObject({
  id,
  name: ruleName.optional(),
  rules: z.array(classificationRuleSchema).max(500).refine(uniqueIds, 'rule ids must be unique'),
});
