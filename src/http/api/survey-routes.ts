/** Post-conversation survey results for supervisors and admins. */
import { z } from 'zod';
import type { SurveyService } from '../../services/surveys.js';
import { defineRoute, type AnyRoute } from '../route.js';

/** An instant: epoch milliseconds or an ISO 8601 date-time. */
const instant = z
  .string()
  .trim()
  .transform((v, ctx) => {
    const ms = /^\d+$/.test(v) ? Number(v) : Date.parse(v);
    if (Number.isFinite(ms)) return ms;
    ctx.addIssue({ code: 'custom', message: 'must be epoch milliseconds or an ISO 8601 date-time' });
    return z.NEVER;
  });

const filter = {
  from: instant.optional().describe('Surveys sent at or after (epoch ms or ISO 8601)'),
  to: instant.optional().describe('Surveys sent before (epoch ms or ISO 8601)'),
  channelInstanceId: z.string().min(1).optional(),
  agentId: z.string().min(1).optional().describe('Anonymous responses never match an agent'),
};

const Figures = {
  sent: z.number().describe('Surveys that went out'),
  answered: z.number(),
  skipped: z.number().describe('Not sent: the messaging window was closed'),
  responseRate: z.number().describe('answered / sent'),
  average: z.number().nullable(),
  distribution: z.object({ '1': z.number(), '2': z.number(), '3': z.number(), '4': z.number(), '5': z.number() }),
};

const ResponseSchema = z.object({
  id: z.string(),
  conversationId: z.string().nullable().describe('null when anonymous'),
  channelInstanceId: z.string(),
  agentId: z.string().nullable().describe('null when anonymous'),
  agentName: z.string().nullable(),
  contactId: z.string().nullable().describe('null when anonymous'),
  state: z.enum(['sent', 'answered', 'skipped']),
  mode: z.enum(['link', 'inline']),
  rating: z.number().nullable(),
  comment: z.string().nullable(),
  anonymous: z.boolean(),
  sentAt: z.number(),
  answeredAt: z.number().nullable(),
});

function clean<T extends Record<string, unknown>>(o: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as { [K in keyof T]: Exclude<T[K], undefined> };
}

export function surveyRoutes(d: { surveys: SurveyService }): AnyRoute[] {
  return [
    defineRoute({
      method: 'GET',
      path: '/api/surveys/report',
      tag: 'surveys',
      summary: 'Survey results: sent, answered, response rate, average, distribution, per agent',
      auth: ['admin', 'supervisor'],
      query: z.object(filter),
      response: z.object({ ...Figures, byAgent: z.array(z.object({ agentId: z.string(), agentName: z.string().nullable(), ...Figures })) }),
      handler: ({ query }) => d.surveys.report(clean(query)),
    }),
    defineRoute({
      method: 'GET',
      path: '/api/surveys',
      tag: 'surveys',
      summary: 'Survey responses with their comments, newest first (anonymous ones without conversation, agent or contact)',
      auth: ['admin', 'supervisor'],
      query: z.object({
        ...filter,
        state: z.enum(['sent', 'answered', 'skipped']).optional(),
        before: instant.optional().describe('Page: responses sent before this'),
        limit: z.coerce.number().int().min(1).max(500).default(100),
      }),
      response: z.array(ResponseSchema),
      handler: ({ query }) => d.surveys.list(clean(query)),
    }),
  ];
}
