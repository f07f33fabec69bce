/**
 * Workstreams, queues (and their members) and channel instances. Admins write; admins and
 * supervisors read; agents may list the queues they belong to.
 */
import { z } from 'zod';
import { defineRoute, type AnyRoute } from '../route.js';
import {
  channelInstanceSettings,
  createChannelInstanceInput,
  createQueueInput,
  createWorkstreamInput,
  updateChannelInstanceInput,
  updateQueueInput,
  updateWorkstreamInput,
  workstreamMode,
  type ChannelInstanceView,
  type Queue,
  type RoutingConfigService,
  type Workstream,
} from '../../services/routing-config-service.js';

const READERS = ['admin', 'supervisor'] as const;
const WRITERS = ['admin'] as const;

const id = z.string().min(1).max(100);
const idParams = z.object({ id });

const queueSchema = z.object({ id: z.string(), name: z.string(), priority: z.number().int(), createdAt: z.string() });
const workstreamSchema = z.object({
  id: z.string(),
  name: z.string(),
  mode: workstreamMode,
  fallbackQueueId: z.string(),
  settings: z.record(z.string(), z.unknown()),
  createdAt: z.string(),
});
const channelInstanceSchema = z.object({
  id: z.string(),
  accountId: z.string(),
  workstreamId: z.string(),
  name: z.string(),
  language: z.string(),
  address: z.string(),
  settings: channelInstanceSettings,
  createdAt: z.string(),
});

const iso = (ms: number): string => new Date(ms).toISOString();
const queueJson = (q: Queue) => ({ ...q, createdAt: iso(q.createdAt) });
const workstreamJson = (w: Workstream) => ({ ...w, createdAt: iso(w.createdAt) });
const instanceJson = (c: ChannelInstanceView) => ({ ...c, createdAt: iso(c.createdAt) });

export function routingConfigRoutes(deps: { config: RoutingConfigService }): AnyRoute[] {
  const { config } = deps;
  return [
    // ── workstreams ─────────────────────────────────────────────────────────────────────────
    defineRoute({
      method: 'GET',
      path: '/api/workstreams',
      summary: 'List workstreams',
      tag: 'Workstreams',
      auth: READERS,
      response: z.object({ workstreams: z.array(workstreamSchema) }),
      handler: async () => ({ workstreams: (await config.listWorkstreams()).map(workstreamJson) }),
    }),
    defineRoute({
      method: 'POST',
      path: '/api/workstreams',
      summary: 'Create a workstream (without fallbackQueueId, a "<name> fallback queue" is created)',
      tag: 'Workstreams',
      auth: WRITERS,
      body: createWorkstreamInput,
      response: workstreamSchema,
      successStatus: 201,
      handler: async ({ body }) => workstreamJson(await config.createWorkstream(body)),
    }),
    defineRoute({
      method: 'GET',
      path: '/api/workstreams/:id',
      summary: 'One workstream',
      tag: 'Workstreams',
      auth: READERS,
      params: idParams,
      response: workstreamSchema,
      handler: async ({ params }) => workstreamJson(await config.getWorkstream(params.id)),
    }),
    defineRoute({
      method: 'PATCH',
      path: '/api/workstreams/:id',
      summary: 'Change a workstream (its mode is fixed after creation)',
      tag: 'Workstreams',
      auth: WRITERS,
      params: idParams,
      body: updateWorkstreamInput,
      response: workstreamSchema,
      handler: async ({ params, body }) => workstreamJson(await config.updateWorkstream(params.id, body)),
    }),
    defineRoute({
      method: 'DELETE',
      path: '/api/workstreams/:id',
      summary: 'Delete a workstream no channel instance uses',
      tag: 'Workstreams',
      auth: WRITERS,
      params: idParams,
      successStatus: 204,
      handler: async ({ params }) => {
        await config.deleteWorkstream(params.id);
        return undefined;
      },
    }),

    // ── queues ──────────────────────────────────────────────────────────────────────────────
    defineRoute({
      method: 'GET',
      path: '/api/queues',
      summary: "List queues (agents see the queues they belong to; mine=true gives anyone theirs)",
      tag: 'Queues',
      auth: ['admin', 'supervisor', 'agent'],
      query: z.object({ mine: z.enum(['true', 'false']).optional() }),
      response: z.object({ queues: z.array(queueSchema) }),
      handler: async ({ query, user }) => {
        const mine = user.role === 'agent' || query.mine === 'true';
        const queues = mine ? await config.listQueuesOfUser(user.id) : await config.listQueues();
        return { queues: queues.map(queueJson) };
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/api/queues',
      summary: 'Create a queue',
      tag: 'Queues',
      auth: WRITERS,
      body: createQueueInput,
      response: queueSchema,
      successStatus: 201,
      handler: async ({ body }) => queueJson(await config.createQueue(body)),
    }),
    defineRoute({
      method: 'GET',
      path: '/api/queues/:id',
      summary: 'One queue',
      tag: 'Queues',
      auth: READERS,
      params: idParams,
      response: queueSchema,
      handler: async ({ params }) => queueJson(await config.getQueue(params.id)),
    }),
    defineRoute({
      method: 'PATCH',
      path: '/api/queues/:id',
      summary: 'Rename a queue or change its priority',
      tag: 'Queues',
      auth: WRITERS,
      params: idParams,
      body: updateQueueInput,
      response: queueSchema,
      handler: async ({ params, body }) => queueJson(await config.updateQueue(params.id, body)),
    }),
    defineRoute({
      method: 'DELETE',
      path: '/api/queues/:id',
      summary: 'Delete a queue that is no workstream\'s fallback queue',
      tag: 'Queues',
      auth: WRITERS,
      params: idParams,
      successStatus: 204,
      handler: async ({ params }) => {
        await config.deleteQueue(params.id);
        return undefined;
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/queues/:id/members',
      summary: "A queue's members (user ids)",
      tag: 'Queues',
      auth: READERS,
      params: idParams,
      response: z.object({ userIds: z.array(z.string()) }),
      handler: async ({ params }) => ({ userIds: await config.listMembers(params.id) }),
    }),
    defineRoute({
      method: 'POST',
      path: '/api/queues/:id/members',
      summary: 'Add a user to a queue (idempotent)',
      tag: 'Queues',
      auth: WRITERS,
      params: idParams,
      body: z.object({ userId: id }),
      response: z.object({ userIds: z.array(z.string()) }),
      successStatus: 201,
      handler: async ({ params, body }) => {
        await config.addMember(params.id, body.userId);
        return { userIds: await config.listMembers(params.id) };
      },
    }),
    defineRoute({
      method: 'DELETE',
      path: '/api/queues/:id/members/:userId',
      summary: 'Remove a user from a queue',
      tag: 'Queues',
      auth: WRITERS,
      params: z.object({ id, userId: id }),
      successStatus: 204,
      handler: async ({ params }) => {
        await config.removeMember(params.id, params.userId);
        return undefined;
      },
    }),

    // ── channel instances ───────────────────────────────────────────────────────────────────
    defineRoute({
      method: 'GET',
      path: '/api/channel-instances',
      summary: 'List channel instances',
      tag: 'Channel instances',
      auth: READERS,
      query: z.object({ accountId: id.optional(), workstreamId: id.optional() }),
      response: z.object({ channelInstances: z.array(channelInstanceSchema) }),
      handler: async ({ query }) => {
        const opts: { accountId?: string; workstreamId?: string } = {};
        if (query.accountId !== undefined) opts.accountId = query.accountId;
        if (query.workstreamId !== undefined) opts.workstreamId = query.workstreamId;
        return { channelInstances: (await config.listChannelInstances(opts)).map(instanceJson) };
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/api/channel-instances',
      summary: 'Create a channel instance (attachments are off until switched on)',
      tag: 'Channel instances',
      auth: WRITERS,
      body: createChannelInstanceInput,
      response: channelInstanceSchema,
      successStatus: 201,
      handler: async ({ body }) => instanceJson(await config.createChannelInstance(body)),
    }),
    defineRoute({
      method: 'GET',
      path: '/api/channel-instances/:id',
      summary: 'One channel instance',
      tag: 'Channel instances',
      auth: READERS,
      params: idParams,
      response: channelInstanceSchema,
      handler: async ({ params }) => instanceJson(await config.getChannelInstance(params.id)),
    }),
    defineRoute({
      method: 'PATCH',
      path: '/api/channel-instances/:id',
      summary: 'Change a channel instance (settings are merged)',
      tag: 'Channel instances',
      auth: WRITERS,
      params: idParams,
      body: updateChannelInstanceInput,
      response: channelInstanceSchema,
      handler: async ({ params, body }) => instanceJson(await config.updateChannelInstance(params.id, body)),
    }),
    defineRoute({
      method: 'DELETE',
      path: '/api/channel-instances/:id',
      summary: 'Delete a channel instance (conversations keep their history)',
      tag: 'Channel instances',
      auth: WRITERS,
      params: idParams,
      successStatus: 204,
      handler: async ({ params }) => {
        await config.deleteChannelInstance(params.id);
        return undefined;
      },
    }),
  ];
}
