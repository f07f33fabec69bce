/** Bots: the HTTP bot and the built-in FAQ bot a workstream gives its conversations to first. Thin. */
import { z } from 'zod';
import { createBotInput, updateBotInput, type BotsService } from '../../services/bots-service.js';
import { defineRoute, type AnyRoute } from '../route.js';

const TAG = 'Bots';
const idParams = z.object({ id: z.string().min(1).max(100) });

export const botViewSchema = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.enum(['http', 'faq']),
  settings: z.unknown(),
  secret: z.string().optional().describe('HTTP bots: the signing secret, clear for admins and users allowed to view secrets, else masked as ••••1234'),
  usedBy: z.array(z.object({ id: z.string(), name: z.string() })).describe('Workstreams whose conversations go to this bot first'),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export function botRoutes(d: { bots: BotsService }): AnyRoute[] {
  const { bots } = d;
  return [
    defineRoute({
      method: 'GET',
      path: '/api/bots',
      summary: 'List bots',
      tag: TAG,
      auth: ['admin', 'supervisor'],
      response: z.object({ bots: z.array(botViewSchema) }),
      handler: async ({ user }) => ({ bots: await bots.list(user) }),
    }),
    defineRoute({
      method: 'POST',
      path: '/api/bots',
      summary: 'Add a bot: `http` (url; requests signed with `secret`, generated when omitted) or `faq` (keywords → answers)',
      tag: TAG,
      auth: ['admin'],
      body: createBotInput,
      response: botViewSchema,
      successStatus: 201,
      handler: ({ body, user }) => bots.create(body, user),
    }),
    defineRoute({
      method: 'GET',
      path: '/api/bots/:id',
      summary: 'One bot',
      tag: TAG,
      auth: ['admin', 'supervisor'],
      params: idParams,
      response: botViewSchema,
      handler: ({ params, user }) => bots.get(params.id, user),
    }),
    defineRoute({
      method: 'PATCH',
      path: '/api/bots/:id',
      summary: "Change a bot's name, settings (replaced whole) or secret (the masked value sent back keeps it)",
      tag: TAG,
      auth: ['admin'],
      params: idParams,
      body: updateBotInput,
      response: botViewSchema,
      handler: ({ params, body, user }) => bots.update(params.id, body, user),
    }),
    defineRoute({
      method: 'DELETE',
      path: '/api/bots/:id',
      summary: 'Delete a bot (409 while a workstream uses it)',
      tag: TAG,
      auth: ['admin'],
      params: idParams,
      handler: ({ params }) => bots.delete(params.id),
    }),
  ];
}
