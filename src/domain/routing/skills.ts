/**
 * Skills: classification attaches required skills to a work item; agents hold skills with a
 * level (1..10, as Dynamics' default rating model). Names match exactly (the admin UI picks them
 * from one list), so 'Billing' and 'billing' are different skills.
 */
import { z } from 'zod';

export interface SkillRequirement {
  name: string;
  /** 1..10. Absent: any level of the skill will do. */
  level?: number;
}

/** An agent's skills: name → level. */
export type AgentSkills = Readonly<Record<string, number>>;

export const MIN_SKILL_LEVEL = 1;
export const MAX_SKILL_LEVEL = 10;

export const skillRequirementSchema = z.strictObject({
  name: z.string().trim().min(1).max(100),
  level: z.number().int().min(MIN_SKILL_LEVEL).max(MAX_SKILL_LEVEL).optional(),
});

/**
 * Adds requirements to a list; a skill required twice keeps the stricter requirement (the higher
 * level; a level beats no level). Order: first appearance.
 */
export function mergeSkills(into: readonly SkillRequirement[], add: readonly SkillRequirement[]): SkillRequirement[] {
  const out = into.map((s) => ({ ...s }));
  for (const s of add) {
    const have = out.find((o) => o.name === s.name);
    if (!have) out.push(s.level === undefined ? { name: s.name } : { name: s.name, level: s.level });
    else if (s.level !== undefined && (have.level === undefined || s.level > have.level)) have.level = s.level;
  }
  return out;
}

/** How far an agent is from the requirements. Exceeding a level is no gap (over-skilled is fine). */
export interface SkillGap {
  /** Required skills the agent lacks entirely. */
  missing: string[];
  /** Sum over held skills of (required level − agent level) where positive. */
  levelGap: number;
  /** Every required skill held at ≥ the required level. */
  exact: boolean;
  /** Human-readable shortfalls: "lacks billing", "italian 3 < 5". */
  shortfalls: string[];
}

export function skillGap(agent: AgentSkills, required: readonly SkillRequirement[]): SkillGap {
  const missing: string[] = [];
  const shortfalls: string[] = [];
  let levelGap = 0;
  for (const r of required) {
    const level = Object.hasOwn(agent, r.name) ? agent[r.name] : undefined;
    if (level === undefined) {
      missing.push(r.name);
      shortfalls.push(`lacks ${r.name}`);
    } else if (r.level !== undefined && level < r.level) {
      levelGap += r.level - level;
      shortfalls.push(`${r.name} ${level} < ${r.level}`);
    }
  }
  return { missing, levelGap, exact: shortfalls.length === 0, shortfalls };
}

export function formatSkills(skills: readonly SkillRequirement[]): string {
  return skills.map((s) => (s.level === undefined ? s.name : `${s.name}(${s.level})`)).join(', ');
}
