/** Quick replies: predefined answers admins manage; every role may read them. */
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { AppError } from '../../errors.js';
import { newId } from '../../lib/ids.js';
import type { Database } from '../../store/schema.js';
import { QuickRepliesRepo } from '../../store/quick-replies-repo.js';
import { defineRoute, type AnyRoute } from '../route.js';

const Id = z.object({ id: z.string().min(1) });
const READ = ['admin', 'supervisor', 'agent'] as const;

export const QuickReplySchema = z.object({
  id: z.string(),
  title: z.string(),
  text: z.string().describe('May hold {CustomerName} and {AgentName}, filled in when an agent inserts it'),
  language: z.string().describe("A language code, or '' for any language"),
  createdAt: z.number(),
  updatedAt: z.number(),
});

const QuickReplyInput = z.object({
  title: z.string().trim().min(1).max(200),
  text: z.string().trim().min(1).max(5000),
  language: z
    .string()
    .trim()
    .max(35)
    .refine((v) => v === '' || v.length >= 2, "a language code, or '' for any language")
    .optional(),
});

export function quickReplyRoutes(d: { db: Kysely<Database>; now: () => number }): AnyRoute[] {
  const repo = new QuickRepliesRepo(d.db);
  const notFound = (id: string) => new AppError('not_found', `No quick reply ${id}`);
  return [
    defineRoute({
      method: 'GET',
      path: '/api/quick-replies',
      tag: 'quick-replies',
      summary: "Quick replies; with a language, that language's and those for any language",
      auth: READ,
      query: z.object({ language: z.string().optional() }),
      response: z.array(QuickReplySchema),
      handler: ({ query }) => repo.list(query.language ? { language: query.language } : {}),
    }),
    defineRoute({
      method: 'POST',
      path: '/api/quick-replies',
      tag: 'quick-replies',
      summary: 'Add a quick reply',
      auth: ['admin'],
      body: QuickReplyInput,
      response: QuickReplySchema,
      successStatus: 201,
      handler: ({ body }) => {
        const now = d.now();
        return repo.insert({ id: newId('qr'), title: body.title, text: body.text, language: body.language ?? '', createdAt: now, updatedAt: now });
      },
    }),
    defineRoute({
      method: 'PATCH',
      path: '/api/quick-replies/:id',
      tag: 'quick-replies',
      summary: 'Change a quick reply',
      auth: ['admin'],
      params: Id,
      body: QuickReplyInput.partial(),
      response: QuickReplySchema,
      handler: async ({ params, body }) => {
        const q = await repo.update(params.id, body, d.now());
        if (!q) throw notFound(params.id);
        return q;
      },
    }),
    defineRoute({
      method: 'DELETE',
      path: '/api/quick-replies/:id',
      tag: 'quick-replies',
      summary: 'Delete a quick reply',
      auth: ['admin'],
      params: Id,
      handler: async ({ params }) => {
        if (!(await repo.delete(params.id))) throw notFound(params.id);
      },
    }),
  ];
}
