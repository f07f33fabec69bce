/** WhatsApp message templates: admins manage or import them; everyone may read them. */
import { z } from 'zod';
import type { TemplatesService } from '../../services/templates-service.js';
import { defineRoute, type AnyRoute } from '../route.js';

const Id = z.object({ id: z.string().min(1) });
const READ = ['admin', 'supervisor', 'agent'] as const;

export const TemplateSchema = z.object({
  id: z.string(),
  accountId: z.string(),
  name: z.string(),
  language: z.string(),
  text: z.string().describe('The approved text with {{1}}-style placeholders'),
  providerTemplateId: z.string().nullable().describe('Twilio Content SID (HX…)'),
  status: z.string().describe('approved, pending, rejected, unsubmitted…'),
  variables: z.record(z.string(), z.string()).describe('Sample values per placeholder'),
  createdAt: z.number(),
  updatedAt: z.number(),
});

const TemplateInput = z.object({
  name: z.string().trim().min(1).max(200),
  language: z.string().trim().min(2).max(35),
  text: z.string().min(1).max(1600),
  providerTemplateId: z
    .string()
    .regex(/^HX[0-9a-fA-F]{32}$/, 'must be a Twilio Content SID (HX + 32 hex)')
    .nullable()
    .optional(),
  status: z.enum(['approved', 'pending', 'rejected', 'unsubmitted', 'paused', 'disabled']).optional(),
  variables: z.record(z.string(), z.string()).optional(),
});

export function templateRoutes(d: { templates: TemplatesService }): AnyRoute[] {
  const svc = d.templates;
  return [
    defineRoute({
      method: 'GET',
      path: '/api/accounts/:id/templates',
      tag: 'templates',
      summary: "A messaging account's message templates",
      auth: READ,
      params: Id,
      query: z.object({ status: z.string().optional(), language: z.string().optional() }),
      response: z.array(TemplateSchema),
      handler: ({ params, query }) =>
        svc.list(params.id, { ...(query.status ? { status: query.status } : {}), ...(query.language ? { language: query.language } : {}) }),
    }),
    defineRoute({
      method: 'POST',
      path: '/api/accounts/:id/templates',
      tag: 'templates',
      summary: 'Add a template (the WhatsApp-approved text and its Twilio Content SID)',
      auth: ['admin'],
      params: Id,
      body: TemplateInput,
      response: TemplateSchema,
      successStatus: 201,
      handler: ({ params, body }) => svc.create(params.id, body),
    }),
    defineRoute({
      method: 'POST',
      path: '/api/accounts/:id/templates/import',
      tag: 'templates',
      summary: "Import templates and their approval state from the provider (Twilio Content API)",
      auth: ['admin'],
      params: Id,
      response: z.object({ added: z.number(), updated: z.number(), total: z.number() }),
      handler: ({ params }) => svc.importFromProvider(params.id),
    }),
    defineRoute({
      method: 'GET',
      path: '/api/templates/:id',
      tag: 'templates',
      summary: 'A template',
      auth: READ,
      params: Id,
      response: TemplateSchema,
      handler: ({ params }) => svc.get(params.id),
    }),
    defineRoute({
      method: 'PATCH',
      path: '/api/templates/:id',
      tag: 'templates',
      summary: 'Change a template',
      auth: ['admin'],
      params: Id,
      body: TemplateInput.partial(),
      response: TemplateSchema,
      handler: ({ params, body }) => svc.update(params.id, body),
    }),
    defineRoute({
      method: 'DELETE',
      path: '/api/templates/:id',
      tag: 'templates',
      summary: 'Delete a template (messages already sent keep their text)',
      auth: ['admin'],
      params: Id,
      handler: async ({ params }) => {
        await svc.delete(params.id);
      },
    }),
  ];
}
