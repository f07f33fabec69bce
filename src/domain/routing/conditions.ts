/**
 * The condition language of routing rules: leaves compare one context field (a dotted path) with
 * a value; `all`, `any` and `not` combine them. Evaluation explains itself, leaf by leaf, so the
 * rule tester and the admin UI can say why a rule fired.
 *
 * Semantics, chosen to be unsurprising for admins rather than for programmers:
 * - Strings compare case-insensitively unless `caseSensitive: true`.
 * - A number on either side of equals/notEquals/in compares numerically when both sides are
 *   numbers or decimal numeric strings ('5' equals 5, '5.0' equals 5).
 * - gt/gte/lt/lte coerce decimal numeric strings and are false when either side is not a number.
 * - `notEquals` is exactly `not equals`: a missing field is "not equal" to anything.
 * - `exists` is false for a missing field, null and a blank string (an empty pre-chat answer is
 *   no answer); `notExists` is its negation.
 * - `contains` on a string is a substring test; on an array, "has an element equal to"; on an
 *   object, "has the key" (so `skills contains 'billing'` works on classification output).
 * - `in` takes a list; an array field is `in` when any of its elements is.
 * - `all: []` is true and `any: []` is false (the usual empty-conjunction/disjunction rules).
 * All children of all/any are evaluated (no short circuit) so the trace shows every leaf.
 */
import { z } from 'zod';
import { getPath, isPlainObject, type ConditionContext } from './context.js';

export const CONDITION_OPS = [
  'equals', 'notEquals', 'contains', 'startsWith', 'endsWith', 'in',
  'exists', 'notExists', 'gt', 'gte', 'lt', 'lte',
] as const;
export type ConditionOp = (typeof CONDITION_OPS)[number];

export type Scalar = string | number | boolean;
export type ConditionValue = Scalar | Array<string | number>;

export interface LeafCondition {
  /** Dotted path into the context: 'locale', 'preChat.orderNumber', 'variables.vip'. */
  field: string;
  op: ConditionOp;
  /** Absent for exists/notExists; a list for `in`. */
  value?: ConditionValue;
  /** Default false: strings compare case-insensitively. */
  caseSensitive?: boolean;
}

export type Condition = { all: Condition[] } | { any: Condition[] } | { not: Condition } | LeafCondition;

export interface EvaluationResult {
  matched: boolean;
  /** One line per leaf and per combinator; nested lines are indented by two spaces. */
  trace: string[];
}

/** Deeper trees are refused by the schema; evaluation recurses once per level. */
export const MAX_CONDITION_DEPTH = 20;

export function evaluate(cond: Condition, ctx: ConditionContext): EvaluationResult {
  if ('all' in cond) return combine('all', cond.all, ctx);
  if ('any' in cond) return combine('any', cond.any, ctx);
  if ('not' in cond) {
    const inner = evaluate(cond.not, ctx);
    return { matched: !inner.matched, trace: [`not → ${!inner.matched}`, ...inner.trace.map(indent)] };
  }
  if ('field' in cond && typeof cond.field === 'string') return evaluateLeaf(cond, ctx);
  return { matched: false, trace: [`invalid condition ${show(cond)} → false`] };
}

function combine(kind: 'all' | 'any', children: Condition[] | undefined, ctx: ConditionContext): EvaluationResult {
  // Tolerates a malformed stored rule (children not a list) by treating it as empty.
  const results = (Array.isArray(children) ? children : []).map((c) => evaluate(c, ctx));
  const trueCount = results.filter((r) => r.matched).length;
  const matched = kind === 'all' ? trueCount === results.length : trueCount > 0;
  const head = `${kind} of ${results.length}: ${trueCount} true → ${matched}`;
  return { matched, trace: [head, ...results.flatMap((r) => r.trace.map(indent))] };
}

function indent(line: string): string {
  return `  ${line}`;
}

function evaluateLeaf(c: LeafCondition, ctx: ConditionContext): EvaluationResult {
  const actual = getPath(ctx, c.field);
  const { matched, note } = applyOp(c, actual);
  const value = c.value === undefined ? '' : ` ${show(c.value)}`;
  const cs = c.caseSensitive ? ' (case-sensitive)' : '';
  return { matched, trace: [`${c.field} ${c.op}${value}${cs}: got ${show(actual)} → ${matched}${note ? ` (${note})` : ''}`] };
}

function applyOp(c: LeafCondition, actual: unknown): { matched: boolean; note?: string } {
  const cs = c.caseSensitive === true;
  const v = c.value;
  switch (c.op) {
    case 'exists':
      return { matched: exists(actual) };
    case 'notExists':
      return { matched: !exists(actual) };
    case 'equals':
    case 'notEquals': {
      if (!isScalar(v)) return { matched: c.op === 'notEquals', note: 'the rule has no single value to compare' };
      const eq = Array.isArray(actual) ? false : scalarEquals(actual, v, cs);
      return { matched: c.op === 'equals' ? eq : !eq };
    }
    case 'in': {
      if (!Array.isArray(v)) return { matched: false, note: 'the rule has no list' };
      const items = Array.isArray(actual) ? actual : [actual];
      return { matched: items.some((a) => v.some((e) => scalarEquals(a, e, cs))) };
    }
    case 'contains':
      if (!isScalar(v)) return { matched: false, note: 'the rule has no single value' };
      if (Array.isArray(actual)) return { matched: actual.some((a) => scalarEquals(a, v, cs)) };
      if (isPlainObject(actual)) return { matched: Object.keys(actual).some((k) => fold(k, cs) === fold(String(v), cs)) };
      return textOp(actual, v, cs, (a, b) => a.includes(b));
    case 'startsWith':
      return textOp(actual, v, cs, (a, b) => a.startsWith(b));
    case 'endsWith':
      return textOp(actual, v, cs, (a, b) => a.endsWith(b));
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte': {
      const a = toNumber(actual);
      const b = toNumber(v);
      if (b === undefined) return { matched: false, note: 'the rule value is not a number' };
      if (a === undefined) return { matched: false, note: 'not a number' };
      const m = c.op === 'gt' ? a > b : c.op === 'gte' ? a >= b : c.op === 'lt' ? a < b : a <= b;
      return { matched: m };
    }
    default:
      return { matched: false, note: `unknown operator` };
  }
}

function textOp(actual: unknown, v: ConditionValue | undefined, cs: boolean, test: (a: string, b: string) => boolean): { matched: boolean; note?: string } {
  if (typeof v !== 'string' && typeof v !== 'number') return { matched: false, note: 'the rule has no text value' };
  if (typeof actual !== 'string' && typeof actual !== 'number') return { matched: false };
  return { matched: test(fold(String(actual), cs), fold(String(v), cs)) };
}

function exists(v: unknown): boolean {
  return v !== undefined && v !== null && !(typeof v === 'string' && v.trim() === '');
}

function isScalar(v: unknown): v is Scalar {
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
}

function fold(s: string, caseSensitive: boolean): string {
  const n = s.normalize('NFC');
  return caseSensitive ? n : n.toLowerCase();
}

const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** A finite number, or a decimal numeric string (no hex, no blanks); anything else is undefined. */
export function toNumber(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'string' && DECIMAL.test(v.trim())) {
    const n = Number(v.trim());
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

function scalarEquals(actual: unknown, expected: Scalar, cs: boolean): boolean {
  if (!isScalar(actual)) return false;
  if (typeof actual === 'number' || typeof expected === 'number') {
    const a = toNumber(actual);
    const e = toNumber(expected);
    if (a !== undefined && e !== undefined) return a === e;
  }
  if (typeof actual === 'boolean' || typeof expected === 'boolean') {
    return String(actual).toLowerCase() === String(expected).toLowerCase();
  }
  return fold(String(actual), cs) === fold(String(expected), cs);
}

/** How a value reads in a trace: strings quoted, a missing value as "nothing". */
export function show(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (typeof v === 'string') return `'${v.length > 80 ? `${v.slice(0, 80)}…` : v}'`;
  if (Array.isArray(v)) return `[${v.map(show).join(', ')}]`;
  if (typeof v === 'object' && v !== null) {
    const json = JSON.stringify(v);
    return json.length > 80 ? `${json.slice(0, 80)}…` : json;
  }
  return String(v);
}

/** Nesting depth: a leaf is 1. */
export function conditionDepth(c: Condition): number {
  if ('all' in c) return 1 + Math.max(0, ...c.all.map(conditionDepth));
  if ('any' in c) return 1 + Math.max(0, ...c.any.map(conditionDepth));
  if ('not' in c) return 1 + conditionDepth(c.not);
  return 1;
}

// ── schema (for the API) ───────────────────────────────────────────────────────────────────────

const NEEDS_NUMBER: ReadonlySet<ConditionOp> = new Set(['gt', 'gte', 'lt', 'lte']);
const NEEDS_TEXT: ReadonlySet<ConditionOp> = new Set(['startsWith', 'endsWith']);

const leafSchema = z
  .strictObject({
    field: z.string().min(1).max(200).regex(/^[^.]+(\.[^.]+)*$/, 'a dotted path such as preChat.orderNumber'),
    op: z.enum(CONDITION_OPS),
    value: z.union([z.string().max(1000), z.number(), z.boolean(), z.array(z.union([z.string().max(1000), z.number()])).max(500)]).optional(),
    caseSensitive: z.boolean().optional(),
  })
  .superRefine((c, ctx) => {
    const issue = (message: string) => ctx.addIssue({ code: 'custom', path: ['value'], message });
    if (c.op === 'exists' || c.op === 'notExists') {
      if (c.value !== undefined) issue(`${c.op} takes no value`);
    } else if (c.op === 'in') {
      if (!Array.isArray(c.value) || c.value.length === 0) issue('in takes a non-empty list');
    } else if (NEEDS_NUMBER.has(c.op)) {
      if (toNumber(c.value) === undefined) issue(`${c.op} takes a number`);
    } else if (NEEDS_TEXT.has(c.op)) {
      if (typeof c.value !== 'string' && typeof c.value !== 'number') issue(`${c.op} takes text`);
    } else if (!isScalar(c.value)) {
      issue(`${c.op} takes a single value`);
    }
  });

/** Validates a condition tree (strict keys, a value that fits the operator, bounded depth). */
export const conditionSchema: z.ZodType<Condition> = z.lazy(() =>
  z
    .union([
      z.strictObject({ all: z.array(conditionSchema).max(100) }),
      z.strictObject({ any: z.array(conditionSchema).max(100) }),
      z.strictObject({ not: conditionSchema }),
      leafSchema,
    ])
    .refine((c) => conditionDepth(c) <= MAX_CONDITION_DEPTH, `conditions nest at most ${MAX_CONDITION_DEPTH} deep`),
);
