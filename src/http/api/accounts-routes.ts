/** Messaging accounts and the channel kinds an admin can add. Thin: validate, call the service. */
import { z } from 'zod';
import { defineRoute, type AnyRoute } from '../route.js';
import { createAccountInput, updateAccountInput, type AccountsService } from '../../services/accounts-service.js';

const TAG = 'Messaging accounts';

const idParams = z.object({ id: z.string().min(1).max(100) });

export const accountViewSchema = z.object({
  id: z.string(),
  kind: z.string(),
  name: z.string(),
  settings: z.unknown(),
  credentials: z
    .record(z.string(), z.unknown())
    .describe('Secured fields are clear for admins and users allowed to view secrets, else masked as ••••1234'),
  securedFields: z.array(z.string()),
  callbackUrl: z.string().describe('The webhook URL to enter in the provider console'),
  extraCallbackUrls: z.record(z.string(), z.string()).describe('Further URLs to enter in the provider console, e.g. statusCallbackUrl'),
  webhookVerifiedAt: z.string().nullable().describe('When the provider last verified the webhook URL (Business Messages); null: never'),
  createdAt: z.string(),
  updatedAt: z.string(),
});

const channelKindSchema = z.object({
  kind: z.string(),
  displayName: z.string(),
  capabilities: z.object({
    messagingWindowHours: z.number().optional(),
    templates: z.boolean(),
    maxTextLength: z.number(),
    inboundContent: z.array(z.string()),
    outboundContent: z.array(z.string()),
    outboundMediaTypes: z.record(z.string(), z.array(z.string())),
  }),
  credentialFields: z.array(z.object({ name: z.string(), secured: z.boolean(), required: z.boolean() })),
  credentialsJsonSchema: z.unknown().optional(),
  settingsJsonSchema: z.unknown().optional(),
});

export function accountRoutes(deps: { accounts: AccountsService }): AnyRoute[] {
  const { accounts } = deps;
  return [
    defineRoute({
      method: 'GET',
      path: '/api/accounts',
      summary: 'List messaging accounts (secured fields masked unless you may view secrets)',
      tag: TAG,
      auth: ['admin', 'supervisor'],
      query: z.object({ kind: z.string().min(1).optional() }),
      response: z.object({ accounts: z.array(accountViewSchema) }),
      handler: async ({ query, user }) => ({ accounts: await accounts.list(query, user) }),
    }),
    defineRoute({
      method: 'POST',
      path: '/api/accounts',
      summary: "Add a messaging account; credentials are checked against the channel's schema",
      tag: TAG,
      auth: ['admin'],
      body: createAccountInput,
      response: accountViewSchema,
      successStatus: 201,
      handler: ({ body, user }) => accounts.create(body, user),
    }),
    defineRoute({
      method: 'GET',
      path: '/api/accounts/:id',
      summary: 'One messaging account',
      tag: TAG,
      auth: ['admin', 'supervisor'],
      params: idParams,
      response: accountViewSchema,
      handler: ({ params, user }) => accounts.get(params.id, user),
    }),
    defineRoute({
      method: 'PATCH',
      path: '/api/accounts/:id',
      summary: 'Change a messaging account; secured fields omitted or sent back masked keep their value',
      tag: TAG,
      auth: ['admin'],
      params: idParams,
      body: updateAccountInput,
      response: accountViewSchema,
      handler: ({ params, body, user }) => accounts.update(params.id, body, user),
    }),
    defineRoute({
      method: 'DELETE',
      path: '/api/accounts/:id',
      summary: 'Delete a messaging account (its history stays; its webhooks then answer 404)',
      tag: TAG,
      auth: ['admin'],
      params: idParams,
      successStatus: 204,
      handler: async ({ params }) => {
        await accounts.delete(params.id);
        return undefined;
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/channel-kinds',
      summary: 'Channel kinds with their capabilities and credential fields (which are secured)',
      tag: TAG,
      auth: ['admin', 'supervisor', 'agent'],
      response: z.object({ kinds: z.array(channelKindSchema) }),
      handler: async () => ({ kinds: accounts.channelKinds() }),
    }),
  ];
}
