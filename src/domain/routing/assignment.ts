/**
 * Choosing an agent for one work item in push mode.
 *
 * Eligibility (every reason is collected for the explanation):
 * - presence listed in `allowedPresences`, and never 'offline' even if listed;
 * - `declinedCount` for this item below `maxDeclines` (default 3);
 * - capacity for the item (capacity.ts);
 * - for 'skill_exact' only: every required skill at ≥ the required level.
 * The other methods do not look at skills ('skill_closest' ranks by them but excludes nobody).
 *
 * Ordering among the eligible:
 * - round robin order: agent ids in ascending code-unit order, starting after `roundRobinCursor`
 *   (the last agent given work in this queue) and wrapping; it also breaks every tie below, so
 *   ties rotate instead of always favouring the same agent;
 * - highest_capacity: most remaining capacity first;
 * - round_robin: round robin order;
 * - most_idle: oldest `lastAssignedAt` first, null (never assigned) before any time;
 * - skill_exact: exact matches only, then highest capacity;
 * - skill_closest: exact matches first, then fewer missing skills, then smaller total level gap,
 *   then highest capacity.
 * The engine should set the queue's cursor to the chosen agent after every assignment.
 */
import { checkCapacity, type AgentCapacity, type WorkLoad } from './capacity.js';
import { isAssignablePresence, type BasePresence } from './presence.js';
import { skillGap, type AgentSkills, type SkillGap, type SkillRequirement } from './skills.js';

export const ASSIGNMENT_METHODS = ['highest_capacity', 'round_robin', 'most_idle', 'skill_exact', 'skill_closest'] as const;
export type AssignmentMethod = (typeof ASSIGNMENT_METHODS)[number];

export const DEFAULT_MAX_DECLINES = 3;

export interface AgentCandidate {
  agentId: string;
  presence: BasePresence;
  capacity: AgentCapacity;
  /** The conversations the agent holds now. */
  load: readonly WorkLoad[];
  skills: AgentSkills;
  /** When the agent was last given work (epoch ms); null if never. */
  lastAssignedAt: number | null;
  /** Times this agent declined or let expire an offer of THIS item. */
  declinedCount: number;
}

export interface AssignmentRequest {
  method: AssignmentMethod;
  allowedPresences: readonly BasePresence[];
  requiredSkills: readonly SkillRequirement[];
  item: WorkLoad;
  /** Default 3. An agent who declined this item this many times is not offered it again. */
  maxDeclines?: number;
  /** The last agent given work in this queue. */
  roundRobinCursor?: string;
  now: number;
}

export interface CandidateReport {
  agentId: string;
  eligible: boolean;
  /** Why not eligible (empty when eligible). */
  excluded: string[];
  /** Remaining capacity for the item, before it. */
  remaining: number;
  skillGap: SkillGap;
  lastAssignedAt: number | null;
  /** now − lastAssignedAt; null when never assigned. */
  idleMs: number | null;
}

export interface AssignmentExplanation {
  method: AssignmentMethod;
  /** Eligible agent ids, best first. */
  ranking: string[];
  /** Every candidate, in input order. */
  candidates: CandidateReport[];
  lines: string[];
}

export type AssignmentResult = ({ agentId: string } | { agentId: null; reason: string }) & { explanation: AssignmentExplanation };

export function chooseAgent(candidates: readonly AgentCandidate[], req: AssignmentRequest): AssignmentResult {
  const maxDeclines = req.maxDeclines ?? DEFAULT_MAX_DECLINES;
  const reports = candidates.map((c) => report(c, req, maxDeclines));
  const eligible = reports.filter((r) => r.eligible);
  const ranked = [...eligible].sort(comparator(req));
  const ranking = ranked.map((r) => r.agentId);
  const lines = reports.map((r) => describe(r, req.method));
  const explanation = (extra: string): AssignmentExplanation => ({ method: req.method, ranking, candidates: reports, lines: [...lines, extra] });
  const best = ranked[0];
  if (!best) {
    const reason =
      candidates.length === 0
        ? 'no candidates (nobody in the queue)'
        : `no eligible agent among ${candidates.length}: ${reports.map((r) => `${r.agentId} ${r.excluded.join(', ')}`).join('; ')}`;
    return { agentId: null, reason, explanation: explanation(reason) };
  }
  return { agentId: best.agentId, explanation: explanation(`${req.method}: ranking ${ranking.join(' > ')} → ${best.agentId}`) };
}

function report(c: AgentCandidate, req: AssignmentRequest, maxDeclines: number): CandidateReport {
  const excluded: string[] = [];
  if (c.presence === 'offline') excluded.push('is offline');
  else if (!isAssignablePresence(c.presence, req.allowedPresences)) excluded.push(`presence ${c.presence} not allowed`);
  if (c.declinedCount >= maxDeclines) excluded.push(`declined this item ${c.declinedCount} times (limit ${maxDeclines})`);
  const cap = checkCapacity(c.capacity, c.load, req.item);
  if (!cap.ok) excluded.push(`no capacity (${cap.reason})`);
  const gap = skillGap(c.skills, req.requiredSkills);
  if (req.method === 'skill_exact' && !gap.exact) excluded.push(`skills do not match (${gap.shortfalls.join(', ')})`);
  return {
    agentId: c.agentId,
    eligible: excluded.length === 0,
    excluded,
    remaining: cap.remaining,
    skillGap: gap,
    lastAssignedAt: c.lastAssignedAt,
    idleMs: c.lastAssignedAt === null ? null : req.now - c.lastAssignedAt,
  };
}

type Cmp = (a: CandidateReport, b: CandidateReport) => number;

function comparator(req: AssignmentRequest): Cmp {
  const rr = roundRobinCompare(req.roundRobinCursor);
  const capacity: Cmp = (a, b) => b.remaining - a.remaining || rr(a.agentId, b.agentId);
  switch (req.method) {
    case 'round_robin':
      return (a, b) => rr(a.agentId, b.agentId);
    case 'most_idle':
      return (a, b) => idleCompare(a.lastAssignedAt, b.lastAssignedAt) || rr(a.agentId, b.agentId);
    case 'skill_closest':
      return (a, b) =>
        Number(b.skillGap.exact) - Number(a.skillGap.exact) ||
        a.skillGap.missing.length - b.skillGap.missing.length ||
        a.skillGap.levelGap - b.skillGap.levelGap ||
        capacity(a, b);
    case 'highest_capacity':
    case 'skill_exact':
    default:
      return capacity;
  }
}

/** Never assigned (null) first, then the oldest assignment. */
function idleCompare(a: number | null, b: number | null): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  return a - b;
}

/**
 * Order of agent ids starting just after the cursor and wrapping around. Plain code-unit order
 * (not locale order) so every process agrees. The cursor need not be a candidate.
 */
export function roundRobinCompare(cursor: string | undefined): (a: string, b: string) => number {
  const lap = (id: string): number => (cursor !== undefined && id <= cursor ? 1 : 0);
  return (a, b) => lap(a) - lap(b) || (a < b ? -1 : a > b ? 1 : 0);
}

function describe(r: CandidateReport, method: AssignmentMethod): string {
  if (!r.eligible) return `${r.agentId}: excluded — ${r.excluded.join('; ')}`;
  const parts = [`${r.remaining} capacity left`];
  if (method === 'most_idle') parts.push(r.idleMs === null ? 'never assigned' : `idle ${Math.round(r.idleMs / 1000)} s`);
  if (method === 'skill_closest' || method === 'skill_exact') parts.push(r.skillGap.exact ? 'skills match' : `skills: ${r.skillGap.shortfalls.join(', ')}`);
  return `${r.agentId}: eligible, ${parts.join(', ')}`;
}
