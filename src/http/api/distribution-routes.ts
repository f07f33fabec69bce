/** Unified routing: offers, pick, transfer, consult, supervisor actions, routing settings, rule tester. */
import { z } from 'zod';
import { BASE_PRESENCES, testRouting } from '../../domain/routing/index.js';
import { AppError } from '../../errors.js';
import type { DistributionService } from '../../services/distribution.js';
import type { EventBus } from '../../services/event-bus.js';
import type { RoutingActions } from '../../services/routing-actions.js';
import { agentRoutingSchema, queueRoutingSchema, readQueueRouting, readWorkstreamRouting, workstreamRoutingSchema } from '../../services/routing-settings.js';
import { defineRoute, type AnyRoute } from '../route.js';

const ANY = ['admin', 'supervisor', 'agent'] as const;
const SUP = ['admin', 'supervisor'] as const;
const Id = z.object({ id: z.string().min(1) });

export function distributionRoutes(d: { actions: RoutingActions; engine: DistributionService; bus: EventBus; now: () => number; botExists?: (id: string) => Promise<boolean> }): AnyRoute[] {
  const a = d.actions;
  const locked = d.engine.locked.bind(d.engine);
  return [
    defineRoute({
      method: 'GET',
      path: '/api/me/offers',
      tag: 'routing',
      summary: 'Your live offers (push mode): accept or decline before they expire',
      auth: ANY,
      handler: ({ user }) => a.myOffers(user),
    }),
    defineRoute({
      method: 'POST',
      path: '/api/offers/:id/accept',
      tag: 'routing',
      summary: 'Accept an offer: the conversation becomes yours',
      auth: ANY,
      params: Id,
      handler: ({ user, params }) => a.accept(user, params.id),
    }),
    defineRoute({
      method: 'POST',
      path: '/api/offers/:id/decline',
      tag: 'routing',
      summary: 'Decline an offer: it goes to the next agent',
      auth: ANY,
      params: Id,
      handler: async ({ user, params }) => {
        await a.decline(user, params.id);
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/api/conversations/:id/transfer',
      tag: 'routing',
      summary: 'Transfer to a queue ({queueId}) or an agent ({agentId})',
      auth: ANY,
      params: Id,
      body: z.union([z.object({ queueId: z.string().min(1) }), z.object({ agentId: z.string().min(1) })]),
      handler: ({ user, params, body }) => a.transfer(user, params.id, body),
    }),
    defineRoute({
      method: 'POST',
      path: '/api/conversations/:id/consult',
      tag: 'routing',
      summary: 'Bring in another agent to advise (uses no capacity)',
      auth: ANY,
      params: Id,
      body: z.object({ agentId: z.string().min(1) }),
      handler: async ({ user, params, body }) => {
        await a.consult(user, params.id, body.agentId);
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/conversations/:id/participants',
      tag: 'routing',
      summary: 'Consultants and monitoring supervisors of a conversation',
      auth: ANY,
      params: Id,
      handler: ({ user, params }) => a.participants(user, params.id),
    }),
    defineRoute({
      method: 'POST',
      path: '/api/conversations/:id/monitor',
      tag: 'routing',
      summary: 'Supervisor: watch a conversation silently',
      auth: SUP,
      params: Id,
      handler: async ({ user, params }) => {
        await a.monitor(user, params.id);
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/api/conversations/:id/assign',
      tag: 'routing',
      summary: 'Supervisor: assign to an agent',
      auth: SUP,
      params: Id,
      body: z.object({ agentId: z.string().min(1) }),
      handler: ({ user, params, body }) => a.assign(user, params.id, body.agentId),
    }),
    defineRoute({
      method: 'POST',
      path: '/api/conversations/:id/force-close',
      tag: 'routing',
      summary: 'Supervisor: close a conversation now',
      auth: SUP,
      params: Id,
      handler: ({ user, params }) => a.forceClose(user, params.id),
    }),
    defineRoute({
      method: 'GET',
      path: '/api/agents',
      tag: 'routing',
      summary: 'Supervisor: agents with presence, effective presence and load against capacity',
      auth: SUP,
      handler: () => a.agentStates(),
    }),
    defineRoute({
      method: 'GET',
      path: '/api/queue-stats',
      tag: 'routing',
      summary: 'Supervisor: waiting items and the longest wait per queue',
      auth: SUP,
      handler: () => locked((repo) => repo.queueStats(d.now())),
    }),
    defineRoute({
      method: 'PUT',
      path: '/api/me/presence',
      tag: 'presence',
      summary: 'Set your presence; `label` is a custom name (e.g. "Lunch") shown for it',
      auth: ANY,
      body: z.object({ presence: z.enum(BASE_PRESENCES), label: z.string().trim().min(1).max(40).nullable().optional() }),
      handler: async ({ user, body }) => {
        await locked((repo) => repo.setPresence(user.id, body.presence, body.label ?? null));
        d.bus.publish({ type: 'presence.updated', userId: user.id, presence: body.presence });
        const [state] = await a.agentStates([user.id]);
        return { presence: body.presence, label: body.label ?? null, effectivePresence: state?.effectivePresence ?? body.presence };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/users/:id/routing',
      tag: 'routing',
      summary: "An agent's capacity and skills",
      auth: SUP,
      params: Id,
      handler: async ({ params }) => {
        const [agent] = await locked((repo) => repo.agents([params.id]));
        if (!agent) throw new AppError('not_found', `No user ${params.id}`);
        return agentRoutingSchema.parse(agent.routing);
      },
    }),
    defineRoute({
      method: 'PUT',
      path: '/api/users/:id/routing',
      tag: 'routing',
      summary: "Set an agent's capacity (units or profiles) and skills (name → level 1..10)",
      auth: ['admin'],
      params: Id,
      body: agentRoutingSchema,
      handler: async ({ params, body }) => {
        if (!(await locked((repo) => repo.setAgentRouting(params.id, body)))) throw new AppError('not_found', `No user ${params.id}`);
        d.engine.poke();
        return body;
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/queues/:id/routing',
      tag: 'routing',
      summary: "A queue's assignment method, operating hours and overflow",
      auth: SUP,
      params: Id,
      handler: async ({ params }) => {
        const [q] = await locked((repo) => repo.queueRows([params.id]));
        if (!q) throw new AppError('not_found', `No queue ${params.id}`);
        return readQueueRouting(q.settings);
      },
    }),
    defineRoute({
      method: 'PUT',
      path: '/api/queues/:id/routing',
      tag: 'routing',
      summary: "Set a queue's assignment method, operating hours (time zone, weekly calendar, holidays) and overflow",
      auth: ['admin'],
      params: Id,
      body: queueRoutingSchema,
      handler: async ({ params, body }) => {
        if (!(await locked((repo) => repo.setQueueRouting(params.id, body)))) throw new AppError('not_found', `No queue ${params.id}`);
        d.engine.poke();
        return body;
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/workstreams/:id/routing',
      tag: 'routing',
      summary: "A workstream's distribution settings and routing rules",
      auth: SUP,
      params: Id,
      handler: async ({ params }) => {
        const [ws] = await locked((repo) => repo.workstreams([params.id]));
        if (!ws) throw new AppError('not_found', `No workstream ${params.id}`);
        return readWorkstreamRouting(ws.settings);
      },
    }),
    defineRoute({
      method: 'PUT',
      path: '/api/workstreams/:id/routing',
      tag: 'routing',
      summary: 'Set capacity, allowed presences, wrap-up blocking, affinity, timers, offer timeout, bot, classification and route-to-queue rules',
      auth: ['admin'],
      params: Id,
      body: workstreamRoutingSchema,
      handler: async ({ params, body }) => {
        if (body.botId && d.botExists && !(await d.botExists(body.botId))) throw new AppError('bad_request', `Unknown bot ${body.botId}`);
        const saved = await locked(async (repo) => {
          const [ws] = await repo.workstreams([params.id]);
          if (!ws) throw new AppError('not_found', `No workstream ${params.id}`);
          const queueIds = new Set<string>();
          for (const r of body.routeToQueue?.rules ?? []) {
            if ('queueId' in r && r.queueId) queueIds.add(r.queueId);
            if ('split' in r && r.split) for (const s of r.split) queueIds.add(s.queueId);
          }
          const known = new Set((await repo.queueRows([...queueIds])).map((q) => q.id));
          const missing = [...queueIds].filter((q) => !known.has(q));
          if (missing.length) throw new AppError('bad_request', `Unknown queues in route-to-queue rules: ${missing.join(', ')}`);
          const settings = { ...((ws.settings ?? {}) as Record<string, unknown>), ...body };
          await repo.setWorkstreamSettings(params.id, settings);
          return body;
        });
        d.engine.poke();
        return saved;
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/api/workstreams/:id/rule-test',
      tag: 'routing',
      summary: 'Rule tester: for this context, which classification rules fire, which queue, and why',
      auth: SUP,
      params: Id,
      body: z.object({ context: z.record(z.string(), z.unknown()) }),
      handler: async ({ params, body }) => {
        const [ws] = await locked((repo) => repo.workstreams([params.id]));
        if (!ws) throw new AppError('not_found', `No workstream ${params.id}`);
        const r = readWorkstreamRouting(ws.settings);
        return testRouting({ classificationSets: r.classification, routeSet: r.routeToQueue, fallbackQueueId: ws.fallbackQueueId, context: body.context });
      },
    }),
  ];
}
