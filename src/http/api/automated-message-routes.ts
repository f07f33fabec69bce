/** Automated messages: admins configure them per channel, language and channel instance; supervisors read them. */
import { z } from 'zod';
import { TRIGGERS } from '../../domain/automated-messages.js';
import { automatedMessageInput, type AutomatedMessagesService } from '../../services/automated-messages.js';
import { defineRoute, type AnyRoute } from '../route.js';

const AutomatedMessageSchema = z.object({
  id: z.string().nullable().describe('null for a built-in default'),
  trigger: z.enum(TRIGGERS),
  channel: z.string().describe("Channel kind; '*' for a built-in default"),
  language: z.string(),
  channelInstanceId: z.string().describe("'' for a channel-wide message"),
  text: z.string(),
  templateId: z.string().nullable(),
  enabled: z.boolean(),
  builtIn: z.boolean(),
  createdAt: z.number().nullable(),
  updatedAt: z.number().nullable(),
});

export function automatedMessageRoutes(d: { automatedMessages: AutomatedMessagesService }): AnyRoute[] {
  const svc = d.automatedMessages;
  return [
    defineRoute({
      method: 'GET',
      path: '/api/automated-messages',
      tag: 'automated messages',
      summary: 'Configured automated messages, then the built-in defaults (builtIn: true)',
      auth: ['admin', 'supervisor'],
      query: z.object({
        trigger: z.enum(TRIGGERS).optional(),
        channel: z.string().optional(),
        channelInstanceId: z.string().optional().describe('Only the messages of this instance (no defaults)'),
        language: z.string().optional(),
      }),
      response: z.array(AutomatedMessageSchema),
      handler: ({ query }) =>
        svc.list({
          ...(query.trigger ? { trigger: query.trigger } : {}),
          ...(query.channel ? { channel: query.channel } : {}),
          ...(query.channelInstanceId ? { channelInstanceId: query.channelInstanceId } : {}),
          ...(query.language ? { language: query.language } : {}),
        }),
    }),
    defineRoute({
      method: 'PUT',
      path: '/api/automated-messages',
      tag: 'automated messages',
      summary: 'Create or replace the message for a trigger, channel, language and channel instance',
      auth: ['admin'],
      body: automatedMessageInput,
      response: AutomatedMessageSchema,
      handler: async ({ body, reply }) => {
        const { message, created } = await svc.upsert(body);
        if (created) reply.code(201);
        return message;
      },
    }),
    defineRoute({
      method: 'DELETE',
      path: '/api/automated-messages/:id',
      tag: 'automated messages',
      summary: 'Delete a configured message (the next one in the resolution order applies again)',
      auth: ['admin'],
      params: z.object({ id: z.string().min(1) }),
      handler: async ({ params }) => {
        await svc.delete(params.id);
      },
    }),
  ];
}
