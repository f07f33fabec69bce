/**
 * The routing settings admins set on workstreams, queues and agents, validated with defaults.
 * Stored as JSON on their rows; read through these parsers so the engine always sees a complete,
 * valid shape (an old row missing a field gets today's default).
 */
import { z } from 'zod';
import {
  agentCapacitySchema,
  ASSIGNMENT_METHODS,
  BASE_PRESENCES,
  classificationRuleSetSchema,
  operatingHoursSchema,
  routeRuleSetSchema,
  type AgentCapacity,
} from '../domain/routing/index.js';

const overflowAction = z.discriminatedUnion('action', [
  z.object({ action: z.literal('transfer'), queueId: z.string().min(1) }),
  z.object({ action: z.literal('end') }),
  z.object({ action: z.literal('assign_anyway') }),
]);
export type OverflowAction = z.infer<typeof overflowAction>;

export const workstreamRoutingSchema = z.object({
  /** What one conversation costs an agent: units, or a slot in a capacity profile. */
  capacity: z
    .discriminatedUnion('mode', [
      z.object({ mode: z.literal('units'), units: z.number().int().min(0).max(1000) }),
      z.object({ mode: z.literal('profile'), profile: z.string().min(1).max(64) }),
    ])
    .default({ mode: 'units', units: 1 }),
  /** Presences that may receive work from this workstream (offline never does). */
  allowedPresences: z.array(z.enum(BASE_PRESENCES)).min(1).default(['available', 'busy']),
  /** Whether an agent's capacity stays taken while they wrap up: always, never, or for N seconds (30 s – 60 min). */
  wrapUpBlocking: z.union([z.enum(['always', 'never']), z.object({ seconds: z.number().int().min(30).max(3600) })]).default('always'),
  /** Keep the same agent for the whole conversation (a customer answering a Waiting conversation gets the same agent). */
  affinity: z.boolean().default(true),
  /** Close an Active conversation after this long without any message. */
  autoCloseAfterInactivitySec: z.number().int().min(60).max(30 * 86400).optional(),
  /** Close a Waiting conversation after this long. */
  waitingAutoCloseSec: z.number().int().min(60).max(30 * 86400).optional(),
  /** Close a conversation left in wrap-up after this long. */
  wrapUpAutoCloseSec: z.number().int().min(10).max(86400).default(600),
  /** Push mode: how long an offer stays open, and how many declines before an agent is skipped. */
  offerTimeoutSec: z.number().int().min(5).max(3600).default(120),
  maxDeclines: z.number().int().min(1).max(20).default(3),
  /** At most one bot, which gets each conversation first. */
  botId: z.string().min(1).nullable().default(null),
  classification: z.array(classificationRuleSetSchema).default([]),
  routeToQueue: routeRuleSetSchema.optional(),
});
export type WorkstreamRouting = z.infer<typeof workstreamRoutingSchema>;

export const queueRoutingSchema = z.object({
  assignmentMethod: z.enum(ASSIGNMENT_METHODS).default('highest_capacity'),
  operatingHours: operatingHoursSchema.optional(),
  /** Outside operating hours: wait until open (default), transfer, end, or assign anyway. */
  outOfHours: z.union([z.object({ action: z.literal('wait') }), overflowAction]).default({ action: 'wait' }),
  overflow: z
    .object({
      /** Before queuing: when this many items already wait. */
      beforeQueue: z.object({ maxItems: z.number().int().min(0), then: overflowAction }).optional(),
      /** After queuing: when an item waits longer than this. */
      afterQueue: z.object({ maxWaitSec: z.number().int().min(1), then: overflowAction }).optional(),
    })
    .default({}),
});
export type QueueRouting = z.infer<typeof queueRoutingSchema>;

export const agentRoutingSchema = z.object({
  capacity: agentCapacitySchema.default({ mode: 'units', total: 5 }),
  /** Skill name → level 1..10. */
  skills: z.record(z.string().min(1).max(64), z.number().int().min(1).max(10)).default({}),
});
export type AgentRouting = z.infer<typeof agentRoutingSchema> & { capacity: AgentCapacity };

function parseOr<T>(schema: z.ZodType<T>, raw: unknown): T {
  const r = schema.safeParse(raw ?? {});
  return r.success ? r.data : schema.parse({});
}

export const readWorkstreamRouting = (raw: unknown): WorkstreamRouting => parseOr(workstreamRoutingSchema, raw);
export const readQueueRouting = (raw: unknown): QueueRouting => parseOr(queueRoutingSchema, raw);
export const readAgentRouting = (raw: unknown): AgentRouting => parseOr(agentRoutingSchema, raw) as AgentRouting;
